package io.mapleak.graph;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.IntColumn;
import io.mapleak.heap.columns.LongColumn;
import io.mapleak.heap.columns.PackedLongs;
import java.util.BitSet;

/**
 * The exact dominator tree of the heap graph and every object's retained size.
 *
 * <p>Semi-NCA (semidominators as in Lengauer-Tarjan with path compression, then immediate dominators as the
 * nearest common ancestor of the DFS parent and the semidominator), all in DFS-preorder numbers over int arrays.
 * Predecessors are built once, as preorder numbers, into a reverse CSR; edges into objects the virtual root
 * reaches directly are left out, since those objects' semidominator is the root whatever else points at them.
 * Path compression walks by pointer reversal, so neither recursion nor an explicit stack is needed on deep
 * graphs (long linked lists). Retained sizes come from one pass in reverse preorder.
 *
 * <p>All references count here, weak ones included (as in Eclipse MAT). Unreachable objects have no dominator
 * and retain nothing. Memory during the computation: about 24 bytes per object plus 4 per edge; kept after:
 * 4 (dominator) + 8 (retained) per object. All of it in columns of the index's {@link ColumnStore}, so a graph
 * larger than the memory budget is computed in temp files.
 */
public final class DominatorTree {
    /** Dominator value of objects the virtual root dominates directly. */
    public static final int ROOT = -2;
    /** Dominator value of unreachable objects. */
    public static final int UNREACHABLE = -1;

    private final IntColumn idom;
    private final LongColumn retained;
    private final long reachableBytes;
    private final int reachableObjects;

    private DominatorTree(IntColumn idom, LongColumn retained, long reachableBytes, int reachableObjects) {
        this.idom = idom;
        this.retained = retained;
        this.reachableBytes = reachableBytes;
        this.reachableObjects = reachableObjects;
    }

    /** The immediate dominator of {@code object}: another object, {@link #ROOT} or {@link #UNREACHABLE}. */
    public int dominator(int object) {
        return idom.get(object);
    }

    /** Bytes freed if {@code object} became unreachable (0 for unreachable objects). */
    public long retainedSize(int object) {
        return retained.get(object);
    }

    public boolean reachable(int object) {
        return idom.get(object) != UNREACHABLE;
    }

    /** Shallow bytes of all reachable objects: the live heap. */
    public long reachableBytes() {
        return reachableBytes;
    }

    public int reachableObjects() {
        return reachableObjects;
    }

    public static DominatorTree compute(HeapGraph g) {
        return compute(g, null);
    }

    /** Like {@link #compute(HeapGraph)}, reporting the objects reached so far (0 to 2 × objects) to {@code progress}. */
    public static DominatorTree compute(HeapGraph g, java.util.function.LongConsumer progress) {
        HeapIndex index = g.index();
        ColumnStore store = index.columns();
        final int n = g.objects();
        final int root = g.root();
        final int size = n + 1;

        // 1. Depth-first preorder from the virtual root. semi and label serve as the DFS stack until step 3.
        IntColumn pre = store.ints("dom-preorder", size);
        pre.fill(0, size, -1);
        IntColumn vertex = store.ints("dom-vertex", size);
        IntColumn parent = store.ints("dom-parent", size);
        IntColumn semi = store.ints("dom-semi", size);
        IntColumn label = store.ints("dom-label", size);
        IntColumn stackNode = semi; // the DFS stack borrows columns that step 3 fills later
        IntColumn stackPos = label;
        // Every edge out of a reached object is looked at exactly once by the DFS, when its target already has or
        // just gets its preorder number: the DFS counts predecessors too, saving a pass over all edges.
        IntColumn revCount = store.ints("dom-predecessor-counts", size);
        pre.set(root, 0);
        vertex.set(0, root);
        parent.set(0, 0);
        int count = 1;
        int sp = 0;
        stackNode.set(0, root);
        stackPos.set(0, 0);
        int[] rootChildren = g.rootChildren();
        while (sp >= 0) {
            int v = stackNode.get(sp);
            int k = stackPos.get(sp);
            // Scan v's successors (stored references, then its class mirror) from the k-th to the first one not
            // yet visited: one look-up of v's references per push and pop, not one per edge.
            int w = -1;
            if (v == root) {
                while (k < rootChildren.length) {
                    int c = rootChildren[k++];
                    if (pre.get(c) < 0) {
                        w = c;
                        break;
                    }
                }
            } else {
                long begin = g.refBegin(v);
                int stored = (int) (g.refBegin(v + 1) - begin);
                while (k <= stored) {
                    int c = k < stored ? g.target(begin + k) : g.classObjectOf(v);
                    k++;
                    if (c >= 0) {
                        int q = pre.get(c);
                        if (q < 0) {
                            revCount.set(count, 1); // w's preorder number, given below
                            w = c;
                            break;
                        }
                        revCount.set(q, revCount.get(q) + 1);
                    }
                }
            }
            if (w < 0) {
                sp--;
                continue;
            }
            stackPos.set(sp, k);
            pre.set(w, count);
            vertex.set(count, w);
            parent.set(count, pre.get(v));
            count++;
            sp++;
            stackNode.set(sp, w);
            stackPos.set(sp, 0);
            if (progress != null && (count & 0xFFFFF) == 0) {
                progress.accept(count);
            }
        }
        final int reached = count;

        // 2. Predecessors in preorder numbers (reverse CSR), leaving out edges into the root's direct children. The
        // counts come from the DFS; the edges are read in object order (the order they are stored in), which only
        // changes the order of each object's predecessors, not the dominators.
        BitSet rootChild = new BitSet(reached);
        for (int c : g.rootChildren()) {
            rootChild.set(pre.get(c));
        }
        PackedLongs revStart = new PackedLongs(store, "dom-predecessor-starts");
        long edges = 0;
        for (int q = 0; q < reached; q++) {
            revStart.add(edges);
            if (!rootChild.get(q)) {
                edges += revCount.get(q);
            }
            revCount.set(q, 0); // from here: how many of q's predecessors are written
        }
        revStart.add(edges);
        IntColumn revSrc = store.ints("dom-predecessors", edges);
        IntColumn cursor = revCount;
        long edgesEnd = g.refBegin(0);
        for (int v = 0; v < n; v++) {
            long begin = edgesEnd;
            edgesEnd = g.refBegin(v + 1);
            int p = pre.get(v);
            if (p < 0) {
                continue; // unreachable
            }
            for (long e = begin; e < edgesEnd; e++) {
                int q = pre.get(g.target(e));
                if (!rootChild.get(q)) {
                    revSrc.set(revStart.get(q) + cursor.getAndAdd(q, 1), p);
                }
            }
            int m = g.classObjectOf(v);
            if (m >= 0) {
                int q = pre.get(m);
                if (!rootChild.get(q)) {
                    revSrc.set(revStart.get(q) + cursor.getAndAdd(q, 1), p);
                }
            }
            if (progress != null && (v & 0xFFFFF) == 0) {
                progress.accept((long) reached + (long) v * reached / 2 / n);
            }
        }
        cursor.close();

        // 3. Semidominators in reverse preorder; pre is no longer needed and becomes the forest's ancestor column.
        IntColumn ancestor = pre;
        ancestor.fill(0, size, -1);
        for (int p = 0; p < reached; p++) {
            semi.set(p, p);
            label.set(p, p);
        }
        for (int w = reached - 1; w >= 1; w--) {
            if (rootChild.get(w)) {
                semi.set(w, 0);
            } else {
                int best = semi.get(w);
                long end = revStart.get(w + 1);
                for (long e = revStart.get(w); e < end; e++) {
                    int v = revSrc.get(e);
                    // A predecessor numbered before w is not linked yet: eval returns it and its semi is itself.
                    int su = v <= w ? v : semi.get(eval(v, ancestor, label, semi));
                    if (su < best) {
                        best = su;
                    }
                }
                semi.set(w, best);
            }
            ancestor.set(w, parent.get(w));
            if (progress != null && (w & 0xFFFFF) == 0) {
                progress.accept((long) reached + reached / 2 + (reached - w) / 2);
            }
        }
        revSrc.close();
        revStart.close();
        ancestor.close();

        // 4. Immediate dominators: the nearest common ancestor of the DFS parent and the semidominator.
        IntColumn dom = label;
        dom.set(0, 0);
        for (int w = 1; w < reached; w++) {
            int d = parent.get(w);
            int sw = semi.get(w);
            while (d > sw) {
                d = dom.get(d);
            }
            dom.set(w, d);
        }
        parent.close();
        semi.close();

        // 5. Back to object numbers; retained sizes accumulate from the leaves up (reverse preorder).
        IntColumn idom = store.ints("dominators", n);
        idom.fill(0, n, UNREACHABLE);
        LongColumn retained = store.longs("retained-sizes", n);
        long live = 0;
        for (int p = 1; p < reached; p++) {
            int v = vertex.get(p);
            int d = dom.get(p);
            idom.set(v, d == 0 ? ROOT : vertex.get(d));
            long s = index.shallowSize(v);
            retained.set(v, s);
            live += s;
        }
        for (int p = reached - 1; p >= 1; p--) {
            int d = dom.get(p);
            if (d != 0) {
                int dv = vertex.get(d);
                retained.set(dv, retained.get(dv) + retained.get(vertex.get(p)));
            }
        }
        vertex.close();
        dom.close();
        return new DominatorTree(idom, retained, live, reached - 1);
    }

    /**
     * The vertex with the smallest semidominator on the forest path above {@code v}, compressing the path.
     * Compression walks up reversing the ancestor links, then back down restoring them compressed.
     */
    private static int eval(int v, IntColumn ancestor, IntColumn label, IntColumn semi) {
        if (ancestor.get(v) < 0) {
            return v;
        }
        int prev = -1;
        int x = v;
        while (ancestor.get(ancestor.get(x)) >= 0) {
            int next = ancestor.get(x);
            ancestor.set(x, prev);
            prev = x;
            x = next;
        }
        while (prev >= 0) {
            int y = prev;
            prev = ancestor.get(y);
            int lx = label.get(x);
            if (semi.get(lx) < semi.get(label.get(y))) {
                label.set(y, lx);
            }
            ancestor.set(y, ancestor.get(x));
            x = y;
        }
        return label.get(v);
    }
}
