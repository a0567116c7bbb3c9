package io.mapleak.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What groups of objects retain together, against the definition: the live bytes that no longer have a path from the
 * roots once every member is gone. Random graphs shaped like heaps with indexes (owners holding several "maps" that
 * share "records", records pointing at each other and at shared objects elsewhere), groups of one to four vertices
 * drawn at random and among the siblings of one owner, so that the traversal inside the common dominator's subtree
 * meets members, shared records, references out of the subtree and back to its top.
 */
class SharedRetentionTest {
    @TempDir
    Path dir;

    @Test
    void aGroupFreesWhatHasNoPathFromTheRootsAvoidingEveryMember() throws Exception {
        int checked = 0;
        int beyondAlone = 0;
        for (long seed = 1; seed <= 30; seed++) {
            Random random = new Random(seed);
            int vertices = 30 + random.nextInt(seed <= 15 ? 60 : 300);
            HprofWriter.Heap heap = new HprofWriter(HprofWriter.V102, 8).heap().withJdkBasics();
            long cls = heap.newClass("t.Node").field("a", HprofWriter.OBJECT).field("b", HprofWriter.OBJECT)
                    .field("c", HprofWriter.OBJECT).field("pad", HprofWriter.LONG).define();
            long[] ids = new long[vertices];
            for (int i = 0; i < vertices; i++) {
                ids[i] = heap.newId();
            }
            HprofWriter.Heap.ClassBuilder holder = heap.newClass("t.Holder");
            holder.staticField("TOP", Value.ofObject(ids[0]));
            holder.staticField("OTHER", Value.ofObject(ids[random.nextInt(vertices)]));
            holder.define();
            for (int i = 0; i < vertices; i++) {
                Map<String, Value> out = new HashMap<>();
                for (String f : new String[] {"a", "b", "c"}) {
                    int kind = random.nextInt(8);
                    int to;
                    if (kind <= 3) {
                        to = Math.min(vertices - 1, 3 * i + 1 + random.nextInt(3)); // a tree, branching by three
                    } else if (kind <= 5) {
                        to = Math.min(vertices - 1, i + 1 + random.nextInt(6)); // a near sibling: shared records
                    } else if (kind == 6) {
                        to = random.nextInt(vertices); // anywhere: out of a subtree, back to its top
                    } else {
                        continue;
                    }
                    out.put(f, Value.ofObject(ids[to]));
                }
                out.put("pad", Value.ofLong(i));
                heap.at(ids[i]).instance(cls, out);
            }
            heap.stickyClassRoots();
            Path file = heap.write().writeTo(dir.resolve("shared-" + seed + ".hprof"));
            ReadOptions options = seed % 2 == 0 ? ReadOptions.defaults()
                    : ReadOptions.defaults().withMemory(0).withChunkShift(4).withTempDir(dir);
            try (HeapIndex index = HeapIndex.build(DumpFile.open(file), options)) {
                HeapGraph graph = new HeapGraph(index);
                DominatorTree tree = DominatorTree.compute(graph);
                for (int g = 0; g < 40; g++) {
                    int[] group = group(random, index, ids, vertices, g);
                    long expected = freedWithout(graph, group);
                    assertThat(SharedRetention.retainedTogether(graph, tree, group))
                            .as("seed %d, group %s", seed, java.util.Arrays.toString(group)).isEqualTo(expected);
                    assertThat(SharedRetention.fromRoots(graph, tree, group))
                            .as("seed %d, group %s, from the roots", seed, java.util.Arrays.toString(group))
                            .isEqualTo(expected);
                    long alone = 0;
                    for (int m : group) {
                        alone += tree.retainedSize(m);
                    }
                    beyondAlone += group.length > 1 && expected > alone ? 1 : 0;
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(30 * 40);
        assertThat(beyondAlone).as("groups that free more together than alone").isGreaterThan(20);
    }

    /** Even draws: any one to four vertices; odd draws: two or three children of one vertex (siblings). */
    private static int[] group(Random random, HeapIndex index, long[] ids, int vertices, int draw) {
        int size = 1 + random.nextInt(draw % 2 == 0 ? 4 : 3);
        int[] group = new int[size];
        int parent = random.nextInt(Math.max(1, vertices / 3));
        for (int k = 0; k < size; k++) {
            int v = draw % 2 == 0 ? random.nextInt(vertices) : Math.min(vertices - 1, 3 * parent + 1 + k);
            group[k] = index.indexOf(ids[v]);
        }
        return java.util.Arrays.stream(group).distinct().toArray();
    }

    /** The oracle: live bytes minus what the roots reach without entering a member. */
    private static long freedWithout(HeapGraph g, int[] group) {
        boolean[] live = reach(g, new int[0]);
        boolean[] still = reach(g, group);
        long freed = 0;
        for (int o = 0; o < g.objects(); o++) {
            if (live[o] && !still[o]) {
                freed += g.index().shallowSize(o);
            }
        }
        return freed;
    }

    private static boolean[] reach(HeapGraph g, int[] removed) {
        boolean[] seen = new boolean[g.objects()];
        for (int r : removed) {
            seen[r] = true;
        }
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int r : g.rootChildren()) {
            if (!seen[r]) {
                seen[r] = true;
                queue.add(r);
            }
        }
        while (!queue.isEmpty()) {
            int v = queue.poll();
            for (int k = 0; k < g.degree(v); k++) {
                int w = g.successor(v, k);
                if (w >= 0 && !seen[w]) {
                    seen[w] = true;
                    queue.add(w);
                }
            }
        }
        for (int r : removed) {
            seen[r] = false;
        }
        return seen;
    }
}
