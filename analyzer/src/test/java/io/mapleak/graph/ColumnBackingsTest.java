package io.mapleak.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The index and the graph built with no memory budget (every column in temp files, chunks of 1,024 elements so
 * that a fixture dump crosses hundreds of chunk boundaries) equal the ones built on the heap, object by object:
 * ids, classes, sizes, offsets, references, dominators, retained sizes and strong paths. JDK 25 dumps are written
 * by parallel threads, so their ids are not in file order and the sort by id runs in the columns too.
 */
class ColumnBackingsTest {
    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void tempFileColumnsWithSmallChunksGiveTheSameIndexAndGraph(Jvm jvm) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, "session-registry");
        ReadOptions spilled = ReadOptions.defaults().withMemory(0).withChunkShift(10).withTempDir(temp);
        try (HeapIndex heap = HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults());
                HeapIndex mapped = HeapIndex.build(DumpFile.open(dump.hprof()), spilled)) {
            assertThat(mapped.columns().heapBytes()).as("nothing on the heap").isZero();
            assertThat(mapped.columns().mappedBytes()).isPositive();
            assertThat(heap.columns().mappedBytes()).isZero();
            int n = heap.objectCount();
            assertThat(mapped.objectCount()).isEqualTo(n).isGreaterThan(20 * 1024);
            assertThat(mapped.referenceCount()).isEqualTo(heap.referenceCount());
            for (int o = 0; o < n; o++) {
                assertThat(mapped.id(o)).isEqualTo(heap.id(o));
                assertThat(mapped.classIndexOf(o)).isEqualTo(heap.classIndexOf(o));
                assertThat(mapped.shallowSize(o)).isEqualTo(heap.shallowSize(o));
                assertThat(mapped.offset(o)).isEqualTo(heap.offset(o));
                assertThat(mapped.refStart(o)).isEqualTo(heap.refStart(o));
                assertThat(mapped.lastReferenceIsReferent(o)).isEqualTo(heap.lastReferenceIsReferent(o));
                assertThat(mapped.weakTail(o)).isEqualTo(heap.weakTail(o));
            }
            for (long r = 0; r < heap.referenceCount(); r++) {
                assertThat(mapped.reference(r)).isEqualTo(heap.reference(r));
            }
            for (int o = 0; o < n; o += 97) {
                assertThat(mapped.indexOf(heap.id(o))).isEqualTo(o);
            }

            HeapGraph hg = new HeapGraph(heap);
            HeapGraph mg = new HeapGraph(mapped);
            DominatorTree ht = DominatorTree.compute(hg);
            DominatorTree mt = DominatorTree.compute(mg);
            DominatorTree wide = DominatorTree.compute(mg, null, 0); // retained sizes in 8 bytes, in bytes
            assertThat(ht.narrow()).as("retained sizes in 4-byte units").isTrue();
            assertThat(mt.narrow()).isTrue();
            assertThat(wide.narrow()).isFalse();
            StrongPaths hp = StrongPaths.compute(hg);
            StrongPaths mp = StrongPaths.compute(mg);
            assertThat(mt.reachableObjects()).isEqualTo(ht.reachableObjects());
            assertThat(mt.reachableBytes()).isEqualTo(ht.reachableBytes());
            for (int o = 0; o < n; o++) {
                assertThat(mt.dominator(o)).isEqualTo(ht.dominator(o));
                assertThat(mt.retainedSize(o)).isEqualTo(ht.retainedSize(o));
                assertThat(wide.dominator(o)).isEqualTo(ht.dominator(o));
                assertThat(wide.retainedSize(o)).isEqualTo(ht.retainedSize(o));
                assertThat(mp.parent(o)).isEqualTo(hp.parent(o));
            }
            assertThat(Reachability.compute(mg)).isEqualTo(Reachability.compute(hg));
            try (Stream<Path> files = Files.list(temp)) {
                assertThat(files).as("temp files have no name while in use").isEmpty();
            }
        }
    }
}
