package io.mapleak.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import io.mapleak.testing.Jvm;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batched breadth-first search gives every object of a real dump the parent that a plain search, one vertex at
 * a time, gives it: the same paths (shortest within each of its rounds), ties broken the same way. The dumps hold
 * hash tables of more than 4,096 slots (searched on their own, outside a batch), Reference objects (whose referent
 * a strong path skips), and enough objects for batches that end at the buffer's limit rather than at the queue's
 * end.
 */
class StrongPathsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"session-registry", "legit-large-map"})
    void everyObjectGetsThePlainSearchsParent(String fixture) throws Exception {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, fixture);
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults())) {
            HeapGraph g = new HeapGraph(index);
            int n = g.objects();
            int[] expected = plainSearch(g);
            assertThat(largestDegree(index)).as("a vertex searched on its own").isGreaterThan(4096);
            assertThat(java.util.stream.IntStream.range(0, n).filter(index::lastReferenceIsReferent).count())
                    .as("referents skipped").isPositive();

            StrongPaths paths = StrongPaths.compute(g);
            int reached = 0;
            for (int o = 0; o < n; o++) {
                assertThat(paths.parent(o)).as("parent of %d", o).isEqualTo(expected[o]);
                if (expected[o] != StrongPaths.NONE) {
                    reached++;
                }
            }
            assertThat(reached).isGreaterThan(n / 2);

            // Asked for some objects only, the search may stop early, but those get the same parents.
            int[] targets = java.util.stream.IntStream.range(0, n).filter(o -> o % 5 == 0).toArray();
            StrongPaths some = StrongPaths.compute(g, targets);
            for (int t : targets) {
                assertThat(some.parent(t)).as("parent of target %d", t).isEqualTo(expected[t]);
            }
        }
    }

    @Test
    void aChainOfPendingReferencesIsNoStrongPath(@TempDir Path dir) throws Exception {
        // A static field holds the first of three references the collector found ready to clear, linked by their
        // discovered field as on the reference handler's pending list; the second's payload is an item a thread's
        // frame also holds, the third's an item nothing else holds.
        HprofWriter.Heap heap = new HprofWriter(HprofWriter.V102, 8).heap().withJdkBasics();
        long reference = heap.newClass("java.lang.ref.Reference").field("referent", HprofWriter.OBJECT)
                .field("queue", HprofWriter.OBJECT).field("next", HprofWriter.OBJECT)
                .field("discovered", HprofWriter.OBJECT).define();
        long pending = heap.newClass("com.acme.Cleanable").superclass(reference).field("payload", HprofWriter.OBJECT)
                .define();
        long itemClass = heap.newClass("com.acme.Item").field("id", HprofWriter.INT).define();
        long held = heap.instance(itemClass, Map.of("id", Value.ofInt(1)));
        long orphan = heap.instance(itemClass, Map.of("id", Value.ofInt(2)));
        long third = heap.instance(pending, Map.of("payload", Value.ofObject(orphan)));
        long second = heap.instance(pending, Map.of("payload", Value.ofObject(held), "discovered",
                Value.ofObject(third)));
        long first = heap.instance(pending, Map.of("discovered", Value.ofObject(second)));
        heap.newClass("com.acme.Cleaner").staticField("LIST", Value.ofObject(first)).define();
        long holderClass = heap.newClass("com.acme.Holder").field("item", HprofWriter.OBJECT).define();
        long holder = heap.instance(holderClass, Map.of("item", Value.ofObject(held)));
        long threadClass = heap.newClass("java.lang.Thread").field("name", HprofWriter.OBJECT).define();
        long thread = heap.instance(threadClass, Map.of("name", Value.ofObject(heap.string("worker"))));
        heap.add(w -> w.rootThreadObject(thread, 1, 1).rootJavaFrame(holder, 1, 0));
        heap.stickyClassRoots();
        Path file = heap.write().writeTo(dir.resolve("pending.hprof"));
        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            HeapGraph g = new HeapGraph(index);
            StrongPaths paths = StrongPaths.compute(g);
            DominatorTree tree = DominatorTree.compute(g);
            assertThat(index.weakTail(index.indexOf(first))).isEqualTo(1);
            assertThat(index.weakTail(index.indexOf(third))).isZero();

            int[] toHeld = paths.pathTo(index.indexOf(held));
            assertThat(toHeld).as("from the frame, not the static through the pending chain")
                    .containsExactly(index.indexOf(holder), index.indexOf(held));
            assertThat(paths.stronglyReachable(index.indexOf(orphan))).isFalse();
            assertThat(paths.stronglyReachable(index.indexOf(second))).isFalse();
            // every reference still counts for what is alive and retained
            assertThat(tree.reachable(index.indexOf(orphan))).isTrue();
            assertThat(tree.dominator(index.indexOf(orphan))).isEqualTo(index.indexOf(third));
        }
    }

    /**
     * The search as it reads in a textbook, one vertex at a time, its references in order, then its class, in the
     * three rounds of {@link StrongPaths}: from the rooted mirrors, not going into threads and Class instances that
     * are no mirror; from every root (a rooted thread of those counting as unreached); on from the rest of those.
     */
    private static int[] plainSearch(HeapGraph g) {
        HeapIndex index = g.index();
        int n = g.objects();
        boolean[] thread = index.classesExtending("java.lang.Thread");
        boolean[] classClass = index.classesExtending("java.lang.Class");
        int[] parent = new int[n];
        Arrays.fill(parent, StrongPaths.NONE);
        java.util.Set<Integer> rooted = new java.util.HashSet<>();
        java.util.List<Integer> queue = new java.util.ArrayList<>();
        for (int c : g.rootChildren()) {
            rooted.add(c);
            if (index.isMirror(c) && parent[c] == StrongPaths.NONE) {
                parent[c] = StrongPaths.ROOT;
                queue.add(c);
            }
        }
        java.util.List<Integer> stopped = new java.util.ArrayList<>();
        search(g, parent, queue, o -> {
            int c = index.classIndexOf(o);
            return (thread[c] || classClass[c]) && !index.isMirror(o);
        }, stopped);
        queue.clear();
        for (int o : stopped) {
            if (rooted.contains(o)) {
                parent[o] = StrongPaths.NONE;
            }
        }
        for (int c : g.rootChildren()) {
            if (parent[c] == StrongPaths.NONE) {
                parent[c] = StrongPaths.ROOT;
                queue.add(c);
            }
        }
        search(g, parent, queue, o -> false, stopped);
        queue.clear();
        for (int o : stopped) {
            if (!rooted.contains(o)) {
                queue.add(o);
            }
        }
        search(g, parent, queue, o -> false, new java.util.ArrayList<>());
        return parent;
    }

    private static void search(HeapGraph g, int[] parent, java.util.List<Integer> queue,
            java.util.function.IntPredicate stop, java.util.List<Integer> stopped) {
        for (int head = 0; head < queue.size(); head++) {
            int v = queue.get(head);
            if (stop.test(v)) {
                stopped.add(v);
                continue;
            }
            int degree = g.degree(v);
            for (int k = 0; k < degree; k++) {
                if (g.isWeakEdge(v, k)) {
                    continue;
                }
                int w = g.successor(v, k);
                if (w >= 0 && parent[w] == StrongPaths.NONE) {
                    parent[w] = v;
                    queue.add(w);
                }
            }
        }
    }

    private static int largestDegree(HeapIndex index) {
        int most = 0;
        for (int o = 0; o < index.objectCount(); o++) {
            most = Math.max(most, index.outboundCount(o));
        }
        return most;
    }
}
