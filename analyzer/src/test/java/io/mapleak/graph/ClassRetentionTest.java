package io.mapleak.graph;

import static io.mapleak.testing.HprofWriter.OBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.graph.DominatorTree;
import io.mapleak.graph.HeapGraph;
import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retained bytes per class count each byte once, however deeply instances of a class nest below each other. */
class ClassRetentionTest {
    @TempDir
    Path dir;

    @Test
    void nestedInstancesOfAClassAreCountedOnceAndSiblingsAdd() throws Exception {
        // Holder.ROOT -> a1 -> b1 -> a2 -> byte[1000]; Holder.OTHER -> a3 -> byte[500]; Holder.SHARED -> b2 <- a3
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap h = w.heap().withJdkBasics();
        long a = h.newClass("t.A").field("next", OBJECT).field("data", OBJECT).define();
        long b = h.newClass("t.B").field("next", OBJECT).define();
        long a2 = h.instance(a, Map.of("data", Value.ofObject(h.primitiveArray(new byte[1000]))));
        long b1 = h.instance(b, Map.of("next", Value.ofObject(a2)));
        long a1 = h.instance(a, Map.of("next", Value.ofObject(b1)));
        long b2 = h.instance(b, Map.of());
        long a3 = h.instance(a, Map.of("next", Value.ofObject(b2),
                "data", Value.ofObject(h.primitiveArray(new byte[500]))));
        h.newClass("t.Holder").staticField("ROOT", Value.ofObject(a1)).staticField("OTHER", Value.ofObject(a3))
                .staticField("SHARED", Value.ofObject(b2)).define();
        h.stickyClassRoots();
        Path file = h.write().writeTo(dir.resolve("nested.hprof"));

        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            DominatorTree tree = DominatorTree.compute(new HeapGraph(index));
            long[] retained = ClassRetention.compute(index, tree);
            int ia1 = index.indexOf(a1);
            int ia2 = index.indexOf(a2);
            int ia3 = index.indexOf(a3);
            int ib1 = index.indexOf(b1);
            int ib2 = index.indexOf(b2);
            // a2 sits below a1 (through b1): A's instances retain what a1 and a3 retain, not a2 again.
            assertThat(retained[classIndex(index, "t.A")])
                    .isEqualTo(tree.retainedSize(ia1) + tree.retainedSize(ia3))
                    .isLessThan(tree.retainedSize(ia1) + tree.retainedSize(ia2) + tree.retainedSize(ia3));
            // b2 is held by the holder and by a3, so a3 does not dominate it: it adds to b1.
            assertThat(tree.dominator(ib2)).isNotEqualTo(ia3);
            assertThat(retained[classIndex(index, "t.B")]).isEqualTo(tree.retainedSize(ib1) + tree.retainedSize(ib2));
            assertThat(retained[classIndex(index, "byte[]")]).isGreaterThanOrEqualTo(1500);
        }
    }

    @Test
    void leavesCountTheSameWhetherWalkedOrAddedDirectly() throws Exception {
        // t.L instances have no reference (leaves): L.ONE, and two below an M. t.M instances are leaves when their
        // field is null: m1 -> m2 (a leaf below an instance of its own class, not counted again) and m1 -> l2, l3.
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap h = w.heap().withJdkBasics();
        long leaf = h.newClass("t.L").field("n", HprofWriter.INT).define();
        long mixed = h.newClass("t.M").field("a", OBJECT).field("b", OBJECT).field("c", OBJECT).define();
        long l1 = h.instance(leaf, Map.of("n", Value.ofInt(1)));
        long l2 = h.instance(leaf, Map.of("n", Value.ofInt(2)));
        long l3 = h.instance(leaf, Map.of("n", Value.ofInt(3)));
        long m2 = h.instance(mixed, Map.of());
        long m1 = h.instance(mixed, Map.of("a", Value.ofObject(m2), "b", Value.ofObject(l2), "c", Value.ofObject(l3)));
        long m3 = h.instance(mixed, Map.of());
        h.newClass("t.Holder").staticField("ONE", Value.ofObject(l1)).staticField("M", Value.ofObject(m1))
                .staticField("LONE", Value.ofObject(m3)).define();
        h.stickyClassRoots();
        Path file = h.write().writeTo(dir.resolve("leaves.hprof"));

        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            HeapGraph graph = new HeapGraph(index);
            assertThat(graph.isLeaf(index.indexOf(l1))).isTrue();
            assertThat(graph.isLeaf(index.indexOf(m2))).isTrue();
            assertThat(graph.isLeaf(index.indexOf(m1))).isFalse();
            DominatorTree tree = DominatorTree.compute(graph);
            ClassRetention.Totals withLeaves = ClassRetention.compute(index, tree, graph);
            long[] walked = ClassRetention.compute(index, tree);
            assertThat(withLeaves.retained()).containsExactly(walked);
            int cl = classIndex(index, "t.L");
            int cm = classIndex(index, "t.M");
            long lSize = tree.retainedSize(index.indexOf(l1));
            assertThat(withLeaves.retained()[cl]).isEqualTo(3 * lSize);
            assertThat(withLeaves.retained()[cm])
                    .isEqualTo(tree.retainedSize(index.indexOf(m1)) + tree.retainedSize(index.indexOf(m3)));
            assertThat(withLeaves.instances()[cl]).isEqualTo(3);
            assertThat(withLeaves.instances()[cm]).isEqualTo(3);
            assertThat(withLeaves.bytes()[cl]).isEqualTo(3 * index.shallowSize(index.indexOf(l1)));
        }
    }

    private static int classIndex(HeapIndex index, String name) {
        return index.classes().stream().filter(c -> c.name().equals(name)).mapToInt(ClassInfo::index).findFirst()
                .orElseThrow();
    }
}
