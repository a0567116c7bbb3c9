package io.mapleak.maps;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables are read a piece of {@link MapContext#SLOT_PIECE} slots at a time: a 131,072-slot {@code HashMap} and
 * {@code ConcurrentHashMap} (four pieces) with entries on both sides of every piece boundary must decode and walk
 * exactly as one read of the whole table would, each entry in the bin its hash selects, and a walk that stops
 * early must stop where it was told; {@link MapContext.Slots} must give every element in any order of reading.
 */
class LargeTableWalkTest {
    /** Bins holding one entry each (the hash is the bin): the first and last slot of every piece, and one inside. */
    private static final int[] BINS = {0, 32_767, 32_768, 65_535, 65_536, 100_000, 131_071};
    private static final int SLOTS = 131_072;

    @TempDir
    Path dir;

    @Test
    void hashMapAndConcurrentHashMapWalkEveryPieceOfALargeTable() throws Exception {
        assertThat(MapContext.SLOT_PIECE).as("the table must span several pieces").isLessThan(SLOTS / 2);
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap heap = w.heap().withJdkBasics();
        TableClasses c = TableClasses.define(heap);

        long[] hmTable = new long[SLOTS];
        long[] chmTable = new long[SLOTS];
        List<String> expected = new ArrayList<>();
        for (int bin : BINS) {
            long key = heap.string("k" + bin);
            long value = heap.string("v" + bin);
            hmTable[bin] = heap.instance(c.hashMapNode(), Map.of("hash", Value.ofInt(bin),
                    "key", Value.ofObject(key), "value", Value.ofObject(value)));
            chmTable[bin] = heap.instance(c.concurrentNode(), Map.of("hash", Value.ofInt(bin),
                    "key", Value.ofObject(key), "val", Value.ofObject(value)));
            expected.add("k" + bin + "=v" + bin + "@" + bin);
        }
        long hm = heap.instance(c.hashMap(), Map.of(
                "table", Value.ofObject(heap.objectArray(c.hashMapTable(), hmTable)),
                "size", Value.ofInt(BINS.length), "threshold", Value.ofInt(SLOTS * 3 / 4),
                "loadFactor", Value.ofFloat(0.75f)));
        long cm = heap.instance(c.concurrentHashMap(), Map.of(
                "table", Value.ofObject(heap.objectArray(c.concurrentTable(), chmTable)),
                "baseCount", Value.ofLong(BINS.length)));
        heap.newClass("t.Holder").staticField("HM", Value.ofObject(hm)).staticField("CM", Value.ofObject(cm))
                .define();
        heap.stickyClassRoots();
        Path file = heap.write().writeTo(dir.resolve("large-tables.hprof"));

        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            ValueText text = new ValueText(index, 20);
            for (long map : new long[] {hm, cm}) {
                MapView v = MapCatalog.standard(List.of()).decode(new MapContext(index), index.indexOf(map));
                assertThat(v.capacity()).isEqualTo(SLOTS);
                assertThat(v.entriesReached()).isEqualTo(BINS.length);
                assertThat(v.consistency().misplacedEntries()).as("each entry in the bin its hash selects").isZero();
                assertThat(v.consistency().corrupt()).isFalse();
                List<String> seen = new ArrayList<>();
                v.entries((n, k, val, hash, known, bin) -> {
                    seen.add(text.of(k).replace("\"", "") + "=" + text.of(val).replace("\"", "") + "@" + bin);
                    return true;
                });
                assertThat(seen).as(v.implementation()).containsExactlyElementsOf(expected);
                List<Integer> firstThree = new ArrayList<>();
                v.entries((n, k, val, hash, known, bin) -> {
                    firstThree.add(bin);
                    return firstThree.size() < 3;
                });
                assertThat(firstThree).as("a walk told to stop after three").containsExactly(0, 32_767, 32_768);
            }
            // Slots read a piece at a time in any order: backwards and at random, every element as read whole.
            MapContext ctx = new MapContext(index);
            int table = ctx.ref(ctx.instance(index.indexOf(hm)), "table");
            long[] whole = ctx.elements(table);
            MapContext.Slots slots = ctx.slots(table);
            assertThat(slots.length()).isEqualTo(SLOTS);
            for (int i = SLOTS - 1; i >= 0; i -= 997) {
                assertThat(slots.get(i)).isEqualTo(whole[i]);
            }
            java.util.Random random = new java.util.Random(7);
            for (int bin : BINS) {
                assertThat(slots.get(bin)).isEqualTo(whole[bin]).isNotZero();
                int other = random.nextInt(SLOTS);
                assertThat(slots.get(other)).isEqualTo(whole[other]);
            }
            assertThat(ctx.slots(-1).length()).isZero();
        }
    }
}
