package io.mapleak.maps;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ConcurrentHashMap caught in the middle of a resize, which no JVM dumps on demand: two of its four old bins
 * are already moved (ForwardingNodes pointing to the doubled nextTable, where their entries now sit at bins i
 * and i + 4), two are not. Every entry must be found exactly once, in the bin its hash selects.
 */
class ConcurrentHashMapResizeTest {
    @TempDir
    Path dir;

    @Test
    void midResizeMapDecodesEveryEntryOnceThroughItsForwardingNodes() throws Exception {
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap heap = w.heap().withJdkBasics();
        int obj = HprofWriter.OBJECT;
        long node = heap.newClass("java.util.concurrent.ConcurrentHashMap$Node").field("hash", HprofWriter.INT)
                .field("key", obj).field("val", obj).field("next", obj).define();
        long forwarding = heap.newClass("java.util.concurrent.ConcurrentHashMap$ForwardingNode").superclass(node)
                .field("nextTable", obj).define();
        long nodeArray = heap.newClass("java.util.concurrent.ConcurrentHashMap$Node[]").define();
        long chm = heap.newClass("java.util.concurrent.ConcurrentHashMap").field("table", obj)
                .field("nextTable", obj).field("baseCount", HprofWriter.LONG).field("sizeCtl", HprofWriter.INT)
                .field("transferIndex", HprofWriter.INT).field("cellsBusy", HprofWriter.INT)
                .field("counterCells", obj).field("keySet", obj).field("values", obj).field("entrySet", obj)
                .define();

        Map<Integer, Long> entries = new HashMap<>();
        for (int h : new int[] {0, 1, 2, 3, 4, 6, 7}) {
            entries.put(h, heap.instance(node, Map.of("hash", Value.ofInt(h), "key",
                    Value.ofObject(heap.string("k" + h)), "val", Value.ofObject(heap.string("v" + h)))));
        }
        // Old bin 3 chains hash 3 -> 7 (both select bin 3 of 4): rewrite 3 with a next pointer.
        long three = heap.instance(node, Map.of("hash", Value.ofInt(3), "key", Value.ofObject(heap.string("k3")),
                "val", Value.ofObject(heap.string("v3")), "next", Value.ofObject(entries.get(7))));
        long[] next = new long[8];
        next[0] = entries.get(0);
        next[4] = entries.get(4);
        next[2] = entries.get(2);
        next[6] = entries.get(6);
        long nextTable = heap.objectArray(nodeArray, next);
        long fwd0 = heap.instance(forwarding, Map.of("hash", Value.ofInt(-1), "nextTable", Value.ofObject(nextTable)));
        long fwd2 = heap.instance(forwarding, Map.of("hash", Value.ofInt(-1), "nextTable", Value.ofObject(nextTable)));
        long table = heap.objectArray(nodeArray, fwd0, entries.get(1), fwd2, three);
        long map = heap.instance(chm, Map.of("table", Value.ofObject(table), "nextTable", Value.ofObject(nextTable),
                "baseCount", Value.ofLong(7), "sizeCtl", Value.ofInt(-2)));
        heap.newClass("t.Holder").staticField("MAP", Value.ofObject(map)).define();
        heap.stickyClassRoots();
        Path file = heap.write().writeTo(dir.resolve("resize.hprof"));

        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            MapView v = MapCatalog.standard(List.of()).decode(new MapContext(index), index.indexOf(map));
            assertThat(v.size()).isEqualTo(7);
            assertThat(v.entriesReached()).isEqualTo(7);
            assertThat(v.capacity()).isEqualTo(4);
            assertThat(v.consistency().forwardedBins()).isEqualTo(2);
            assertThat(v.consistency().misplacedEntries()).isZero();
            assertThat(v.consistency().corrupt()).isFalse();
            assertThat(v.settings()).containsEntry("resizing", true);
            ValueText text = new ValueText(index, 20);
            List<String> seen = new ArrayList<>();
            v.entries((n, k, val, hash, known, bin) -> {
                seen.add(text.of(k) + "=" + text.of(val) + "@" + bin);
                return true;
            });
            assertThat(seen).containsExactlyInAnyOrder("\"k0\"=\"v0\"@0", "\"k4\"=\"v4\"@4", "\"k1\"=\"v1\"@1",
                    "\"k2\"=\"v2\"@2", "\"k6\"=\"v6\"@6", "\"k3\"=\"v3\"@3", "\"k7\"=\"v7\"@3");
        }
    }
}
