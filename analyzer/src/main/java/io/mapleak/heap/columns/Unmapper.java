package io.mapleak.heap.columns;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a temp file's chunk as soon as its column is closed, so that its pages leave the process's resident set
 * then rather than whenever the garbage collector finds the buffer. Java 17 has no public way to unmap; this uses
 * {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported) on JDKs before 23, where it is neither deprecated
 * nor warned about. Elsewhere, or if it is missing, the mapping goes with the buffer object, as Java defines.
 */
final class Unmapper {
    private static final MethodHandle CLEANER = cleaner();

    private Unmapper() {
    }

    private static MethodHandle cleaner() {
        if (Runtime.version().feature() >= 23) {
            return null;
        }
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field f = unsafeClass.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            return MethodHandles.lookup().findVirtual(unsafeClass, "invokeCleaner",
                    MethodType.methodType(void.class, ByteBuffer.class)).bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static void unmap(MappedByteBuffer buffer) {
        if (CLEANER == null) {
            return;
        }
        try {
            CLEANER.invokeExact((ByteBuffer) buffer);
        } catch (Throwable e) {
            // not unmapped now: the garbage collector will do it
        }
    }
}
