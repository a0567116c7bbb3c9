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
        Search s = new Search(g, targets);
        for (int c : g.rootChildren()) {
            s.offer(c, ROOT);
        }
        s.run();
        s.queue.close();
        return new StrongPaths(s.parent);
    }

    /** Vertices a batch of the search takes at most. */
    private static final int BATCH = 256;
    /** Successors a batch buffers at most; a vertex with more is searched on its own. */
    private static final int BATCH_EDGES = 4096;

    /** One breadth-first search: the parents found so far, the queue, and the targets still without a path. */
    private static final class Search {
        final HeapGraph g;
        final IntColumn parent;
        final IntColumn queue;
        final java.util.BitSet wanted;
        int remaining;
        int head;
        int tail;

        Search(HeapGraph g, int[] targets) {
            this.g = g;
            int n = g.objects();
            if (targets != null) {
                wanted = new java.util.BitSet(n);
                for (int t : targets) {
                    if (!wanted.get(t)) {
                        wanted.set(t);
                        remaining++;
                    }
                }
            } else {
                wanted = null;
            }
            ColumnStore store = g.index().columns();
            parent = store.ints("path-parents", n);
            parent.fill(0, n, NONE);
            queue = store.ints("path-queue", n);
        }

        boolean searching() {
            return head < tail && (wanted == null || remaining > 0);
        }

        /** {@code w} reached from {@code from}: queued, unless it was reached before (or is no object). */
        void offer(int w, int from) {
            if (w >= 0 && parent.get(w) == NONE) {
                parent.set(w, from);
                queue.set(tail++, w);
                if (wanted != null && wanted.get(w)) {
                    remaining--;
                }
            }
        }

        /**
         * The search proper, in batches of vertices, each batch in three sweeps: their classes and reference ranges,
         * then their successors into a buffer (with the parents of those touched), then the successors offered in
         * order. A search one vertex at a time waits at each step for a cache miss (on a large dump a TLB miss too)
         * that the step before it leads to; within a sweep the look-ups of different vertices are independent, so
         * the core has many misses in flight. The last sweep takes vertices and successors in the order a plain
         * search would, so every object gets the same parent and the queue the same order.
         */
        void run() {
            int[] vs = new int[BATCH];
            long[] begins = new long[BATCH];
            long[] ends = new long[BATCH];
            int[] mirrors = new int[BATCH];
            int[] succ = new int[BATCH_EDGES + BATCH];
            int touched = 0;
            while (searching()) {
                int m = Math.min(BATCH, tail - head);
                for (int i = 0; i < m; i++) {
                    vs[i] = queue.get(head + i);
                }
                for (int i = 0; i < m; i++) {
                    int v = vs[i];
                    int cls = g.classOf(v);
                    begins[i] = g.refBegin(v);
                    // A java.lang.ref.Reference's referent is its last stored reference: a strong path skips it.
                    ends[i] = g.refBegin(v + 1) - (g.lastIsReferent(v, cls) ? 1 : 0);
                    mirrors[i] = g.mirrorOfClass(cls);
                }
                if (ends[0] - begins[0] > BATCH_EDGES) {
                    // More successors than the buffer holds (a large object array): this vertex on its own.
                    for (long k = begins[0]; k < ends[0]; k++) {
                        offer(g.target(k), vs[0]);
                    }
                    offer(mirrors[0], vs[0]);
                    head++;
                    continue;
                }
                int t = 0;
                int batch = 0;
                for (; batch < m && t + (ends[batch] - begins[batch]) <= BATCH_EDGES; batch++) {
                    for (long k = begins[batch]; k < ends[batch]; k++) {
                        succ[t++] = g.target(k);
                    }
                    succ[t++] = mirrors[batch];
                }
                for (int k = 0; k < t; k++) {
                    int w = succ[k];
                    if (w >= 0) {
                        touched += parent.get(w); // a load whose only use is to be in flight with the others
                    }
                }
                t = 0;
                for (int i = 0; i < batch && searching(); i++) {
                    int v = vs[i];
                    int last = t + (int) (ends[i] - begins[i]);
                    for (; t <= last; t++) {
                        offer(succ[t], v);
                    }
                    head++;
                }
            }
            sink = touched;
        }
    }

    /** Where the touching loads' sum goes, so that the compiler keeps them. */
    @SuppressWarnings("unused")
    private static volatile int sink;

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
