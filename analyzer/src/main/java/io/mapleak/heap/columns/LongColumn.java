package io.mapleak.heap.columns;

import java.nio.LongBuffer;
import java.nio.MappedByteBuffer;
import java.util.Arrays;

/** A column of longs (see {@link Column}): ids, file offsets, retained sizes, reference positions. */
public final class LongColumn extends ChunkedColumn {
    private long[][] heap = new long[4][];
    /** The only chunk, while the column is one chunk on the heap (the common case): no chunk look-up. */
    private long[] single;
    private LongBuffer[] mapped = new LongBuffer[4];
    /** Each mapped chunk's address when {@link RawMemory#ENABLED}, else 0: read and written through {@link #mapped}. */
    private long[] address = new long[4];
    /**
     * The first chunk's address when it is mapped and {@link RawMemory#ENABLED}, else 0: a column within one chunk (all
     * of a 1 GB dump's per-object columns, in temp files) is read and written with no look-up in the chunk arrays.
     */
    private long first;

    LongColumn(ColumnStore store, String name, int shift) {
        super(store, name, shift, Long.BYTES);
    }

    public long get(long i) {
        if (i >>> shift == 0) {
            long[] s = single;
            if (s != null) {
                return s[(int) i];
            }
            long a = first;
            if (a != 0) {
                return RawMemory.U.getLong(a + (i << 3));
            }
        }
        int c = (int) (i >>> shift);
        long a = address[c];
        if (a != 0) {
            return RawMemory.U.getLong(a + ((long) ((int) i & mask) << 3));
        }
        long[] h = heap[c];
        return h != null ? h[(int) i & mask] : mapped[c].get((int) i & mask);
    }

    public void set(long i, long v) {
        if (i >>> shift == 0) {
            long[] s = single;
            if (s != null) {
                s[(int) i] = v;
                return;
            }
            long a = first;
            if (a != 0) {
                RawMemory.U.putLong(a + (i << 3), v);
                return;
            }
        }
        int c = (int) (i >>> shift);
        long a = address[c];
        if (a != 0) {
            RawMemory.U.putLong(a + ((long) ((int) i & mask) << 3), v);
            return;
        }
        long[] h = heap[c];
        if (h != null) {
            h[(int) i & mask] = v;
        } else {
            mapped[c].put((int) i & mask, v);
        }
    }

    /** Adds {@code delta} to element {@code i} and returns the old value. */
    public long getAndAdd(long i, long delta) {
        long v = get(i);
        set(i, v + delta);
        return v;
    }

    /** Sets elements {@code from} (inclusive) to {@code to} (exclusive) to {@code v}. */
    public void fill(long from, long to, long v) {
        for (long i = from; i < to; ) {
            int c = (int) (i >>> shift);
            int start = (int) i & mask;
            int end = (int) Math.min(to - ((long) c << shift), 1L << shift);
            long[] h = heap[c];
            if (h != null) {
                Arrays.fill(h, start, end, v);
            } else if (address[c] != 0 && (v == 0 || v == -1)) {
                RawMemory.U.setMemory(address[c] + ((long) start << 3), (long) (end - start) << 3, (byte) v);
            } else {
                LongBuffer b = mapped[c];
                for (int j = start; j < end; j++) {
                    b.put(j, v);
                }
            }
            i += end - start;
        }
    }

    @Override
    void growSlots(int size) {
        heap = Arrays.copyOf(heap, size);
        mapped = Arrays.copyOf(mapped, size);
        address = Arrays.copyOf(address, size);
    }

    @Override
    void newHeapChunk(int c, int size) {
        heap[c] = new long[size];
    }

    @Override
    void resizeHeapChunk(int c, int size) {
        heap[c] = Arrays.copyOf(heap[c], size);
    }

    @Override
    Object heapChunk(int c) {
        return heap[c];
    }

    @Override
    void clearHeapChunk(int c) {
        heap[c] = null;
    }

    @Override
    void setMappedChunk(int c, MappedByteBuffer b) {
        mapped[c] = b.asLongBuffer();
        address[c] = RawMemory.ENABLED ? RawMemory.address(b) : 0;
        if (c == 0) {
            first = address[0]; // mapped anew by releasePages too
        }
    }

    @Override
    void copyIntoMapped(int c, Object chunk, int count) {
        mapped[c].put(0, (long[]) chunk, 0, count);
    }

    @Override
    void clearAll() {
        Arrays.fill(heap, null);
        Arrays.fill(mapped, null);
        Arrays.fill(address, 0);
    }

    @Override
    void chunksChanged() {
        single = chunks == 1 ? heap[0] : null;
        first = address[0]; // 0 once closed (clearAll), or while the first chunk is on the heap
    }
}
