package io.mapleak.heap;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.columns.ColumnStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where a class mirror goes among the objects read in file order: after every object whose id is at most its own. */
class MirrorPlacementTest {
    @Test
    void aMirrorGoesAfterTheObjectsWithIdsUpToItsOwnAcrossRuns() {
        try (ColumnStore store = new ColumnStore(0, null, 4)) { // chunks of 16: the runs cross chunk boundaries
            ObjectRun first = run(store, "-a", 10, 20, 20, 30);
            ObjectRun empty = run(store, "-b");
            ObjectRun second = run(store, "-c", 40, 50);
            ObjectRun third = run(store, "-d");
            for (int i = 0; i < 40; i++) {
                third.add(100 + 2L * i, 0, 0, -1, 0); // 100, 102, ... 178
            }
            List<ObjectRun> runs = List.of(first, empty, second, third);
            long[][] expected = {{5, 0}, {10, 1}, {19, 1}, {20, 3}, {25, 3}, {30, 4}, {35, 4}, {40, 5}, {45, 5},
                {50, 6}, {99, 6}, {100, 7}, {101, 7}, {140, 27}, {141, 27}, {178, 46}, {500, 46}};
            for (long[] e : expected) {
                assertThat(HeapIndexBuilder.objectsWithIdAtMost(runs, e[0])).as("id %d", e[0]).isEqualTo(e[1]);
            }
            assertThat(HeapIndexBuilder.objectsWithIdAtMost(List.of(empty), 7)).isZero();
        }
    }

    private static ObjectRun run(ColumnStore store, String suffix, long... ids) {
        ObjectRun r = new ObjectRun(store, suffix);
        for (long id : ids) {
            r.add(id, 0, 0, -1, 0);
        }
        return r;
    }
}
