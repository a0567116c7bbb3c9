package io.mapleak.graph;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.IntColumn;

/**
 * What each class's instances retain together: the bytes freed if every instance of the class became unreachable.
 * That is the sum of the retained sizes of the instances that no other instance of the same class dominates (the
 * others are inside those sizes already), so it never exceeds the live heap; summing every instance's retained
 * size would count a nested {@code HashMap$Node} once per level.
 *
 * <p>One walk of the dominator tree in preorder, holding per class how many of its instances are on the current
 * branch: an instance adds its retained size when that count is zero. The tree is threaded through two int arrays
 * (first child, next sibling) and walked up through {@link DominatorTree#dominator}, so no stack is needed on deep
 * trees; leaves of classes that have no other kind of reachable instance are counted without being linked. Cost: 8
 * bytes per object while it runs (on the heap for a dump whose index is on the heap, while that is
 * within a quarter of the max heap; else in the index's store, in temp files beyond its budget), and two passes
 * over the objects (the first also counts the reachable instances and their bytes).
 */
public final class ClassRetention {
    private ClassRetention() {
    }

    /** Per class index: the bytes its instances retain together (0 for classes with no reachable instance). */
    public static long[] compute(HeapIndex index, DominatorTree tree) {
        return compute(index, tree, null).retained();
    }

    /**
     * Per class index: the bytes its reachable instances retain together, how many there are and their shallow
     * bytes.
     */
    public record Totals(long[] retained, long[] instances, long[] bytes) {
    }

    /**
     * {@link #compute(HeapIndex, DominatorTree)} with the reachable instances and their shallow bytes per class, in
     * the same sweep. With {@code graph}, the leaves ({@link HeapGraph#isLeaf}) of classes no reachable non-leaf
     * belongs to stay out of the walk: a leaf dominates nothing, so no instance of such a class can be below another,
     * and each adds its retained size (its own) directly (on the 1 GB benchmark dump the byte arrays and boxed
     * numbers, two objects in five).
     */
    public static Totals compute(HeapIndex index, DominatorTree tree, HeapGraph graph) {
        int n = index.objectCount();
        int classes = index.classes().size();
        long[] instances = new long[classes];
        long[] bytes = new long[classes];
        boolean[] branching = new boolean[classes]; // a reachable instance that is no leaf
        for (int o = 0; o < n; o++) {
            if (tree.dominator(o) != DominatorTree.UNREACHABLE) {
                int c = index.classIndexOf(o);
                instances[c]++;
                bytes[c] += index.shallowSize(o);
                if (graph == null || !graph.isLeaf(o)) {
                    branching[c] = true;
                }
            }
        }
        // For a small dump, whose columns the index keeps on the heap, the two arrays are plain heap arrays while
        // they are within a quarter of the max heap. For a large one (the index's store has no heap budget: every
        // column in temp files) they go to the store too: on the heap they were what the heap grew for at the
        // default heap (1 GB dump: peak RSS 0.95-0.97 GB against 1.04-1.06 GB; the 10 GB dump's 1.1 GB would not
        // fit beside everything else in -Xmx2g at all). docs/PERFORMANCE.md, "Every column in temp files".
        boolean onHeap = index.columns().budget() > 0 && 8L * n <= Runtime.getRuntime().maxMemory() / 4;
        ColumnStore store = onHeap ? ColumnStore.onHeap() : index.columns();
        // nextSibling is read only for linked objects, each of which the walk below sets first.
        try (IntColumn firstChild = store.ints("class-retention-first-child", n, -1);
                IntColumn nextSibling = store.scratchInts("class-retention-next-sibling", n)) {
            return new Totals(walk(index, tree, graph, branching, firstChild, nextSibling), instances, bytes);
        } finally {
            if (onHeap) {
                store.close();
            }
        }
    }

    private static long[] walk(HeapIndex index, DominatorTree tree, HeapGraph graph, boolean[] branching,
            IntColumn firstChild, IntColumn nextSibling) {
        int n = index.objectCount();
        long[] retained = new long[index.classes().size()];
        int firstRoot = -1;
        for (int o = n - 1; o >= 0; o--) {
            int d = tree.dominator(o);
            if (d == DominatorTree.UNREACHABLE) {
                continue;
            }
            if (graph != null && graph.isLeaf(o)) {
                int c = index.classIndexOf(o);
                if (!branching[c]) {
                    retained[c] += tree.retainedSize(o); // no instance of its class above it: counted, not linked
                    continue;
                }
            }
            if (d == DominatorTree.ROOT) {
                nextSibling.set(o, firstRoot);
                firstRoot = o;
            } else {
                nextSibling.set(o, firstChild.get(d));
                firstChild.set(d, o);
            }
        }
        int[] onBranch = new int[retained.length];
        int o = firstRoot;
        while (o >= 0) {
            int c = index.classIndexOf(o);
            if (onBranch[c]++ == 0) {
                retained[c] += tree.retainedSize(o);
            }
            if (firstChild.get(o) >= 0) {
                o = firstChild.get(o);
                continue;
            }
            // o is a leaf: leave it, and every ancestor whose children are all done, until a next sibling.
            while (o >= 0) {
                onBranch[index.classIndexOf(o)]--;
                if (nextSibling.get(o) >= 0) {
                    o = nextSibling.get(o);
                    break;
                }
                o = tree.dominator(o); // ROOT (negative) once a top-level object is left: the walk ends
            }
        }
        return retained;
    }
}
