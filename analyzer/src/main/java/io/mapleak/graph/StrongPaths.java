package io.mapleak.graph;

import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.IntColumn;

/**
 * Shortest strong paths from the GC roots: one breadth-first search from the virtual root that never follows a
 * {@code java.lang.ref.Reference}'s referent, so a path shows the chain of strong references that really keeps
 * an object alive. Roots are tried in the order of {@link HeapGraph#rootChildren()} (class statics first), so
 * among equally short paths the most recognisable wins. 4 bytes per object, plus 4 transient, in columns of the
 * index's {@link io.mapleak.heap.columns.ColumnStore}.
 */
public final class StrongPaths {
    /** Parent value of the GC-rooted objects (their parent is the virtual root). */
    public static final int ROOT = -2;
    /** Parent value of objects no strong path reaches (only weakly reachable, or unreachable). */
    public static final int NONE = -1;

    private final IntColumn parent;

    private StrongPaths(IntColumn parent) {
        this.parent = parent;
    }

    public static StrongPaths compute(HeapGraph g) {
        return compute(g, null);
    }

    /**
     * Like {@link #compute(HeapGraph)}, but stops as soon as every object in {@code targets} has its path (the
     * search is breadth-first, so their paths are already final); other objects may be left without one.
     */
    public static StrongPaths compute(HeapGraph g, int[] targets) {
        int n = g.objects();
        java.util.BitSet wanted = null;
        int remaining = 0;
        if (targets != null) {
            wanted = new java.util.BitSet(n);
            for (int t : targets) {
                if (!wanted.get(t)) {
                    wanted.set(t);
                    remaining++;
                }
            }
        }
        ColumnStore store = g.index().columns();
        IntColumn parent = store.ints("path-parents", n);
        parent.fill(0, n, NONE);
        IntColumn queue = store.ints("path-queue", n);
        int head = 0;
        int tail = 0;
        for (int c : g.rootChildren()) {
            if (parent.get(c) == NONE) {
                parent.set(c, ROOT);
                queue.set(tail++, c);
                if (wanted != null && wanted.get(c)) {
                    remaining--;
                }
            }
        }
        while (head < tail && (wanted == null || remaining > 0)) {
            int v = queue.get(head++);
            long begin = g.refBegin(v);
            long end = g.refBegin(v + 1);
            // The referent of a java.lang.ref.Reference is its last stored reference: a strong path skips it.
            if (g.index().lastReferenceIsReferent(v)) {
                end--;
            }
            for (long e = begin; e <= end; e++) {
                int w = e < end ? g.target(e) : g.classObjectOf(v);
                if (w >= 0 && parent.get(w) == NONE) {
                    parent.set(w, v);
                    queue.set(tail++, w);
                    if (wanted != null && wanted.get(w)) {
                        remaining--;
                    }
                }
            }
        }
        queue.close();
        return new StrongPaths(parent);
    }

    /** The object before {@code object} on its shortest strong path, {@link #ROOT}, or {@link #NONE}. */
    public int parent(int object) {
        return parent.get(object);
    }

    public boolean stronglyReachable(int object) {
        return parent.get(object) != NONE;
    }

    /** The objects from a GC-rooted one down to {@code object}, or an empty array if none is strong. */
    public int[] pathTo(int object) {
        if (parent.get(object) == NONE) {
            return new int[0];
        }
        int len = 0;
        for (int v = object; v >= 0; v = parent.get(v)) {
            len++;
        }
        int[] path = new int[len];
        int i = len - 1;
        for (int v = object; v >= 0; v = parent.get(v)) {
            path[i--] = v;
        }
        return path;
    }
}
