package io.mapleak.heap;

import io.mapleak.heap.columns.PackedLongs;

import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.IntColumn;

/**
 * Finds the dense index of an object id in the sorted id array without a hash map: a bucket table on the high
 * bits of (id - min) narrows the search to a handful of candidates (about four objects a bucket), searched
 * linearly. About 1 byte per object; thread-safe once built.
 */
final class IdLookup implements AutoCloseable {
    private static final int OBJECTS_PER_BUCKET = 4;
    private final PackedLongs ids;
    private final long min;
    private final int shift;
    private final IntColumn bucketStart;
    private final long buckets;
    /** Ids too far apart for buckets: every lookup bisects the whole array. */
    private boolean wide;

    IdLookup(PackedLongs sortedIds, ColumnStore store) {
        this.ids = sortedIds;
        int n = (int) ids.length();
        if (n == 0) {
            min = 0;
            shift = 63;
            buckets = 1;
            bucketStart = store.ints("id-buckets", 2);
            return;
        }
        min = ids.get(0);
        long span;
        try {
            span = Math.addExact(Math.subtractExact(ids.get(n - 1), min), 1);
        } catch (ArithmeticException e) {
            // Ids spread over more than 2^63 (a damaged dump): one bucket, searched by bisection.
            shift = 63;
            buckets = 1;
            bucketStart = store.ints("id-buckets", 2);
            bucketStart.set(1, n);
            wide = true;
            return;
        }
        long wanted = Math.max(1, n / OBJECTS_PER_BUCKET);
        int s = 0;
        while ((span >>> s) > wanted) {
            s++;
        }
        shift = s;
        buckets = ((span - 1) >>> s) + 1;
        bucketStart = store.ints("id-buckets", buckets + 1);
        long b = 0;
        for (int i = 0; i < n; i++) {
            long bucket = (ids.get(i) - min) >>> s;
            while (b <= bucket) {
                bucketStart.set(b++, i);
            }
        }
        while (b <= buckets) {
            bucketStart.set(b++, n);
        }
    }

    /** The index of {@code id}, or -1 if no object has it. */
    int indexOf(long id) {
        if (wide) {
            int lo = 0;
            int hi = (int) ids.length() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long v = ids.get(mid);
                if (v == id) {
                    return mid;
                }
                if (v < id) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return -1;
        }
        long rel = id - min;
        if (rel < 0) {
            return -1;
        }
        long bucket = rel >>> shift;
        if (bucket >= buckets) {
            return -1;
        }
        int lo = bucketStart.get(bucket);
        int hi = bucketStart.get(bucket + 1);
        while (hi - lo > 16) {
            int mid = (lo + hi) >>> 1;
            long v = ids.get(mid);
            if (v == id) {
                return mid;
            }
            if (v < id) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = lo; i < hi; i++) {
            long v = ids.get(i);
            if (v == id) {
                return i;
            }
            if (v > id) {
                return -1;
            }
        }
        return -1;
    }

    long bytes() {
        return bucketStart.heapBytes() + bucketStart.mappedBytes();
    }

    @Override
    public void close() {
        bucketStart.close();
    }
}
