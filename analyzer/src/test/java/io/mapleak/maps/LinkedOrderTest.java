package io.mapleak.maps;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code LinkedHashMap}'s order list is checked against its table with the table nodes' links read in file order
 * (an access-ordered map's list has nothing to do with where its nodes lie); the list must still be followed link
 * by link, nodes outside the table read as met. Four access-ordered maps of 3,000 entries, nodes written in shuffled
 * file order and listed in another shuffled order: one sound, one whose list passes through a node the table lacks,
 * one whose list loops back, one whose list stops half way.
 */
class LinkedOrderTest {
    private static final int ENTRIES = 3_000;
    private static final int SLOTS = 4_096;

    @TempDir
    Path dir;

    @Test
    void theOrderListIsComparedWithTheTableWhateverOrderItsNodesLieIn() throws Exception {
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap heap = w.heap().withJdkBasics();
        int obj = HprofWriter.OBJECT;
        TableClasses c = TableClasses.define(heap);
        long entry = heap.newClass("java.util.LinkedHashMap$Entry").superclass(c.hashMapNode())
                .field("before", obj).field("after", obj).define();
        long linked = heap.newClass("java.util.LinkedHashMap").superclass(c.hashMap()).field("head", obj)
                .field("tail", obj).field("accessOrder", HprofWriter.BOOLEAN).define();
        long keyClass = heap.newClass("t.Key").field("n", HprofWriter.INT).define();
        Random random = new Random(11);
        String[] kinds = {"sound", "stranger", "loop", "short"};
        Map<String, Long> maps = new HashMap<>();
        for (String kind : kinds) {
            long[] ids = new long[ENTRIES];
            for (int i = 0; i < ENTRIES; i++) {
                ids[i] = heap.newId();
            }
            long stranger = heap.newId();
            List<Integer> listed = new ArrayList<>();
            for (int i = 0; i < ENTRIES; i++) {
                listed.add(i);
            }
            Collections.shuffle(listed, random);
            long[] after = new long[ENTRIES];
            for (int p = 0; p + 1 < ENTRIES; p++) {
                after[listed.get(p)] = ids[listed.get(p + 1)];
            }
            long strangerAfter = 0;
            switch (kind) {
                case "stranger" -> {
                    strangerAfter = after[listed.get(1_000)];
                    after[listed.get(1_000)] = stranger;
                }
                case "loop" -> after[listed.get(ENTRIES - 1)] = ids[listed.get(100)];
                case "short" -> after[listed.get(1_499)] = 0;
                default -> { }
            }
            List<Integer> fileOrder = new ArrayList<>(listed);
            Collections.shuffle(fileOrder, random);
            long[] table = new long[SLOTS];
            for (int i : fileOrder) {
                long key = heap.instance(keyClass, Map.of("n", Value.ofInt(i)));
                heap.at(ids[i]).instance(entry, Map.of("hash", Value.ofInt(i), "key", Value.ofObject(key),
                        "after", Value.ofObject(after[i])));
                table[i] = ids[i];
            }
            heap.at(stranger).instance(entry, Map.of("hash", Value.ofInt(-1), "after", Value.ofObject(strangerAfter)));
            maps.put(kind, heap.instance(linked, Map.of("table", Value.ofObject(heap.objectArray(c.hashMapTable(),
                    table)), "size", Value.ofInt(ENTRIES), "head", Value.ofObject(ids[listed.get(0)]),
                    "tail", Value.ofObject(ids[listed.get(ENTRIES - 1)]), "accessOrder", Value.ofBoolean(true))));
        }
        var holder = heap.newClass("t.Holder");
        for (String kind : kinds) {
            holder.staticField(kind.toUpperCase(java.util.Locale.ROOT), Value.ofObject(maps.get(kind)));
        }
        holder.define();
        heap.stickyClassRoots();
        Path file = heap.write().writeTo(dir.resolve("linked.hprof"));

        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            Map<String, Consistency> found = new HashMap<>();
            for (String kind : kinds) {
                MapView v = MapCatalog.standard(List.of()).decode(new MapContext(index), index.indexOf(maps.get(kind)));
                assertThat(v.entriesReached()).isEqualTo(ENTRIES);
                assertThat(v.settings()).containsEntry("accessOrder", true);
                found.put(kind, v.consistency());
            }
            assertThat(found.get("sound").linkedOrderMismatch()).isFalse();
            assertThat(found.get("sound").problems()).isEmpty();
            assertThat(found.get("stranger").problems()).containsExactly(
                    "the linked order list holds 3,001 entries (1 not in the table), the table 3,000");
            assertThat(found.get("loop").problems()).containsExactly("the linked order list loops");
            assertThat(found.get("short").problems()).containsExactly(
                    "the linked order list holds 1,500 entries (0 not in the table), the table 3,000");
        }
    }
}
