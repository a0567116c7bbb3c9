package io.mapleak.heap.columns;

/**
 * A long column written in order and read at random, stored as 4-byte offsets from a per-block base (blocks of
 * 4096 entries, the base being the block's first value): half the memory of a {@code long} column for columns
 * whose values within a block rise by less than 4 GB, like addresses of neighbouring objects, their offsets in
 * the file, or where each object's references start. The first value that does not fit turns it into a plain
 * {@code long} column (copying what it holds). Reads are thread-safe once written.
 */
public final class PackedLongs implements AutoCloseable {
    private static final int SHIFT = 12;
    private final ColumnStore store;
    private final String name;
    private long[] bases = new long[16];
    private IntColumn deltas;
    private LongColumn plain;
    private long length;

    public PackedLongs(ColumnStore store, String name) {
        this.store = store;
        this.name = name;
        this.deltas = store.scratchInts(name, 0); // appended to, or written whole (of): written before read
    }

    /** Appends {@code v} as element {@link #length()}. */
    public void add(long v) {
        long i = length++;
        if (plain != null) {
            plain.ensureLength(length);
            plain.set(i, v);
            return;
        }
        int b = (int) (i >>> SHIFT);
        if ((i & ((1 << SHIFT) - 1)) == 0) {
            if (b == bases.length) {
                bases = java.util.Arrays.copyOf(bases, b * 2);
            }
            bases[b] = v;
        }
        long d = v - bases[b];
        if (d < 0 || d > 0xFFFF_FFFFL) {
            unpack(i);
            plain.set(i, v);
            return;
        }
        deltas.ensureLength(length);
        deltas.set(i, (int) d);
    }

    /**
     * A packed column of {@code n} values {@code value(i)}, computed twice (once for each block's smallest value,
     * once to store): for values that are not written in rising order within a block.
     */
    public static PackedLongs of(ColumnStore store, String name, long n, java.util.function.LongUnaryOperator value) {
        PackedLongs p = new PackedLongs(store, name);
        long blocks = (n >>> SHIFT) + 1;
        p.bases = new long[(int) blocks];
        for (long b = 0; b < blocks; b++) {
            long from = b << SHIFT;
            long to = Math.min(n, from + (1 << SHIFT));
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (long i = from; i < to; i++) {
                long v = value.applyAsLong(i);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (from < to && (max - min < 0 || max - min > 0xFFFF_FFFFL)) {
                p.deltas.close();
                p.deltas = null;
                p.bases = null;
                p.plain = store.scratchLongs(name + "-plain", n);
                for (long i = 0; i < n; i++) {
                    p.plain.set(i, value.applyAsLong(i));
                }
                p.length = n;
                return p;
            }
            p.bases[(int) b] = from < to ? min : 0;
        }
        p.deltas.ensureLength(n);
        for (long i = 0; i < n; i++) {
            p.deltas.set(i, (int) (value.applyAsLong(i) - p.bases[(int) (i >>> SHIFT)]));
        }
        p.length = n;
        return p;
    }

    private void unpack(long written) {
        LongColumn p = store.scratchLongs(name + "-plain", length);
        for (long k = 0; k < written; k++) {
            p.set(k, bases[(int) (k >>> SHIFT)] + (deltas.get(k) & 0xFFFF_FFFFL));
        }
        plain = p;
        deltas.close();
        deltas = null;
        bases = null;
    }

    public long get(long i) {
        if (plain != null) {
            return plain.get(i);
        }
        return bases[(int) (i >>> SHIFT)] + (deltas.get(i) & 0xFFFF_FFFFL);
    }

    public long length() {
        return length;
    }

    /** Bytes held, on the heap and in temp files. */
    public long bytes() {
        return plain != null ? plain.heapBytes() + plain.mappedBytes()
                : 8L * bases.length + deltas.heapBytes() + deltas.mappedBytes();
    }

    @Override
    public void close() {
        if (deltas != null) {
            deltas.close();
        }
        if (plain != null) {
            plain.close();
        }
    }
}
