package io.mapleak.heap.columns;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteOrder;

/**
 * Reads and writes mapped chunks by address, as the JDK's own direct buffers do underneath, without the buffer's
 * per-access bound check and memory-session check. Used through {@code sun.misc.Unsafe} (module jdk.unsupported)
 * where {@link #UNSAFE_ALLOWED} says so, and only on little-endian machines (the buffers' native order); elsewhere
 * {@link #ENABLED} is false and columns go through the buffers.
 *
 * <p>Through the buffers the dominator tree alone took 2.8 s instead of 2.0 s on the 1 GB benchmark dump, the whole
 * analysis 12–13 s instead of 9 s on JDK 25 (docs/PERFORMANCE.md, "JDK 25").
 */
final class RawMemory {
    static final sun.misc.Unsafe U;
    private static final long ADDRESS;
    static final boolean ENABLED;

    /**
     * Whether {@code sun.misc.Unsafe}'s memory access may be used without a warning: on JDKs before 23, where it is
     * neither deprecated nor warned about, and on later ones started with {@code --sun-misc-unsafe-memory-access=allow}
     * (which {@link ColumnStore#JVM_OPTIONS} gives, and bin/mapleak passes to such a JDK). Without it JDK 24 and 25
     * print a warning on the first call, and later JDKs are to refuse it, so mapleak does not call it at all.
     */
    static final boolean UNSAFE_ALLOWED = Runtime.version().feature() < 23
            || "allow".equals(System.getProperty("sun.misc.unsafe.memory.access"));

    static {
        sun.misc.Unsafe u = null;
        long address = -1;
        if (UNSAFE_ALLOWED && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
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
