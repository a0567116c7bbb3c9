package io.mapleak.heap;

import io.mapleak.heap.columns.PackedLongs;

import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.IntColumn;
import io.mapleak.heap.columns.LongColumn;

/**
 * Finds the dense index of an object id in the sorted id array without a hash map, in one of two ways.
 *
 * <p>Usually (ids are addresses: aligned and distinct) a paged bitmap with one bit per alignment unit of the id
 * range, and the number of objects before each block of 512 bits: an object's index is the rank of its bit, found
 * in one cache line of the bitmap and a small rank table. Pages of the range that hold no object (G1's empty
 * regions, the gaps of a reserved heap) take no memory: only a slot in a small page table. One random memory
 * access a look-up, where a search of the sorted ids takes two or three; about 1 byte per object on the
 * benchmark dumps (13.4 MB for 14.1 million objects). It answers the reverse too ({@link #idOf}), so the index
 * does not keep the sorted ids once it is built.
 *
 * <p>Otherwise (repeated ids in a corrupt dump, or ids spread so thinly that the bitmap would take more than
 * {@link #MAX_BITMAP_BYTES_PER_OBJECT} bytes an object): a bucket table on the high bits of (id - min) narrows the
 * search to a handful of candidates (about four objects a bucket), searched linearly; about 1 byte per object.
 * Thread-safe once built.
 */
final class IdLookup implements AutoCloseable {
    private static final int OBJECTS_PER_BUCKET = 4;
    /** The bitmap is used while it takes at most this many bytes per object (rank and page tables included). */
    static final int MAX_BITMAP_BYTES_PER_OBJECT = 4;
    /** Bitmap words per rank entry: 8 longs, one cache line. */
    private static final int WORDS_PER_RANK = 8;
    /** Bitmap words per page (32 KB; 2 MB of addresses at 8-byte alignment, a small G1 region). */
    private static final int PAGE_WORD_SHIFT = 12;
    private static final int PAGE_WORDS = 1 << PAGE_WORD_SHIFT;
    private static final int PAGE_BIT_SHIFT = PAGE_WORD_SHIFT + 6;
    private final PackedLongs ids;
    private final long min;
    private final int shift;
    private final IntColumn bucketStart;
    private final long buckets;
    /** Ids too far apart for buckets: every lookup bisects the whole array. */
    private boolean wide;
    /** The bitmap's pages that hold objects, in order (null when the buckets are used). */
    private final LongColumn bits;
    /** Objects before each block of {@link #WORDS_PER_RANK} words of {@link #bits}. */
    private final IntColumn ranks;
    /** By page of the id range: its page in {@link #bits}, or -1 when no object is in it. */
    private final int[] pageSlots;
    /** By page of {@link #bits}: its page of the id range (the inverse of {@link #pageSlots}). */
    private final int[] slotPages;
    /** By every {@code 2^SAMPLE_SHIFT}-th object: the rank block holding it, where {@link #idOf} starts looking. */
    private final int[] samples;
    private static final int SAMPLE_SHIFT = 10;
    private final int unitShift;
    private final long unitMask;
    private final long bitCount;

    IdLookup(PackedLongs sortedIds, ColumnStore store) {
        this(sortedIds, store, true);
    }

    /** {@code bitmap}: whether the bitmap may be used (tests compare both ways). */
    IdLookup(PackedLongs sortedIds, ColumnStore store, boolean bitmap) {
        this.ids = sortedIds;
        int n = (int) ids.length();
        long[] plan = bitmap ? bitmapPlan(ids, n) : null;
        if (plan != null) {
            min = ids.get(0);
            bitCount = plan[0];
            unitShift = (int) plan[1];
            unitMask = (1L << unitShift) - 1;
            long usedPages = plan[2];
            pageSlots = new int[(int) (((bitCount - 1) >>> PAGE_BIT_SHIFT) + 1)];
            java.util.Arrays.fill(pageSlots, -1);
            slotPages = new int[(int) usedPages];
            samples = new int[((n - 1) >>> SAMPLE_SHIFT) + 1];
            bits = store.longs("id-bits", usedPages * PAGE_WORDS);
            ranks = store.ints("id-ranks", usedPages * (PAGE_WORDS / WORDS_PER_RANK) + 1);
            fillBitmap(n);
            shift = 63;
            buckets = 0;
            bucketStart = null;
            return;
        }
        bits = null;
        ranks = null;
        pageSlots = null;
        slotPages = null;
        samples = null;
        unitShift = 0;
        unitMask = 0;
        bitCount = 0;
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

    /**
     * {bits of the whole range, log2 of the unit, pages holding objects} of the bitmap for these ids, or null when it
     * cannot serve them: no ids, a repeated id, or a bitmap larger than {@link #MAX_BITMAP_BYTES_PER_OBJECT} an
     * object. The unit is the largest power of two that divides every id's distance from the smallest (8 bytes for
     * HotSpot's default object alignment).
     */
    private static long[] bitmapPlan(PackedLongs ids, int n) {
        if (n == 0) {
            return null;
        }
        long first = ids.get(0);
        long previous = first;
        long distances = 1L << 62; // caps the unit at 2^62 when there is one object
        for (int i = 1; i < n; i++) {
            long id = ids.get(i);
            if (id <= previous) {
                return null; // a repeated id (the ids are sorted)
            }
            previous = id;
            distances |= id - first;
        }
        long span = previous - first;
        if (span < 0) {
            return null; // ids spread over more than 2^63 (a damaged dump)
        }
        int unitShift = Long.numberOfTrailingZeros(distances);
        long bitsNeeded = (span >>> unitShift) + 1;
        long pages = ((bitsNeeded - 1) >>> PAGE_BIT_SHIFT) + 1;
        long allowed = Math.max(1 << 20, (long) MAX_BITMAP_BYTES_PER_OBJECT * n); // small dumps: a few pages
        if (pages * Integer.BYTES > allowed / 4) {
            return null; // the page table alone would be too large
        }
        long used = 0;
        long page = -1;
        for (int i = 0; i < n; i++) {
            long p = ((ids.get(i) - first) >>> unitShift) >>> PAGE_BIT_SHIFT;
            if (p != page) {
                used++;
                page = p;
            }
        }
        long bytes = pages * Integer.BYTES + used * PAGE_WORDS * (Long.BYTES + (long) Integer.BYTES / WORDS_PER_RANK);
        return bytes <= allowed ? new long[] {bitsNeeded, unitShift, used} : null;
    }

    private void fillBitmap(int n) {
        long word = 0;
        long w = 0; // the word being filled, in the bitmap's own (page slot) numbering
        long nextRankBlock = 0; // the first block whose rank is not written yet
        long page = -1;
        int slot = -1;
        for (int i = 0; i < n; i++) {
            long bit = (ids.get(i) - min) >>> unitShift;
            long p = bit >>> PAGE_BIT_SHIFT;
            if (p != page) {
                page = p;
                pageSlots[(int) p] = ++slot;
                slotPages[slot] = (int) p;
            }
            long wi = ((long) slot << PAGE_WORD_SHIFT) | ((bit >>> 6) & (PAGE_WORDS - 1));
            if (wi != w) {
                bits.set(w, word);
                word = 0;
                w = wi;
            }
            long block = wi / WORDS_PER_RANK;
            while (nextRankBlock <= block) {
                ranks.set(nextRankBlock++, i); // objects before the block: those before this one
            }
            if ((i & ((1 << SAMPLE_SHIFT) - 1)) == 0) {
                samples[i >>> SAMPLE_SHIFT] = (int) block;
            }
            word |= 1L << bit;
        }
        bits.set(w, word);
        while (nextRankBlock < ranks.length()) {
            ranks.set(nextRankBlock++, n);
        }
    }

    /** The index of {@code id}, or -1 if no object has it. */
    int indexOf(long id) {
        if (bits != null) {
            long rel = id - min;
            if (rel < 0 || (rel & unitMask) != 0) {
                return -1;
            }
            long bit = rel >>> unitShift;
            if (bit >= bitCount) {
                return -1;
            }
            int slot = pageSlots[(int) (bit >>> PAGE_BIT_SHIFT)];
            if (slot < 0) {
                return -1;
            }
            long w = ((long) slot << PAGE_WORD_SHIFT) | ((bit >>> 6) & (PAGE_WORDS - 1));
            long word = bits.get(w);
            long mask = 1L << bit;
            if ((word & mask) == 0) {
                return -1;
            }
            long block = w / WORDS_PER_RANK;
            int rank = ranks.get(block);
            for (long k = block * WORDS_PER_RANK; k < w; k++) {
                rank += Long.bitCount(bits.get(k));
            }
            return rank + Long.bitCount(word & (mask - 1));
        }
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

    /**
     * The id of the object with index {@code index} (0 to objects - 1), from the bitmap alone: the
     * {@code index}-th set bit. A bisection of the rank blocks between two samples, then at most eight words of one
     * cache line. Only when {@link #usesBitmap()}; the sorted ids are then not needed after the index is built.
     */
    long idOf(int index) {
        int s = index >>> SAMPLE_SHIFT;
        long lo = samples[s]; // holds object s << SAMPLE_SHIFT, at or before index
        long hi = s + 1 < samples.length ? samples[s + 1] : ranks.length() - 2; // at or after index's block
        while (lo < hi) { // the last block with no more than index objects before it holds the object
            long mid = (lo + hi + 1) >>> 1;
            if (ranks.get(mid) <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int left = index - ranks.get(lo);
        for (long w = lo * WORDS_PER_RANK; ; w++) {
            long word = bits.get(w);
            int count = Long.bitCount(word);
            if (left < count) {
                for (int k = 0; k < left; k++) {
                    word &= word - 1; // drops the lowest set bit
                }
                long page = slotPages[(int) (w >>> PAGE_WORD_SHIFT)];
                long bit = page << PAGE_BIT_SHIFT | (w & (PAGE_WORDS - 1)) << 6 | Long.numberOfTrailingZeros(word);
                return min + (bit << unitShift);
            }
            left -= count;
        }
    }

    long bytes() {
        if (bits != null) {
            return bits.heapBytes() + bits.mappedBytes() + ranks.heapBytes() + ranks.mappedBytes()
                    + 4L * (pageSlots.length + slotPages.length + samples.length);
        }
        return bucketStart.heapBytes() + bucketStart.mappedBytes();
    }

    /** Whether look-ups go through the bitmap (for tests). */
    boolean usesBitmap() {
        return bits != null;
    }

    @Override
    public void close() {
        if (bits != null) {
            bits.close();
            ranks.close();
        } else {
            bucketStart.close();
        }
    }
}
