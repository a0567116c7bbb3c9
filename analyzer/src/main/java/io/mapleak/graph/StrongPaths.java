package io.mapleak.graph;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.IntColumn;

/**
 * Strong paths from the GC roots, shortest from the class statics where there are such: breadth-first searches
 * from the virtual root that never follow a {@code java.lang.ref.Reference}'s referent (nor its {@code discovered}
 * link, which chains the references the collector has found ready to clear), so a path shows the chain of strong
 * references that really keeps an object alive. A map that a static field holds (a web application's
 * session manager, say) is often also reachable for a moment, and by a shorter path, from a thread's stack frame
 * (the container's background thread expiring sessions); the path people need is the lasting one. So the search
 * runs in three rounds:
 * <ol>
 * <li>from the rooted class mirrors (their statics, and the classes their loaders hold), not going into a
 * {@code java.lang.Thread} (what a thread holds reads best as that thread's, as in round 2) nor into a
 * {@code java.lang.Class} instance that is no mirror (a primitive type's class, whose fields lead into the
 * JDK's module graph);</li>
 * <li>from every GC root in the order of {@link HeapGraph#rootChildren()} (classes, threads, frames, JNI...),
 * a thread that round 1 reached but that is rooted itself counting as reached from its root;</li>
 * <li>onward from the objects round 1 stopped at.</li>
 * </ol>
 * Within a round paths are shortest, ties broken by the roots' order. 4 bytes per object, plus 4 transient, in
 * columns of the index's {@link io.mapleak.heap.columns.ColumnStore}.
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
        HeapIndex index = g.index();
        int[] roots = g.rootChildren();
        // Round 1: from the rooted classes, stopping at threads and at Class instances that are no mirror.
        boolean[] stop = index.classesExtending("java.lang.Thread");
        boolean[] classClass = index.classesExtending("java.lang.Class");
        for (int c = 0; c < stop.length; c++) {
            stop[c] |= classClass[c];
        }
        s.stop = stop;
        for (int c : roots) {
            if (index.isMirror(c)) {
                s.offer(c, ROOT);
            }
        }
        s.run();
        int[] stopped = s.stopped.toArray();
        s.stop = null;
        // Round 2: every root. A thread reached in round 1 that is a root itself is its own holder: unreached again,
        // so that it is offered as a root (nothing has it as parent yet: round 1 did not go into it).
        for (int o : stopped) {
            if (g.rooted(o)) {
                s.unreach(o);
            }
        }
        s.restart();
        for (int c : roots) {
            s.offer(c, ROOT);
        }
        s.run();
        // Round 3: on from where round 1 stopped (objects that are no root; they keep round 1's parents).
        s.restart();
        for (int o : stopped) {
            if (!g.rooted(o)) {
                s.requeue(o);
            }
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
        /** Per class, while not null: its instances are reached but not searched from, unless they are mirrors. */
        boolean[] stop;
        /** The objects {@link #stop} kept the search from going into. */
        final com.carrotsearch.hppc.IntArrayList stopped = new com.carrotsearch.hppc.IntArrayList();

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
            parent = store.ints("path-parents", n, NONE);
            queue = store.scratchInts("path-queue", n);
        }

        /** {@code o}, reached but not searched from, counts as not reached (a wanted one is wanted again). */
        void unreach(int o) {
            parent.set(o, NONE);
            if (wanted != null && wanted.get(o)) {
                remaining++;
            }
        }

        /** An empty queue for the next round (the last one's is used up, or the targets are all found). */
        void restart() {
            head = 0;
            tail = 0;
        }

        /** {@code o}, reached already, is searched from in this round. */
        void requeue(int o) {
            queue.set(tail++, o);
        }

        boolean searching() {
            return head < tail && (wanted == null || remaining > 0);
        }

        /**
         * {@code w} reached from {@code from}: queued, unless it was reached before (or is no object) or is a leaf
         * ({@link HeapGraph#isLeaf}: nothing to search from it; its class mirror is a GC root, offered first).
         */
        void offer(int w, int from) {
            if (w >= 0 && parent.get(w) == NONE) {
                parent.set(w, from);
                if (!g.isLeaf(w)) {
                    queue.set(tail++, w);
                }
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
            while (searching()) {
                batch();
            }
            sink = touched;
        }

        private final int[] vs = new int[BATCH];
        private final long[] begins = new long[BATCH];
        private final long[] ends = new long[BATCH];
        private final int[] mirrors = new int[BATCH];
        private final int[] succ = new int[BATCH_EDGES + BATCH];
        private int touched;

        /**
         * One batch. A method of its own, called once a batch, rather than the body of {@link #run}'s loop: that
         * loop ran for a whole round, so the JIT compiled it on the stack, and each round's end (a loop exit the
         * compiled code had never seen) threw it away to compile it again for the next (four C2 compilations of
         * the search in a run of the 1 GB benchmark dump).
         */
        private void batch() {
            int m = Math.min(BATCH, tail - head);
            for (int i = 0; i < m; i++) {
                vs[i] = queue.get(head + i);
            }
            for (int i = 0; i < m; i++) {
                int v = vs[i];
                begins[i] = g.refBegin(v);
                if (g.usual(v)) { // searched from, its class unread: no referent, its mirror a GC root
                    ends[i] = g.refBegin(v + 1);
                    mirrors[i] = -1;
                    continue;
                }
                int cls = g.classOf(v);
                if (stop != null && stop[cls] && !g.index().isMirror(v)) {
                    stopped.add(v);
                    ends[i] = begins[i]; // reached, not searched from in this round
                    mirrors[i] = -1;
                    continue;
                }
                // A java.lang.ref.Reference's referent and discovered link are its last stored references: a strong
                // path skips them.
                ends[i] = g.refBegin(v + 1) - g.weakTail(v, cls);
                mirrors[i] = g.mirrorOfClass(cls);
            }
            if (ends[0] - begins[0] > BATCH_EDGES) {
                // More successors than the buffer holds (a large object array): this vertex on its own.
                for (long k = begins[0]; k < ends[0]; k++) {
                    offer(g.target(k), vs[0]);
                }
                offer(mirrors[0], vs[0]);
                head++;
                return;
            }
            int t = 0;
            int batch = 0;
            for (; batch < m && t + (ends[batch] - begins[batch]) <= BATCH_EDGES; batch++) {
                for (long k = begins[batch]; k < ends[batch]; k++) {
                    succ[t++] = g.target(k);
                }
                succ[t++] = mirrors[batch];
            }
            int sum = touched;
            for (int k = 0; k < t; k++) {
                int w = succ[k];
                if (w >= 0) {
                    sum += parent.get(w); // a load whose only use is to be in flight with the others
                }
            }
            touched = sum; // a field: the compiler keeps the loads that feed it
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
    }

    /** Where the touching loads' sum goes, so that the compiler keeps them. */
    @SuppressWarnings("unused")
    private static volatile int sink;

    /** The object before {@code object} on its strong path, {@link #ROOT}, or {@link #NONE}. */
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
