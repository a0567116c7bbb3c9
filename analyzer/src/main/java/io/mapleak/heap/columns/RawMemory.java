package io.mapleak.heap.columns;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteOrder;

/**
 * Reads and writes mapped chunks by address, as the JDK's own direct buffers do underneath, without the buffer's
 * per-access bound check and memory-session check. Used through {@code sun.misc.Unsafe} (module jdk.unsupported) on
 * JDKs before 23, where it is neither deprecated nor warned about, and only on little-endian machines (the
 * buffers' native order); elsewhere {@link #ENABLED} is false and columns go through the buffers.
 */
final class RawMemory {
    static final sun.misc.Unsafe U;
    private static final long ADDRESS;
    static final boolean ENABLED;

    static {
        sun.misc.Unsafe u = null;
        long address = -1;
        if (Runtime.version().feature() < 23 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                && !Boolean.getBoolean("mapleak.noRawMemory")) {
            try {
                Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                u = (sun.misc.Unsafe) f.get(null);
                address = u.objectFieldOffset(Buffer.class.getDeclaredField("address"));
            } catch (ReflectiveOperationException | RuntimeException e) {
                u = null;
            }
        }
        U = u;
        ADDRESS = address;
        ENABLED = u != null;
    }

    private RawMemory() {
    }

    /** The address of a direct buffer's first byte. */
    static long address(Buffer b) {
        return U.getLong(b, ADDRESS);
    }
}
