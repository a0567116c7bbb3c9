package io.mapleak.graph;

import io.mapleak.heap.HeapIndex;
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
 * trees. Cost: 8 bytes per object while it runs (two columns of the index's store: on the heap within the
 * memory budget, in temp files beyond it), and one pass over the objects.
 */
public final class ClassRetention {
    private ClassRetention() {
    }

    /** Per class index: the bytes its instances retain together (0 for classes with no reachable instance). */
    public static long[] compute(HeapIndex index, DominatorTree tree) {
        int n = index.objectCount();
        // Columns of the index's store, not int[n]: two int arrays are 1.1 GB of heap outside the memory budget
        // for the 140-million-object benchmark dump, which -Xmx2g does not have to spare.
        try (IntColumn firstChild = index.columns().ints("class-retention-first-child", n);
                IntColumn nextSibling = index.columns().ints("class-retention-next-sibling", n)) {
            firstChild.fill(0, n, -1);
            return walk(index, tree, firstChild, nextSibling);
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
