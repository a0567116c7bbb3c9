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
 * trees. Cost: 8 bytes per object while it runs (on the heap for a dump whose index is on the heap, while that is
 * within a quarter of the max heap; else in the index's store, in temp files beyond its budget), and one pass over
 * the objects.
 */
public final class ClassRetention {
    private ClassRetention() {
    }

    /** Per class index: the bytes its instances retain together (0 for classes with no reachable instance). */
    public static long[] compute(HeapIndex index, DominatorTree tree) {
        int n = index.objectCount();
        // For a small dump, whose columns the index keeps on the heap, the two arrays are plain heap arrays while
        // they are within a quarter of the max heap. For a large one (the index's store has no heap budget: every
        // column in temp files) they go to the store too: on the heap they were what the heap grew for at the
        // default heap (1 GB dump: peak RSS 0.95-0.97 GB against 1.04-1.06 GB; the 10 GB dump's 1.1 GB would not
        // fit beside everything else in -Xmx2g at all). docs/PERFORMANCE.md, "Every column in temp files".
        boolean onHeap = index.columns().budget() > 0 && 8L * n <= Runtime.getRuntime().maxMemory() / 4;
        ColumnStore store = onHeap ? ColumnStore.onHeap() : index.columns();
        // nextSibling is read only for reachable objects, each of which the walk below sets first.
        try (IntColumn firstChild = store.ints("class-retention-first-child", n, -1);
                IntColumn nextSibling = store.scratchInts("class-retention-next-sibling", n)) {
            return walk(index, tree, firstChild, nextSibling);
        } finally {
            if (onHeap) {
                store.close();
            }
        }
    }

    private static long[] walk(HeapIndex index, DominatorTree tree, IntColumn firstChild, IntColumn nextSibling) {
        int n = index.objectCount();
        int firstRoot = -1;
        for (int o = n - 1; o >= 0; o--) {
            int d = tree.dominator(o);
            if (d == DominatorTree.UNREACHABLE) {
                continue;
            }
            if (d == DominatorTree.ROOT) {
                nextSibling.set(o, firstRoot);
                firstRoot = o;
            } else {
                nextSibling.set(o, firstChild.get(d));
                firstChild.set(d, o);
            }
        }
        int[] onBranch = new int[index.classes().size()];
        long[] retained = new long[onBranch.length];
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
