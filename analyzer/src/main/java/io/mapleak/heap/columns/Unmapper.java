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
 * {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported) where {@link RawMemory#UNSAFE_ALLOWED} says so.
 * Elsewhere, or if it is missing, the mapping goes with the buffer object, as Java defines: on JDK 25 without it the
 * 1 GB benchmark dump's analysis peaked at 1.2–1.5 GB resident instead of 0.8 GB.
 */
final class Unmapper {
    private static final MethodHandle CLEANER = cleaner();

    private Unmapper() {
    }

    private static MethodHandle cleaner() {
        if (!RawMemory.UNSAFE_ALLOWED) {
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

    /** Whether closed columns' chunks are unmapped at once here (rather than by the garbage collector). */
    static boolean unmaps() {
        return CLEANER != null;
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
