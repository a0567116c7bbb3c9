package io.mapleak.heap;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.PackedLongs;
import java.nio.file.Path;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The id look-up's two ways (rank in a bitmap, and buckets searched) against each other and against the sorted ids
 * themselves, on columns of 16-element chunks, on the heap and in temp files, so that chunk and rank-block
 * boundaries are crossed.
 */
class IdLookupTest {
    @TempDir
    Path temp;

    private static PackedLongs ids(ColumnStore store, long[] sorted) {
        PackedLongs p = new PackedLongs(store, "ids");
        for (long id : sorted) {
            p.add(id);
        }
        return p;
    }

    /** Sorted distinct ids from {@code base}, gaps of 1 to {@code maxGap} units of {@code unit} bytes. */
    private static long[] addresses(long base, int n, int unit, int maxGap, long seed) {
        Random r = new Random(seed);
        long[] a = new long[n];
        long id = base;
        for (int i = 0; i < n; i++) {
            a[i] = id;
            id += (long) unit * (1 + r.nextInt(maxGap));
        }
        return a;
    }

    private void checkBothWays(long[] sorted, boolean bitmapExpected) {
        for (long budget : new long[] {Long.MAX_VALUE, 0}) {
            try (ColumnStore store = new ColumnStore(budget, temp, 4)) {
                PackedLongs p = ids(store, sorted);
                try (IdLookup bitmap = new IdLookup(p, store); IdLookup buckets = new IdLookup(p, store, false)) {
                    assertThat(bitmap.usesBitmap()).isEqualTo(bitmapExpected);
                    assertThat(buckets.usesBitmap()).isFalse();
                    TreeSet<Long> present = new TreeSet<>();
                    for (long id : sorted) {
                        present.add(id);
                    }
                    for (int i = 0; i < sorted.length; i++) {
                        // the first of repeated ids is where both find it
                        int expected = i > 0 && sorted[i - 1] == sorted[i] ? bitmap.indexOf(sorted[i]) : i;
                        assertThat(bitmap.indexOf(sorted[i])).as("id %x", sorted[i]).isEqualTo(expected);
                        assertThat(buckets.indexOf(sorted[i])).as("id %x", sorted[i]).isEqualTo(expected);
                        if (bitmapExpected) {
                            assertThat(bitmap.idOf(i)).as("object %d", i).isEqualTo(sorted[i]);
                        }
                        for (long probe : new long[] {sorted[i] - 1, sorted[i] + 1, sorted[i] + 8, sorted[i] - 8,
                                sorted[i] + 4}) {
                            int want = present.contains(probe) ? bitmap.indexOf(probe) : -1;
                            assertThat(bitmap.indexOf(probe)).as("probe %x", probe).isEqualTo(want);
                            assertThat(buckets.indexOf(probe)).as("probe %x", probe).isEqualTo(want);
                        }
                    }
                    long last = sorted[sorted.length - 1];
                    for (long probe : new long[] {0, sorted[0] - 8, last + 8, last + (1L << 40), Long.MAX_VALUE,
                            Long.MIN_VALUE}) {
                        if (!present.contains(probe)) {
                            assertThat(bitmap.indexOf(probe)).isEqualTo(-1);
                            assertThat(buckets.indexOf(probe)).isEqualTo(-1);
                        }
                    }
                }
                p.close();
            }
        }
    }

    @Test
    void denseAddressesUseTheBitmapAndFindEveryObject() {
        checkBothWays(addresses(0x7_0000_0000L, 5_000, 8, 12, 1), true);
    }

    @Test
    void sixteenByteAlignmentAndFourByteIds() {
        checkBothWays(addresses(0x6000_0000L, 3_000, 16, 5, 2), true);
        checkBothWays(addresses(0x1000L, 3_000, 8, 3, 3), true);
    }

    @Test
    void unalignedIdsStillUseAOneByteUnit() {
        checkBothWays(addresses(12_345, 2_000, 1, 7, 4), true);
    }

    @Test
    void aGapInTheRangeCostsOnlyEmptyPageSlots() {
        long[] a = addresses(0x7_0000_0000L, 2_000, 8, 4, 5);
        for (int i = 1_000; i < a.length; i++) {
            a[i] += 1L << 36; // 64 GB further: 32 K empty pages of the bitmap between the two halves
        }
        checkBothWays(a, true);
    }

    @Test
    void idsSpreadTooThinlyFallBackToBuckets() {
        long[] a = addresses(0x7_0000_0000L, 2_000, 8, 4, 5);
        a[a.length - 1] = a[a.length - 2] + (1L << 44); // one far object: even the page table would be too large
        checkBothWays(a, false);
    }

    @Test
    void repeatedIdsFallBackToBuckets() {
        long[] a = addresses(0x7_0000_0000L, 2_000, 8, 4, 6);
        a[1000] = a[999];
        checkBothWays(a, false);
    }

    @Test
    void oneObjectAndObjectsAtEveryUnit() {
        checkBothWays(new long[] {0x7_0000_0010L}, true);
        checkBothWays(addresses(0x7_0000_0000L, 4_096, 8, 1, 7), true); // every bit set: whole rank blocks
    }
}
