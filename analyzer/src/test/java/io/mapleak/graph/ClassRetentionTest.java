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

    private static int classIndex(HeapIndex index, String name) {
        return index.classes().stream().filter(c -> c.name().equals(name)).mapToInt(ClassInfo::index).findFirst()
                .orElseThrow();
    }
}
