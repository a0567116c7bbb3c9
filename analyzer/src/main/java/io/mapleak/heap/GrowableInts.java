package io.mapleak.heap;

import java.util.Arrays;

/**
 * An append-only int sequence in 1M-element chunks: growing never copies, and {@link #toArray()} releases
 * chunks as it copies them, so the peak is one array plus one chunk rather than twice the array.
 */
final class GrowableInts {
    private static final int SHIFT = 20;
    private static final int CHUNK = 1 << SHIFT;
    private int[][] chunks = new int[16][];
    private int size;

    void add(int v) {
        int c = size >>> SHIFT;
        if (c == chunks.length) {
            chunks = Arrays.copyOf(chunks, c * 2);
        }
        int[] chunk = chunks[c];
        if (chunk == null) {
            chunk = chunks[c] = new int[CHUNK];
        }
        chunk[size & (CHUNK - 1)] = v;
        size++;
    }

    void set(int i, int v) {
        chunks[i >>> SHIFT][i & (CHUNK - 1)] = v;
    }

    int get(int i) {
        return chunks[i >>> SHIFT][i & (CHUNK - 1)];
    }

    /** Forgets the last value. */
    void removeLast() {
        if (size > 0) {
            size--;
        }
    }

    int size() {
        return size;
    }

    /**
     * The values as one array of {@code n} elements, in order, skipping the positions set in {@code gaps} (left
     * zero for the caller); chunks are released as they are copied. This sequence is empty afterwards.
     */
    int[] toArraySkipping(java.util.BitSet gaps, int n) {
        int[] out = new int[n];
        int at = 0;
        int gap = gaps.nextSetBit(0);
        for (int c = 0, done = 0; done < size; c++) {
            int[] chunk = chunks[c];
            int m = Math.min(CHUNK, size - done);
            int j = 0;
            while (j < m) {
                while (at == gap) {
                    at++;
                    gap = gaps.nextSetBit(at);
                }
                int run = gap < 0 ? m - j : Math.min(m - j, gap - at);
                System.arraycopy(chunk, j, out, at, run);
                j += run;
                at += run;
            }
            chunks[c] = null;
            done += m;
        }
        size = 0;
        return out;
    }

    /** The values as one array; this sequence is empty afterwards. */
    int[] toArray() {
        int[] out = new int[size];
        for (int c = 0, at = 0; at < size; c++) {
            int n = Math.min(CHUNK, size - at);
            System.arraycopy(chunks[c], 0, out, at, n);
            chunks[c] = null;
            at += n;
        }
        size = 0;
        return out;
    }
}
