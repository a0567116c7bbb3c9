package io.mapleak.hprof;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Big-endian decoding from byte arrays, as HPROF writes every number. */
public final class Bytes {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    public static short i2(byte[] b, int at) {
        return (short) SHORT.get(b, at);
    }

    public static int u2(byte[] b, int at) {
        return (short) SHORT.get(b, at) & 0xFFFF;
    }

    public static int i4(byte[] b, int at) {
        return (int) INT.get(b, at);
    }

    public static long i8(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }

    /** An object id of {@code idSize} bytes (4-byte ids are unsigned). */
    public static long id(byte[] b, int at, int idSize) {
        return idSize == 8 ? (long) LONG.get(b, at) : (int) INT.get(b, at) & 0xFFFF_FFFFL;
    }
}
