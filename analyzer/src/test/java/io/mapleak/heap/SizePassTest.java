package io.mapleak.heap;

import static io.mapleak.testing.HprofWriter.INT;
import static io.mapleak.testing.HprofWriter.LONG;
import static io.mapleak.testing.HprofWriter.OBJECT;
import static io.mapleak.testing.HprofWriter.V102;
import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.HprofWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The size passes after pass 1 (size learning from address gaps, then sizes in alignment units) run in ranges of
 * objects on several threads; cut into any number of ranges they give every object the size one range gives,
 * unaligned sizes (kept in the oversize table, numbered per range and renumbered after) included.
 */
class SizePassTest {
    @TempDir
    Path dir;

    @Test
    void sizesComputedInRangesEqualOneRangeWithUnalignedSizesInEveryRange() throws Exception {
        HprofWriter w = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = w.heap().withJdkBasics();
        long plain = heap.newClass("t.Plain").field("next", OBJECT).define();
        // Each odd class is laid out larger than the gap after its instances, so the gap (12, 20, 28 bytes: not
        // multiples of the 8-byte alignment) becomes its size and every instance goes to the oversize table.
        long oddA = heap.newClass("t.OddA").field("x", INT).define();
        long oddB = heap.newClass("t.OddB").field("a", LONG).field("b", LONG).field("c", LONG).define();
        long oddC = heap.newClass("t.OddC").field("a", LONG).field("b", LONG).field("c", LONG).field("d", LONG)
                .define();
        long[][] odd = {{oddA, 12}, {oddB, 20}, {oddC, 28}};
        long at = 0x100000;
        for (long[] block : odd) {
            heap.ids(at, 16);
            for (int i = 0; i < 6000; i++) {
                heap.instance(plain, Map.of());
            }
            at += 6000 * 16;
            heap.ids(at, block[1]);
            for (int i = 0; i < 40; i++) {
                heap.instance(block[0], Map.of());
            }
            at += 40 * block[1];
        }
        heap.ids(at, 16);
        for (int i = 0; i < 6000; i++) {
            heap.instance(plain, Map.of());
        }
        heap.stickyClassRoots();
        Path file = heap.write().writeTo(dir.resolve("odd-sizes.hprof"));

        HeapIndex one = build(file, 1);
        HeapIndex five = build(file, 5);
        try (one; five) {
            int n = one.objectCount();
            assertThat(five.objectCount()).isEqualTo(n);
            assertThat(one.sizeUnit()).as("an unaligned size is in the oversize table").isEqualTo(1);
            assertThat(five.sizeUnit()).isEqualTo(1);
            assertThat(five.heapBytes()).isEqualTo(one.heapBytes());
            int[] seen = new int[3];
            for (int o = 0; o < n; o++) {
                assertThat(five.shallowSize(o)).as("object %d", o).isEqualTo(one.shallowSize(o));
                String cls = one.classOf(o).name();
                for (int k = 0; k < 3; k++) {
                    if (cls.equals("t.Odd" + (char) ('A' + k))) {
                        assertThat(one.shallowSize(o)).isEqualTo(odd[k][1]);
                        seen[k]++;
                    }
                }
            }
            assertThat(seen).containsExactly(40, 40, 40);
        }
    }

    private static HeapIndex build(Path file, int parts) throws Exception {
        HeapIndexBuilder.sizePartsForTests = parts;
        try {
            return HeapIndex.build(DumpFile.open(file), ReadOptions.defaults());
        } finally {
            HeapIndexBuilder.sizePartsForTests = 0;
        }
    }
}
