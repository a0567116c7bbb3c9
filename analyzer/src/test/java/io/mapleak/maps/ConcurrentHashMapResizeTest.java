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
        Classes c = Classes.define(heap);
        long node = c.node();
        long forwarding = c.forwarding();
        long nodeArray = c.nodeArray();
        long chm = c.map();

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

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aLargeMapWhoseEveryBinIsForwardedReadsOnlyTheSlotsEachBinMovedTo() throws Exception {
        // 32,768 bins, all moved to a 65,536-slot next table, one entry in each bin's upper half (past the first
        // piece of slots a walk reads). Each forwarding node reads only the two slots its bin moved to: reading the
        // whole next table for each, as the decoder once did, read 32,768 x 512 KB here (this class took 6.7 s that
        // way, 1.2 s now), a cost that grows with the square of the table.
        int n = 1 << 15;
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap heap = w.heap().withJdkBasics();
        Classes c = Classes.define(heap);
        long key = heap.string("k");
        long[] next = new long[2 * n];
        for (int b = 0; b < n; b++) {
            next[b + n] = heap.instance(c.node(), Map.of("hash", Value.ofInt(b + n), "key", Value.ofObject(key)));
        }
        long nextTable = heap.objectArray(c.nodeArray(), next);
        long fwd = heap.instance(c.forwarding(), Map.of("hash", Value.ofInt(-1), "nextTable",
                Value.ofObject(nextTable)));
        long[] old = new long[n];
        java.util.Arrays.fill(old, fwd); // one forwarding node serves every moved bin, as in the JDK
        long map = heap.instance(c.map(), Map.of("table", Value.ofObject(heap.objectArray(c.nodeArray(), old)),
                "nextTable", Value.ofObject(nextTable), "baseCount", Value.ofLong(n), "sizeCtl", Value.ofInt(-2)));
        heap.newClass("t.Holder").staticField("MAP", Value.ofObject(map)).define();
        heap.stickyClassRoots();
        Path file = heap.write().writeTo(dir.resolve("large-resize.hprof"));

        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            MapView v = MapCatalog.standard(List.of()).decode(new MapContext(index), index.indexOf(map));
            assertThat(v.entriesReached()).isEqualTo(n);
            assertThat(v.consistency().forwardedBins()).isEqualTo(n);
            assertThat(v.consistency().misplacedEntries()).isZero();
        }
    }

    /** The JDK 8+ ConcurrentHashMap classes both tests write. */
    private record Classes(long node, long forwarding, long nodeArray, long map) {
        static Classes define(HprofWriter.Heap heap) {
            int obj = HprofWriter.OBJECT;
            long node = heap.newClass("java.util.concurrent.ConcurrentHashMap$Node").field("hash", HprofWriter.INT)
                    .field("key", obj).field("val", obj).field("next", obj).define();
            long forwarding = heap.newClass("java.util.concurrent.ConcurrentHashMap$ForwardingNode").superclass(node)
                    .field("nextTable", obj).define();
            long nodeArray = heap.newClass("java.util.concurrent.ConcurrentHashMap$Node[]").define();
            long map = heap.newClass("java.util.concurrent.ConcurrentHashMap").field("table", obj)
                    .field("nextTable", obj).field("baseCount", HprofWriter.LONG).field("sizeCtl", HprofWriter.INT)
                    .field("transferIndex", HprofWriter.INT).field("cellsBusy", HprofWriter.INT)
                    .field("counterCells", obj).field("keySet", obj).field("values", obj).field("entrySet", obj)
                    .define();
            return new Classes(node, forwarding, nodeArray, map);
        }
    }
}
