package io.mapleak.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dominators on dumps written to order: graphs whose dominator trees are known by construction. */
class DominatorTreeSyntheticTest {
    @TempDir
    Path dir;

    /** Lengauer & Tarjan (1979), figure 1: vertices R, A-L. */
    private static final Map<String, List<String>> LT = new LinkedHashMap<>();

    static {
        LT.put("R", List.of("A", "B", "C"));
        LT.put("A", List.of("D"));
        LT.put("B", List.of("A", "D", "E"));
        LT.put("C", List.of("F", "G"));
        LT.put("D", List.of("L"));
        LT.put("E", List.of("H"));
        LT.put("F", List.of("I"));
        LT.put("G", List.of("I", "J"));
        LT.put("H", List.of("E", "K"));
        LT.put("I", List.of("K"));
        LT.put("J", List.of("I"));
        LT.put("K", List.of("I", "R"));
        LT.put("L", List.of("H"));
    }

    @Test
    void textbookGraphGetsTheTextbookDominatorTree() throws Exception {
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap heap = w.heap().withJdkBasics();
        long vertexClass = heap.newClass("t.Vertex").field("e1", HprofWriter.OBJECT).field("e2", HprofWriter.OBJECT)
                .field("e3", HprofWriter.OBJECT).define();
        Map<String, Long> ids = new HashMap<>();
        for (String v : LT.keySet()) {
            ids.put(v, heap.newId());
        }
        heap.newClass("t.Holder").staticField("ROOT", Value.ofObject(ids.get("R"))).define();
        for (var e : LT.entrySet()) {
            Map<String, Value> fields = new HashMap<>();
            for (int i = 0; i < e.getValue().size(); i++) {
                fields.put("e" + (i + 1), Value.ofObject(ids.get(e.getValue().get(i))));
            }
            heap.at(ids.get(e.getKey())).instance(vertexClass, fields);
        }
        heap.stickyClassRoots();
        Path file = heap.write().writeTo(dir.resolve("lt.hprof"));

        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            DominatorTree tree = DominatorTree.compute(new HeapGraph(index));
            Map<String, String> expected = Map.ofEntries(Map.entry("A", "R"), Map.entry("B", "R"),
                    Map.entry("C", "R"), Map.entry("D", "R"), Map.entry("E", "R"), Map.entry("F", "C"),
                    Map.entry("G", "C"), Map.entry("H", "R"), Map.entry("I", "R"), Map.entry("J", "G"),
                    Map.entry("K", "R"), Map.entry("L", "D"));
            Map<Integer, String> names = new HashMap<>();
            ids.forEach((k, v) -> names.put(index.indexOf(v), k));
            for (var e : expected.entrySet()) {
                int v = index.indexOf(ids.get(e.getKey()));
                assertThat(names.get(tree.dominator(v))).as("idom(" + e.getKey() + ")").isEqualTo(e.getValue());
            }
            // R is held by the static field of t.Holder: its dominator is Holder's class mirror.
            int r = index.indexOf(ids.get("R"));
            assertThat(index.mirroredClass(tree.dominator(r)).name()).isEqualTo("t.Holder");
            long vertexSize = index.shallowSize(r);
            assertThat(tree.retainedSize(r)).isEqualTo(13 * vertexSize);
            assertThat(tree.retainedSize(index.indexOf(ids.get("C")))).isEqualTo(4 * vertexSize); // C, F, G, J
            assertThat(tree.retainedSize(index.indexOf(ids.get("D")))).isEqualTo(2 * vertexSize); // D, L
        }
    }

    @Test
    void longChainIsHandledWithoutRecursion() throws Exception {
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap heap = w.heap().withJdkBasics();
        long node = heap.newClass("t.Node").field("next", HprofWriter.OBJECT).define();
        int n = 300_000;
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = heap.newId();
        }
        heap.newClass("t.Holder").staticField("HEAD", Value.ofObject(ids[0])).define();
        for (int i = 0; i < n; i++) {
            heap.at(ids[i]).instance(node, i + 1 < n ? Map.of("next", Value.ofObject(ids[i + 1])) : Map.of());
        }
        heap.stickyClassRoots();
        Path file = heap.write().writeTo(dir.resolve("chain.hprof"));
        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            DominatorTree tree = DominatorTree.compute(new HeapGraph(index));
            int head = index.indexOf(ids[0]);
            long each = index.shallowSize(head);
            assertThat(tree.retainedSize(head)).isEqualTo(n * each);
            assertThat(tree.dominator(index.indexOf(ids[n - 1]))).isEqualTo(index.indexOf(ids[n - 2]));
        }
    }
}
