package io.mapleak.heap;

/** Object ids as the report contract writes them: {@code "0x7f0a3c218"}. */
public final class Hex {
    private Hex() {
    }

    public static String id(long id) {
        return "0x" + Long.toHexString(id);
    }
}
