package io.mapleak.heap;

/**
 * A read-only long column stored as 4-byte offsets from a per-block base (blocks of 4096 entries): half the
 * memory of a {@code long[]} for columns whose values within a block span less than 4 GB, like addresses of
 * neighbouring objects or their offsets in the file. Falls back to a plain {@code long[]} when any block spans
 * more. Thread-safe.
 */
final class PackedLongs {
    private static final int SHIFT = 12;
    private final long[] bases;
    private final int[] deltas;
    private final long[] plain;
    private final int length;

    private PackedLongs(long[] bases, int[] deltas, long[] plain, int length) {
        this.bases = bases;
        this.deltas = deltas;
        this.plain = plain;
        this.length = length;
    }

    /** Packs {@code values} (which the caller releases afterwards). */
    static PackedLongs of(long[] values) {
        int n = values.length;
        int blocks = (n >>> SHIFT) + 1;
        long[] bases = new long[blocks];
        for (int b = 0; b < blocks; b++) {
            int from = b << SHIFT;
            int to = Math.min(n, from + (1 << SHIFT));
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = from; i < to; i++) {
                min = Math.min(min, values[i]);
                max = Math.max(max, values[i]);
            }
            if (from < to && (max - min < 0 || max - min > 0xFFFF_FFFFL)) {
                return new PackedLongs(null, null, values, n);
            }
            bases[b] = from < to ? min : 0;
        }
        int[] deltas = new int[n];
        for (int i = 0; i < n; i++) {
            deltas[i] = (int) (values[i] - bases[i >>> SHIFT]);
        }
        return new PackedLongs(bases, deltas, null, n);
    }

    long get(int i) {
        if (plain != null) {
            return plain[i];
        }
        return bases[i >>> SHIFT] + (deltas[i] & 0xFFFF_FFFFL);
    }

    int length() {
        return length;
    }

    long bytes() {
        return plain != null ? 8L * plain.length : 8L * bases.length + 4L * deltas.length;
    }
}
