package io.mapleak.maps;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.graph.DominatorTree;
import io.mapleak.graph.HeapGraph;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Decoded maps stay for the whole analysis, millions of them on a large dump, so the walk results of small maps
 * that found nothing are shared rather than kept once a map; results with a finding, or of large tables, are each
 * map's own.
 */
class SharedResultsTest {

    @Test
    void equalCleanResultsOfSmallMapsAreOneInstance() {
        Consistency a = Consistency.shared(clean(3, 2));
        assertThat(Consistency.shared(clean(3, 2))).isSameAs(a);
        assertThat(Consistency.shared(clean(3, 1))).isNotSameAs(a).isEqualTo(clean(3, 1));

        // The corners of the shared table: each its own slot.
        Consistency corner = Consistency.shared(clean(256, 8));
        assertThat(Consistency.shared(clean(256, 8))).isSameAs(corner);
        assertThat(Consistency.shared(clean(0, 0))).isSameAs(Consistency.shared(clean(0, 0)))
                .isNotSameAs(corner).isEqualTo(clean(0, 0));
        assertThat(Consistency.shared(clean(257, 1))).isNotSameAs(Consistency.shared(clean(257, 1)));
        assertThat(Consistency.shared(clean(1, 9))).isNotSameAs(Consistency.shared(clean(1, 9)));
        Consistency large = clean(5_000, 2);
        assertThat(Consistency.shared(large)).isSameAs(large);
        assertThat(Consistency.shared(clean(5_000, 2))).isNotSameAs(large);
        Consistency longChain = clean(3, 40);
        assertThat(Consistency.shared(longChain)).isSameAs(longChain);
        Consistency problem = new Consistency(3, 2, 0, 0, 1, false, 0, 0, 0, List.of("bin 7 holds a node of bin 3"));
        assertThat(Consistency.shared(problem)).isSameAs(problem);
        Consistency lagging = new Consistency(3, 2, 0, 0, 0, false, 0, 0, 1, List.of());
        assertThat(Consistency.shared(lagging)).isSameAs(lagging);
    }

    @Test
    void thousandsOfSmallMapsOfARealDumpShareAFewResults() throws Exception {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "tiny-maps");
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults())) {
            DominatorTree tree = DominatorTree.compute(new HeapGraph(index));
            List<MapView> maps = MapCatalog.standard(List.of()).decodeAll(index, tree).maps();
            assertThat(maps).hasSizeGreaterThan((int) dump.fact("orders.maps"));
            Set<Consistency> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            long small = 0;
            for (MapView m : maps) {
                Consistency c = m.consistency();
                if (c.binsUsed() <= 256 && c.longestBin() <= 8 && !c.corrupt() && c.problems().isEmpty()
                        && c.treeBins() == 0 && c.staleEntries() == 0 && c.forwardedBins() == 0) {
                    distinct.add(c);
                    small++;
                }
            }
            assertThat(small).isGreaterThan(dump.fact("orders.maps"));
            assertThat(distinct).as("instances among %,d results", small).hasSizeLessThan(300);
        }
    }

    private static Consistency clean(long bins, long longest) {
        return new Consistency(bins, longest, 0, 0, 0, false, 0, 0, 0, List.of());
    }
}
