package io.mapleak.heap.columns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColumnsTest {
    @TempDir
    Path temp;

    private ColumnStore heap() {
        return new ColumnStore(Long.MAX_VALUE, temp, 4);
    }

    private ColumnStore mapped() {
        return new ColumnStore(0, temp, 4);
    }

    @Test
    void aChunkOnTheHeapIsRememberedForTheOutOfMemoryAdvice() {
        // Sticky for the JVM (other tests' stores may have set it before), so only the change to true is checked.
        try (ColumnStore s = new ColumnStore(1 << 20, temp, 4)) {
            IntColumn c = s.ints("held", 10);
            assertThat(c.chunkOnHeap(0)).isTrue();
            assertThat(ColumnStore.heapColumnsHeld()).isTrue();
        }
    }

    @Test
    void theDefaultBudgetKeepsASmallDumpsColumnsOnTheHeapAndALargeOnesInTempFiles() {
        long small = ColumnStore.defaultBudget(ColumnStore.LARGE_DUMP_BYTES - 1);
        assertThat(small).isEqualTo(ColumnStore.defaultBudget()).isPositive();
        assertThat(ColumnStore.defaultBudget(ColumnStore.LARGE_DUMP_BYTES)).isZero();
        assertThat(ColumnStore.defaultBudget(10L << 30)).isZero();
    }

    @Test
    void intsRoundTripAcrossChunkBoundariesOnBothBackings() {
        for (ColumnStore store : new ColumnStore[] {heap(), mapped()}) {
            try (store) {
                IntColumn c = store.ints("test", 1000);
                for (long i = 0; i < 1000; i++) {
                    c.set(i, (int) (i * 7 - 3));
                }
                for (long i = 0; i < 1000; i++) {
                    assertThat(c.get(i)).isEqualTo((int) (i * 7 - 3));
                }
                assertThat(c.chunkCount()).isEqualTo(1000 / 16 + 1);
                c.fill(5, 40, 9);
                assertThat(c.get(4)).isEqualTo(25);
                assertThat(c.get(5)).isEqualTo(9);
                assertThat(c.get(39)).isEqualTo(9);
                assertThat(c.get(40)).isEqualTo(277);
            }
        }
    }

    @Test
    void longsKeepValuesAboveThirtyTwoBitsOnBothBackings() {
        for (ColumnStore store : new ColumnStore[] {heap(), mapped()}) {
            try (store) {
                LongColumn c = store.longs("test", 100);
                for (long i = 0; i < 100; i++) {
                    c.set(i, (i << 40) + i);
                }
                for (long i = 0; i < 100; i++) {
                    assertThat(c.get(i)).isEqualTo((i << 40) + i);
                }
            }
        }
    }

    @Test
    void chunksGoToTheFileOnceTheBudgetIsSpentAndGrowingKeepsValues() {
        // 16 ints a chunk, 64 bytes: a 100-byte budget holds one chunk on the heap.
        try (ColumnStore store = new ColumnStore(100, temp, 4)) {
            IntColumn c = store.ints("grow", 0);
            for (int i = 0; i < 100; i++) {
                c.ensureLength(i + 1);
                c.set(i, i + 1);
            }
            assertThat(c.chunkOnHeap(0)).isTrue();
            assertThat(c.chunkOnHeap(1)).isFalse();
            assertThat(c.heapBytes()).isEqualTo(64);
            assertThat(c.mappedBytes()).isEqualTo(64L * 6);
            for (int i = 0; i < 100; i++) {
                assertThat(c.get(i)).isEqualTo(i + 1);
            }
            assertThat(store.heapBytes()).isEqualTo(64);
            c.close();
            assertThat(store.heapBytes()).isZero();
            assertThat(store.mappedBytes()).isZero();
        }
    }

    @Test
    void aHeapChunkThatOutgrowsTheBudgetMovesToTheFileWithItsValues() {
        try (ColumnStore store = new ColumnStore(40 * 1024, temp, 16)) {
            IntColumn c = store.ints("moving", 0);
            for (int i = 0; i < 20_000; i++) {
                c.ensureLength(i + 1);
                c.set(i, -i);
            }
            assertThat(c.chunkOnHeap(0)).isFalse();
            for (int i = 0; i < 20_000; i++) {
                assertThat(c.get(i)).isEqualTo(-i);
            }
        }
    }

    @Test
    void indicesPastTwoToTheThirtyOneWorkInSparseMappedColumns() {
        // 2^31 + 100 ints, in a sparse file: only the two touched pages take memory or disk.
        try (ColumnStore store = new ColumnStore(0, temp, 27)) {
            IntColumn c = store.ints("big", (1L << 31) + 100);
            long far = (1L << 31) + 99;
            c.set(far, 42);
            c.set(3, 1);
            assertThat(c.get(far)).isEqualTo(42);
            assertThat(c.get(3)).isEqualTo(1);
            assertThat(c.get(far - 1)).isZero();
            assertThat(c.length()).isEqualTo((1L << 31) + 100);
            assertThat(c.chunkCount()).isEqualTo(17);
        }
    }

    @Test
    void aClosedColumnsSlotsGoToTheNextColumnAndReadAsZeroThere() {
        try (ColumnStore store = new ColumnStore(0, temp, 10)) { // 4 KB chunks: 1024 ints, 512 longs
            IntColumn first = store.ints("first", 3000);
            for (int i = 0; i < 3000; i++) {
                first.set(i, i + 1);
            }
            first.truncate(10); // shorter now, but written up to 3000: all of it must be zeroed for the next
            first.close();
            assertThat(store.slotCounts()).containsExactly(0L, 3L);
            IntColumn second = store.ints("second", 3000);
            assertThat(store.slotCounts()).containsExactly(3L, 3L);
            for (int i = 0; i < 3000; i++) {
                assertThat(second.get(i)).as("element %d", i).isZero();
            }
            second.set(2999, 5);
            assertThat(second.get(2999)).isEqualTo(5);

            // A long column's slots serve int chunks once freed, and read as zero there.
            LongColumn longs = store.longs("longs", 2048);
            for (int i = 0; i < 2048; i++) {
                longs.set(i, -1L);
            }
            assertThat(longs.chunkCount()).isEqualTo(4);
            longs.close();
            IntColumn ints = store.ints("ints", 4096);
            assertThat(store.slotCounts()).containsExactly(7L, 7L);
            for (int i = 0; i < 4096; i++) {
                assertThat(ints.get(i)).as("element %d", i).isZero();
            }
            ints.set(0, 1);
            ints.set(4095, 2);
            assertThat(second.get(2999)).as("other columns' slots untouched").isEqualTo(5);
        }
    }

    @Test
    void filledColumnsHoldTheirValueEverywhereAndScratchColumnsLeaveTheirSlotsToBeZeroedForTheNext() {
        for (ColumnStore store : new ColumnStore[] {heap(), mapped(), new ColumnStore(0, temp, 10)}) {
            try (store) {
                // Slots a closed column wrote all over, so that a filled column on them must overwrite every byte.
                IntColumn dirty = store.ints("dirty", 3000);
                LongColumn dirtyLongs = store.longs("dirty-longs", 1500);
                for (int i = 0; i < 3000; i++) {
                    dirty.set(i, 0x5A5A5A5A + i);
                }
                for (int i = 0; i < 1500; i++) {
                    dirtyLongs.set(i, 0x5A5A5A5A5A5AL * (i + 1));
                }
                dirty.close();
                dirtyLongs.close();
                for (int value : new int[] {-1, 0, 7}) {
                    try (IntColumn c = store.ints("filled", 3000, value)) {
                        for (int i = 0; i < 3000; i++) {
                            assertThat(c.get(i)).as("%s: element %d of a column filled with %d", store, i, value)
                                    .isEqualTo(value);
                        }
                    }
                }
                for (long value : new long[] {-1L, 0L, -1L << 32}) {
                    try (LongColumn c = store.longs("filled-longs", 1500, value)) {
                        for (int i = 0; i < 1500; i++) {
                            assertThat(c.get(i)).as("element %d of a column filled with %d", i, value)
                                    .isEqualTo(value);
                        }
                    }
                }
                // A scratch column, grown as it is appended to, keeps what it is given; the slots it wrote (all of
                // them, though it is truncated) read as zero in the plain column that takes them next.
                IntColumn scratch = store.scratchInts("scratch", 0);
                for (int i = 0; i < 3000; i++) {
                    scratch.ensureLength(i + 1);
                    scratch.set(i, -3 - i);
                }
                for (int i = 0; i < 3000; i++) {
                    assertThat(scratch.get(i)).isEqualTo(-3 - i);
                }
                scratch.truncate(5);
                scratch.close();
                try (IntColumn next = store.ints("next", 3000)) {
                    for (int i = 0; i < 3000; i++) {
                        assertThat(next.get(i)).as("element %d after a scratch column", i).isZero();
                    }
                }
            }
        }
    }

    @Test
    void tempFilesAreUnnamedWhileInUseAndGoneAfter() throws IOException {
        try (ColumnStore store = mapped()) {
            IntColumn c = store.ints("named", 1000);
            c.set(999, 1);
            try (Stream<Path> files = Files.list(temp)) {
                assertThat(files).isEmpty();
            }
        }
        try (Stream<Path> files = Files.list(temp)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aClosedMappedColumnLeavesTheAddressSpaceAtOnce() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(maps) && Runtime.version().feature() < 23,
                "unmapping at close needs Linux's /proc to check, and JDK < 23 to do it");
        try (ColumnStore store = new ColumnStore(0, temp, 10)) {
            IntColumn c = store.ints("unmapped", 5000);
            c.set(4999, 7);
            assertThat(Files.readString(maps)).contains(temp.toString());
            c.close();
            assertThat(Files.readString(maps)).doesNotContain(temp.toString());
        }
    }

    @Test
    void releasedPagesLeaveTheResidentSetAndKeepTheirValues() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/smaps"))
                && Runtime.version().feature() < 23, "needs Linux's /proc to check, and JDK < 23 to unmap");
        try (ColumnStore store = new ColumnStore(0, temp, 12)) { // 16 KB chunks
            int n = 200_000;
            IntColumn ints = store.ints("released-ints", n);
            LongColumn longs = store.longs("released-longs", n);
            for (int i = 0; i < n; i++) {
                ints.set(i, 3 * i + 1);
                longs.set(i, ((long) i << 33) + 5);
            }
            assertThat(residentKb()).as("written pages are resident").isGreaterThanOrEqualTo(n * 12L / 1024);
            store.releasePages();
            assertThat(residentKb()).as("released").isZero();
            for (int i : new int[] {0, n / 2, n - 1}) {
                assertThat(ints.get(i)).isEqualTo(3 * i + 1);
                assertThat(longs.get(i)).isEqualTo(((long) i << 33) + 5);
            }
            long touched = residentKb(); // the pages read, and the kernel's read-around (up to 64 KB a fault)
            assertThat(touched).as("pages read again come back").isPositive().isLessThan(n * 12L / 1024 / 4);
            ints.releasePages();
            assertThat(residentKb()).as("only the long column's pages are left").isPositive().isLessThan(touched);
            for (int i = 0; i < n; i++) {
                assertThat(ints.get(i)).isEqualTo(3 * i + 1);
                assertThat(longs.get(i)).isEqualTo(((long) i << 33) + 5);
            }
        }
    }

    /** Resident kilobytes of this process's mappings of files in the temp directory. */
    private long residentKb() throws IOException {
        long kb = 0;
        boolean ours = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) { // a mapping's header line
                ours = line.contains(temp.toString());
            } else if (line.startsWith("Rss:") && ours) {
                kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kb;
    }

    @Test
    void aFullTempDirectoryIsOneClearError() {
        try (ColumnStore store = new ColumnStore(0, temp, 4, () -> 10L << 20)) {
            assertThatThrownBy(() -> store.ints("full", 100))
                    .isInstanceOf(UncheckedIOException.class)
                    .cause().isInstanceOf(TempSpaceException.class)
                    .hasMessageContaining("has 10 MB free");
        }
    }

    @Test
    void appendedColumnsKeepEveryValueAsTheirOnlyHeapChunkGrowsMovesToTheFileOrIsJoinedByMore() {
        // 4096 elements a chunk: the first heap chunk starts at 1024 and doubles. With room for just 1024 ints
        // and 1024 longs both chunks move to the file when they double; with no limit both stay on the heap
        // until a second chunk ends the single-array fast path. Values are checked after each such change.
        for (long budget : new long[] {1024 * 4 + 1024 * 8 + 100, Long.MAX_VALUE}) {
            try (ColumnStore store = new ColumnStore(budget, temp, 12)) {
                IntColumn ints = store.ints("appended-ints", 0);
                LongColumn longs = store.longs("appended-longs", 0);
                for (int i = 0; i < 10_000; i++) {
                    ints.ensureLength(i + 1);
                    ints.set(i, i * 3 + 1);
                    longs.ensureLength(i + 1);
                    longs.set(i, ((long) i << 33) + 5);
                    if (i == 1023 || i == 1024 || i == 4095 || i == 4096 || i == 9_999) {
                        for (int k = 0; k <= i; k++) {
                            assertThat(ints.get(k)).isEqualTo(k * 3 + 1);
                            assertThat(longs.get(k)).isEqualTo(((long) k << 33) + 5);
                        }
                    }
                }
                assertThat(ints.length()).isEqualTo(10_000);
                assertThat(ints.chunkCount()).isEqualTo(3);
                assertThat(ints.chunkOnHeap(0)).isEqualTo(budget == Long.MAX_VALUE);
                assertThat(longs.chunkOnHeap(0)).isEqualTo(budget == Long.MAX_VALUE);
                ints.truncate(10);
                ints.ensureLength(20); // within the chunks already there
                assertThat(ints.length()).isEqualTo(20);
                assertThat(ints.get(19)).isEqualTo(19 * 3 + 1);
            }
        }
    }
}
