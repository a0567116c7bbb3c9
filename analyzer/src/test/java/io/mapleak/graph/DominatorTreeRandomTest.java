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
 * The dominator tree of random graphs, written as dumps, against the definition: an object dominates another when
 * removing it leaves the other unreachable from the roots. The oracle asks that of every object, on the same
 * {@link HeapGraph} (class edges and roots included), so it shares nothing with the algorithm but the graph.
 */
class DominatorTreeRandomTest {
    @TempDir
    Path dir;

    @Test
    void everyObjectsDominatorIsTheNearestObjectWhoseRemovalCutsItOff() throws Exception {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            int vertices = 20 + random.nextInt(seed <= 20 ? 60 : 400);
            int fields = 1 + random.nextInt(4);
            HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
            HprofWriter.Heap heap = w.heap().withJdkBasics();
            HprofWriter.Heap.ClassBuilder vertexClass = heap.newClass("t.Vertex");
            for (int f = 0; f < fields; f++) {
                vertexClass.field("e" + f, HprofWriter.OBJECT);
            }
            long cls = vertexClass.define();
            long[] ids = new long[vertices];
            for (int i = 0; i < vertices; i++) {
                ids[i] = heap.newId();
            }
            // A few statics hold entry vertices; edges mostly go forward (deep, chain-like paths where compression
            // matters) with some back and cross edges; the last vertices get no inbound edges from the first ones,
            // so some are unreachable.
            HprofWriter.Heap.ClassBuilder holder = heap.newClass("t.Holder");
            int entries = 1 + random.nextInt(3);
            for (int r = 0; r < entries; r++) {
                holder.staticField("R" + r, Value.ofObject(ids[random.nextInt(Math.max(1, vertices / 2))]));
            }
            holder.define();
            int cut = vertices - random.nextInt(5);
            for (int i = 0; i < vertices; i++) {
                Map<String, Value> out = new HashMap<>();
                for (int f = 0; f < fields; f++) {
                    if (random.nextInt(5) == 0) {
                        continue;
                    }
                    int to;
                    if (random.nextInt(4) == 0) {
                        to = random.nextInt(Math.min(cut, vertices)); // anywhere: back and cross edges
                    } else {
                        to = Math.min(cut - 1, i + 1 + random.nextInt(3)); // forward, near
                    }
                    if (i < cut && to >= cut) {
                        continue;
                    }
                    out.put("e" + f, Value.ofObject(ids[to]));
                }
                heap.at(ids[i]).instance(cls, out);
            }
            heap.stickyClassRoots();
            Path file = heap.write().writeTo(dir.resolve("random-" + seed + ".hprof"));
            // Every other graph in temp files with 16-int chunks: the columns' chunk boundaries are crossed too.
            ReadOptions options = seed % 2 == 0 ? ReadOptions.defaults()
                    : ReadOptions.defaults().withMemory(0).withChunkShift(4).withTempDir(dir);
            try (HeapIndex index = HeapIndex.build(DumpFile.open(file), options)) {
                HeapGraph graph = new HeapGraph(index);
                DominatorTree tree = DominatorTree.compute(graph);
                int[] expected = naiveDominators(graph);
                for (int o = 0; o < graph.objects(); o++) {
                    assertThat(tree.dominator(o)).as("seed %d, dominator of object %d", seed, o)
                            .isEqualTo(expected[o]);
                }
            }
        }
    }

    /**
     * Graphs where most objects are leaves ({@link HeapGraph#isLeaf}: no reference, class mirror rooted), each
     * reached from many vertices anywhere in the search's order, some GC-rooted themselves; beside them instances
     * with no reference whose class mirror only they reach (no leaves). Dominators and retained sizes against the
     * definition, with leaves set apart, with the search giving up setting them apart (a limit of 0 extra edges)
     * and without.
     */
    @Test
    void leavesGetTheDominatorsAndRetainedSizesTheDefinitionGives() throws Exception {
        for (long seed = 1; seed <= 30; seed++) {
            Random random = new Random(seed);
            int vertices = 10 + random.nextInt(seed <= 15 ? 40 : 200);
            int leaves = 1 + random.nextInt(vertices);
            int fields = 2 + random.nextInt(4);
            HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
            HprofWriter.Heap heap = w.heap().withJdkBasics();
            HprofWriter.Heap.ClassBuilder vertexClass = heap.newClass("t.Vertex");
            for (int f = 0; f < fields; f++) {
                vertexClass.field("e" + f, HprofWriter.OBJECT);
            }
            long cls = vertexClass.define();
            long leafClass = heap.newClass("t.Leaf").field("n", HprofWriter.INT).define();
            long[] ids = new long[vertices + leaves];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = heap.newId();
            }
            // Instances with no reference, of a class loaded by a vertex: only they reach its mirror.
            long looseClass = heap.newClass("t.Loose").loader(ids[random.nextInt(vertices)])
                    .field("n", HprofWriter.INT).define();
            HprofWriter.Heap.ClassBuilder holder = heap.newClass("t.Holder");
            for (int r = 0, entries = 1 + random.nextInt(3); r < entries; r++) {
                holder.staticField("R" + r, Value.ofObject(ids[random.nextInt(vertices)]));
            }
            holder.define();
            for (int i = 0; i < vertices; i++) {
                Map<String, Value> out = new HashMap<>();
                for (int f = 0; f < fields; f++) {
                    int kind = random.nextInt(6);
                    if (kind == 0) {
                        continue;
                    }
                    int to = kind <= 3 ? vertices + random.nextInt(leaves) // a leaf: most references
                            : kind == 4 ? random.nextInt(vertices) : Math.min(vertices - 1, i + 1);
                    out.put("e" + f, Value.ofObject(ids[to]));
                }
                heap.at(ids[i]).instance(cls, out);
            }
            for (int l = 0; l < leaves; l++) {
                heap.at(ids[vertices + l]).instance(random.nextInt(5) == 0 ? looseClass : leafClass,
                        Map.of("n", Value.ofInt(l)));
            }
            for (int r = 0, rooted = random.nextInt(3); r < rooted; r++) {
                long leaf = ids[vertices + random.nextInt(leaves)];
                long ref = 0x7000 + r;
                heap.add(x -> x.rootJniGlobal(leaf, ref));
            }
            heap.stickyClassRoots();
            Path file = heap.write().writeTo(dir.resolve("leaves-" + seed + ".hprof"));
            ReadOptions options = seed % 2 == 0 ? ReadOptions.defaults()
                    : ReadOptions.defaults().withMemory(0).withChunkShift(4).withTempDir(dir);
            try (HeapIndex index = HeapIndex.build(DumpFile.open(file), options)) {
                HeapGraph graph = new HeapGraph(index);
                int leafCount = 0;
                for (int o = 0; o < graph.objects(); o++) {
                    leafCount += graph.isLeaf(o) ? 1 : 0;
                }
                assertThat(leafCount).as("seed %d: leaves in the graph", seed).isPositive();
                int[] expected = naiveDominators(graph);
                long[] retained = retainedSizes(index, expected);
                for (long maxLeafEdges : new long[] {DominatorTree.MAX_LEAF_EDGES, 0, -1}) {
                    DominatorTree tree = DominatorTree.compute(graph, null, DominatorTree.NARROW_UNITS, maxLeafEdges);
                    long reachable = 0;
                    for (int o = 0; o < graph.objects(); o++) {
                        assertThat(tree.dominator(o)).as("seed %d, limit %d, dominator of object %d", seed,
                                maxLeafEdges, o).isEqualTo(expected[o]);
                        assertThat(tree.retainedSize(o)).as("seed %d, limit %d, retained size of object %d", seed,
                                maxLeafEdges, o).isEqualTo(retained[o]);
                        reachable += expected[o] != DominatorTree.UNREACHABLE ? 1 : 0;
                    }
                    assertThat(tree.reachableObjects()).as("seed %d, limit %d", seed, maxLeafEdges)
                            .isEqualTo(reachable);
                }
            }
        }
    }

    /** Retained sizes from dominators: each reachable object's shallow size added to it and its dominators. */
    private static long[] retainedSizes(HeapIndex index, int[] idom) {
        long[] retained = new long[idom.length];
        for (int o = 0; o < idom.length; o++) {
            if (idom[o] == DominatorTree.UNREACHABLE) {
                continue;
            }
            long s = index.shallowSize(o);
            for (int d = o; d >= 0; d = idom[d]) {
                retained[d] += s;
            }
        }
        return retained;
    }

    /** Immediate dominators by definition: removing each object in turn, and the nearest of those that cut. */
    private static int[] naiveDominators(HeapGraph g) {
        int n = g.objects();
        boolean[] reachable = reach(g, -1);
        // dominated[d] = the objects d cuts off; the nearest dominator of v is the one that cuts off the fewest.
        int[] idom = new int[n];
        int[] best = new int[n];
        java.util.Arrays.fill(best, Integer.MAX_VALUE);
        for (int o = 0; o < n; o++) {
            idom[o] = reachable[o] ? DominatorTree.ROOT : DominatorTree.UNREACHABLE;
        }
        for (int d = 0; d < n; d++) {
            if (!reachable[d]) {
                continue;
            }
            boolean[] without = reach(g, d);
            int cut = 0;
            for (int v = 0; v < n; v++) {
                if (reachable[v] && !without[v] && v != d) {
                    cut++;
                }
            }
            for (int v = 0; v < n; v++) {
                if (reachable[v] && !without[v] && v != d && cut < best[v]) {
                    best[v] = cut;
                    idom[v] = d;
                }
            }
        }
        return idom;
    }

    private static boolean[] reach(HeapGraph g, int removed) {
        int n = g.objects();
        boolean[] seen = new boolean[n + 1];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        seen[g.root()] = true;
        queue.add(g.root());
        while (!queue.isEmpty()) {
            int v = queue.poll();
            for (int k = 0; k < g.degree(v); k++) {
                int s = g.successor(v, k);
                if (s >= 0 && s != removed && !seen[s]) {
                    seen[s] = true;
                    queue.add(s);
                }
            }
        }
        return seen;
    }
}
