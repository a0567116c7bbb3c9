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
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large tables' nodes are read ahead in file order ({@link NodeFields}); a walk must find exactly what it finds
 * reading each node as it meets it. Two tables (a {@code HashMap} and a {@code ConcurrentHashMap}) of 2^19 slots (two
 * decoding windows) hold 6,000 chains of 1 to 6 nodes (deeper than the levels read ahead), written to the file in
 * shuffled order with 300 KB gaps (so both runs of nodes and lone nodes are read), and the damage a walk must report
 * as it would without the read-ahead: misplaced entries, a link to an object the dump lacks, a non-node in a chain
 * and as a bin's head, and a chain that loops.
 */
class NodeFieldsTest {
    private static final int SLOTS = 1 << 19;
    private static final int CHAINS = 6_000;
    private static final int SPREAD = 83;
    private static final long MISSING = 0x7fff_fff0_0000L;

    @TempDir
    static Path dir;
    static Path file;
    static long hm;
    static long cm;
    static long hmTable;
    /** Bins of the chain that loops, that links to a missing object, that holds a string, and whose head is one. */
    static final int LOOP = 300 * SPREAD;
    static final int TO_MISSING = 100 * SPREAD;
    static final int STRING_INSIDE = 200 * SPREAD;
    static final int STRING_HEAD = 400 * SPREAD;

    @BeforeAll
    static void writeDump() throws Exception {
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap heap = w.heap().withJdkBasics();
        TableClasses c = TableClasses.define(heap);
        long valueClass = heap.newClass("t.Value").field("n", HprofWriter.INT).define();
        long keyClass = heap.newClass("t.Key").field("n", HprofWriter.INT).define();

        long[] hmSlots = new long[SLOTS];
        long[] cmSlots = new long[SLOTS];
        List<Runnable> writes = new ArrayList<>();
        int entries = 0;
        for (int j = 0; j < CHAINS; j++) {
            int bin = j * SPREAD;
            int length = 1 + j % 6;
            long[] hmIds = new long[length];
            long[] cmIds = new long[length];
            for (int i = 0; i < length; i++) {
                hmIds[i] = heap.newId();
                cmIds[i] = heap.newId();
            }
            hmSlots[bin] = hmIds[0];
            cmSlots[bin] = cmIds[0];
            for (int i = 0; i < length; i++) {
                int n = entries++;
                // Every 997th chain's second node sits in the wrong bin; the rest where their hash selects.
                int hash = j % 997 == 5 && i == 1 ? bin + 1 : bin;
                int at = i;
                writes.add(() -> {
                    long key = heap.instance(keyClass, Map.of("n", Value.ofInt(n)));
                    long value = heap.instance(valueClass, Map.of("n", Value.ofInt(n)));
                    for (boolean concurrent : new boolean[] {false, true}) {
                        long[] ids = concurrent ? cmIds : hmIds;
                        long nextId = at + 1 < ids.length ? ids[at + 1] : 0;
                        if (bin == LOOP && at + 1 == ids.length) {
                            nextId = ids[0];
                        } else if (bin == TO_MISSING && at == 1) {
                            nextId = MISSING;
                        }
                        if (bin == STRING_INSIDE && at == 2 || bin == STRING_HEAD && at == 0) {
                            heap.at(ids[at]).instance(keyClass, Map.of("n", Value.ofInt(-n)));
                            continue;
                        }
                        heap.at(ids[at]).instance(concurrent ? c.concurrentNode() : c.hashMapNode(), Map.of(
                                "hash", Value.ofInt(hash), "key", Value.ofObject(key),
                                concurrent ? "val" : "value", Value.ofObject(value), "next", Value.ofObject(nextId)));
                    }
                });
            }
        }
        java.util.Collections.shuffle(writes, new Random(42));
        for (int i = 0; i < writes.size(); i++) {
            if (i % 2_000 == 0 || i % 2_000 == 2) {
                heap.primitiveArray(new byte[300_000]); // nodes on both sides lie far apart; node 1 alone
            }
            writes.get(i).run();
        }
        hmTable = heap.objectArray(c.hashMapTable(), hmSlots);
        hm = heap.instance(c.hashMap(), Map.of("table", Value.ofObject(hmTable), "size", Value.ofInt(entries),
                "threshold", Value.ofInt(SLOTS * 3 / 4), "loadFactor", Value.ofFloat(0.75f)));
        cm = heap.instance(c.concurrentHashMap(), Map.of(
                "table", Value.ofObject(heap.objectArray(c.concurrentTable(), cmSlots)),
                "baseCount", Value.ofLong(entries)));
        heap.newClass("t.Holder").staticField("HM", Value.ofObject(hm)).staticField("CM", Value.ofObject(cm))
                .define();
        heap.stickyClassRoots();
        file = heap.write().writeTo(dir.resolve("node-fields.hprof"));
    }

    @Test
    void decodingAndWalkingFindWhatReadingEachNodeFinds() throws Exception {
        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            MapContext ctx = new MapContext(index);
            for (long id : new long[] {hm, cm}) {
                int map = index.indexOf(id);
                String valueField = id == hm ? "value" : "val";
                ctx.startCounting();
                MapView v = MapCatalog.standard(List.of()).decode(ctx, map);
                long missing = ctx.missingSinceStart();

                // The reference: every bin walked reading each node from the dump as it is met.
                WalkStats stats = new WalkStats();
                List<String> expected = new ArrayList<>();
                ctx.startCounting();
                reference(ctx, map, valueField, stats, null);
                assertThat(missing).isEqualTo(ctx.missingSinceStart()).isEqualTo(1L);
                reference(ctx, map, valueField, new WalkStats(), entry(expected));
                Consistency c = stats.result(v.size());
                assertThat(v.consistency()).as(v.implementation()).isEqualTo(c);
                assertThat(v.entriesReached()).isEqualTo(stats.entries);
                assertThat(v.keyClasses()).containsExactly(stats.keyClasses());
                assertThat(c.loops()).isEqualTo(1);
                assertThat(c.misplacedEntries()).isEqualTo(countMisplaced()).isPositive();
                assertThat(c.problems()).anyMatch(p -> p.contains("bin " + STRING_HEAD + " holds a t.Key"))
                        .anyMatch(p -> p.contains("bin " + STRING_INSIDE + " holds a t.Key"))
                        .anyMatch(p -> p.contains("bin " + TO_MISSING + " links to an object that is not"));
                assertThat(expected).hasSizeGreaterThan(20_000);

                List<String> seen = new ArrayList<>();
                v.entries(entry(seen));
                assertThat(seen).as(v.implementation() + ", every entry in order").isEqualTo(expected);
                List<String> first = new ArrayList<>();
                v.entries((n, k, val, hash, known, bin) -> {
                    first.add(n + ":" + k + ":" + val + ":" + hash + ":" + bin);
                    return first.size() < 5_000;
                });
                assertThat(first).as("a walk told to stop").isEqualTo(expected.subList(0, 5_000));
            }
        }
    }

    @Test
    void readsChainsFourLevelsDeepAndLeavesTheRestToTheWalk() throws Exception {
        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            MapContext ctx = new MapContext(index);
            int table = index.indexOf(hmTable);
            NodeFields f = NodeFields.forWalk(ctx, "value", SLOTS, true);
            assertThat(f).isNotNull();
            assertThat(f.readFrom(ctx, table, 0, SLOTS)).isEqualTo(NodeFields.MAX_WINDOW);
            int bin = 11 * SPREAD; // a chain of six
            int k = f.head(bin);
            int depth = 0;
            for (; k >= 0; k = f.child(k)) {
                assertThat(f.hash(k)).isEqualTo(bin);
                depth++;
            }
            assertThat(depth).isEqualTo(4);
            assertThat(f.head(STRING_HEAD)).as("a head that is no node").isEqualTo(-1);
            assertThat(f.head(bin + 1)).as("an empty bin").isEqualTo(-1);
            int second = (NodeFields.MAX_WINDOW / SPREAD + 1) * SPREAD;
            assertThat(f.head(second)).as("past the window").isEqualTo(-1);
            assertThat(f.readFrom(ctx, table, NodeFields.MAX_WINDOW, SLOTS)).isEqualTo(SLOTS);
            assertThat(f.head(second)).isGreaterThanOrEqualTo(0);
            assertThat(f.hash(f.head(second))).isEqualTo(second);
            assertThat(f.head(bin)).as("the first window's bins are gone").isEqualTo(-1);
            assertThat(NodeFields.forWalk(ctx, "value", NodeFields.MIN_SLOTS - 1, true)).isNull();
        }
    }

    private static long countMisplaced() {
        long n = 0;
        for (int j = 0; j < CHAINS; j++) {
            if (j % 997 == 5 && 1 + j % 6 >= 2 && j * SPREAD != STRING_HEAD) {
                n++;
            }
        }
        return n;
    }

    private static EntrySink entry(List<String> into) {
        return (n, k, val, hash, known, bin) -> into.add(n + ":" + k + ":" + val + ":" + hash + ":" + bin);
    }

    /** Walks every bin of {@code map}'s table node by node from the dump, as before the read-ahead. */
    private static void reference(MapContext ctx, int map, String valueField, WalkStats stats, EntrySink sink) {
        int table = ctx.ref(ctx.instance(map), "table");
        long[] slots = ctx.elements(table);
        for (int bin = 0; bin < slots.length; bin++) {
            if (slots[bin] != 0) {
                HashMapDecoder.walkChain(ctx, slots[bin], bin, slots.length - 1, valueField, stats, null, sink);
            }
        }
    }
}
