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
 * The DFS classifies each edge once: an edge from a vertex numbered before its target (most edges of a heap: tree
 * and forward edges) can only offer its source as the target's semidominator, so it lowers a running minimum and
 * is never stored; only the other edges (back and cross edges, about a third here, the class edges among them)
 * are kept, as a reverse CSR, for the evaluation step. Edges into objects the virtual root reaches directly are
 * left out, since those objects' semidominator is the root whatever else points at them. The DFS keeps its stack
 * in a column (no recursion) and path compression walks by pointer reversal, so deep graphs (long linked lists)
 * overflow nothing. Retained sizes accumulate in reverse preorder, through each object's immediate dominator.
 *
 * <p>All references count here, weak ones included (as in Eclipse MAT). Unreachable objects have no dominator
 * and retain nothing. Memory during the computation: about 20 bytes per object plus 12 per back edge (16 for a
 * moment while the predecessor lists are built) and 24 per level of the DFS's deepest path, 12 to 16 bytes per
 * object in the last step; kept after: 4 (dominator) + 4 (retained size in size units; 8, in bytes, for heaps of
 * 2^32 units or more) per object. All of it
 * in columns of the index's {@link ColumnStore}, so a graph larger than the memory budget is computed in temp files.
 */
public final class DominatorTree {
    /** Dominator value of objects the virtual root dominates directly. */
    public static final int ROOT = -2;
    /** Dominator value of unreachable objects. */
    public static final int UNREACHABLE = -1;

    /** The most size units retained sizes are kept in 4 bytes for: 2^32 (unsigned), 32 GB at 8 bytes a unit. */
    static final long NARROW_UNITS = 1L << 32;

    private final IntColumn idom;
    /** Retained sizes in units of {@link #unit} bytes, unsigned, when the heap is under {@link #NARROW_UNITS} units. */
    private final IntColumn retainedUnits;
    /** Retained sizes in bytes, for larger heaps. */
    private final LongColumn retained;
    private final long unit;
    private final long reachableBytes;
    private final int reachableObjects;

    private DominatorTree(IntColumn idom, IntColumn retainedUnits, LongColumn retained, long unit,
            long reachableBytes, int reachableObjects) {
        this.idom = idom;
        this.retainedUnits = retainedUnits;
        this.retained = retained;
        this.unit = unit;
        this.reachableBytes = reachableBytes;
        this.reachableObjects = reachableObjects;
    }

    /** The immediate dominator of {@code object}: another object, {@link #ROOT} or {@link #UNREACHABLE}. */
    public int dominator(int object) {
        return idom.get(object);
    }

    /** Bytes freed if {@code object} became unreachable (0 for unreachable objects). */
    public long retainedSize(int object) {
        return retainedUnits != null ? (retainedUnits.get(object) & 0xFFFF_FFFFL) * unit : retained.get(object);
    }

    /** Whether retained sizes are kept in 4 bytes an object (in size units) rather than 8 (for tests). */
    boolean narrow() {
        return retainedUnits != null;
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
        return compute(g, progress, NARROW_UNITS);
    }

    /** Like {@link #compute(HeapGraph, java.util.function.LongConsumer)}; retained sizes are kept in 4 bytes while
     *  the heap is under {@code narrowUnits} size units (tests lower it to take the 8-byte path). */
    static DominatorTree compute(HeapGraph g, java.util.function.LongConsumer progress, long narrowUnits) {
        HeapIndex index = g.index();
        ColumnStore store = index.columns();
        final int n = g.objects();
        final int size = n + 1;

        // Every column but the preorder numbers is written before it is read: scratch columns, not zeroed first.
        IntColumn pre = store.ints("dom-preorder", size, -1);
        IntColumn vertex = store.scratchInts("dom-vertex", size);
        IntColumn parent = store.scratchInts("dom-parent", size);
        IntColumn semi = store.scratchInts("dom-semi", size);
        LongColumn stack = store.scratchLongs("dom-stack", 0);
        LongColumn backEdges = store.scratchLongs("dom-back-edges", 0);
        final int reached = depthFirst(g, pre, vertex, parent, semi, stack, backEdges, progress);
        pre.close(); // the rest is in preorder numbers: these two columns' space goes to the next steps' columns
        stack.close();
        vertex.releasePages(); // next read in step 5: its pages need not stay resident through steps 2 to 4

        // 2. The back edges as predecessor lists (reverse CSR by target), in preorder numbers.
        PackedLongs revStart = new PackedLongs(store, "dom-predecessor-starts");
        IntColumn revSrc = predecessors(store, backEdges, reached, revStart);
        if (progress != null) {
            progress.accept((long) reached + reached / 2);
        }

        // 3. Semidominators in reverse preorder.
        try (LongColumn forest = store.longs("dom-forest", reached, FOREST_ROOT)) {
            semidominators(reached, parent, semi, forest, revStart, revSrc, progress);
        }
        revSrc.close();
        revStart.close();

        // 4. Immediate dominators: the nearest common ancestor of the DFS parent and the semidominator, in place of
        // the semidominators (w's is read before it is overwritten; the walk reads only smaller numbers, done).
        IntColumn dom = semi;
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

        // 5. Dominators back to object numbers; then retained sizes accumulate from the leaves up (reverse preorder)
        // straight into object numbers, through each object's immediate dominator. Accumulating in preorder numbers
        // first and copying back would hold a second 8 bytes an object at the step's peak (the memory's high point
        // of a run with a small heap, where these columns are mapped), for about the same random accesses.
        IntColumn idom = store.ints("dominators", n, UNREACHABLE);
        for (int p = 1; p < reached; p++) {
            int d = dom.get(p);
            idom.set(vertex.get(p), d == 0 ? ROOT : vertex.get(d));
        }
        dom.close();
        // Sizes are multiples of the index's size unit (the object alignment), so below 2^32 units of heap (32 GB
        // at 8 bytes) every retained size fits 4 bytes unsigned: half the column, on the largest dumps 0.5 GB.
        long unit = index.sizeUnit();
        boolean narrow = index.heapBytes() / unit < narrowUnits;
        IntColumn units = narrow ? store.scratchInts("retained-sizes", n) : null;
        LongColumn retained = narrow ? null : store.scratchLongs("retained-sizes", n);
        long live = 0;
        for (int o = 0; o < n; o++) {
            long s = 0;
            if (idom.get(o) != UNREACHABLE) {
                s = index.shallowSize(o);
                live += s;
            }
            if (narrow) {
                units.set(o, (int) (s / unit));
            } else {
                retained.set(o, s);
            }
        }
        for (int p = reached - 1; p >= 1; p--) {
            int o = vertex.get(p);
            int d = idom.get(o);
            if (d == ROOT) {
                continue;
            }
            if (narrow) {
                units.set(d, units.get(d) + units.get(o)); // no sum passes the heap's units: no unsigned overflow
            } else {
                retained.set(d, retained.get(d) + retained.get(o));
            }
        }
        vertex.close();
        return new DominatorTree(idom, units, retained, unit, live, reached - 1);
    }

    /** Longs a level of the depth-first search's stack takes: vertex and number, next position, end. */
    private static final int LEVEL = 3;

    /**
     * Step 1: depth-first preorder from the virtual root (number 0), returning how many vertices it reached.
     * Fills {@code pre} (object to number), {@code vertex} and {@code parent} (by number), and classifies every edge
     * out of a reached object as the DFS looks at it, once: an edge from a vertex numbered before its target (tree
     * and forward edges) only lowers the target's initial semidominator candidate in {@code semi}, so it is never
     * stored; an edge from a vertex numbered after its target (back and cross edges, the only ones that need
     * {@code eval} in step 3) is appended to {@code backEdges} as (target number &lt;&lt; 32 | source number), except
     * into GC-rooted objects, whose semidominator is the root whatever points at them. The vertex being scanned
     * lives in locals (its object, number, next reference position and end); {@code stack} holds the same for each
     * vertex on the path down to it, so going back up reads one line of the stack instead of looking the vertex's
     * references up again at random. It is as long as the deepest path (three longs a level), usually short;
     * a long linked list makes it long, in a column like the others.
     */
    private static int depthFirst(HeapGraph g, IntColumn pre, IntColumn vertex, IntColumn parent, IntColumn semi,
            LongColumn stack, LongColumn backEdges, java.util.function.LongConsumer progress) {
        final int root = g.root();
        int[] rootChildren = g.rootChildren();
        BitSet rooted = new BitSet(g.objects());
        for (int c : rootChildren) {
            rooted.set(c);
        }
        pre.set(root, 0);
        vertex.set(0, root);
        parent.set(0, 0);
        semi.set(0, 0);
        int count = 1;
        long backs = 0;
        long depth = 0; // levels on the stack: the vertices above the one being scanned
        int nextReport = 1 << 12;
        int p = 0; // the vertex being scanned, by number
        int v = root;
        long at = 0; // its next successor: a reference position, then (at end) its class mirror; for the root, a child
        long end = rootChildren.length;
        while (true) {
            int w = -1;
            if (v == root) {
                while (at < end) {
                    int c = rootChildren[(int) at++];
                    int q = pre.get(c);
                    if (q < 0) {
                        w = c;
                        break;
                    }
                    semi.set(q, 0); // reached first from another object: the root still points at it
                }
            } else {
                // Scan v's successors (stored references, then its class mirror) up to the first one not yet visited.
                while (at <= end) {
                    int c = at < end ? g.target(at) : g.classObjectOf(v);
                    at++;
                    if (c < 0) {
                        continue;
                    }
                    int q = pre.get(c);
                    if (q < 0) {
                        w = c;
                        break;
                    }
                    if (q > p) {
                        if (p < semi.get(q)) {
                            semi.set(q, p);
                        }
                    } else if (q < p && !rooted.get(c)) {
                        backEdges.ensureLength(backs + 1);
                        backEdges.set(backs++, (long) q << 32 | p);
                    }
                }
            }
            if (w >= 0) {
                long level = depth++ * LEVEL;
                stack.ensureLength(level + LEVEL);
                stack.set(level, (long) v << 32 | (p & 0xFFFF_FFFFL));
                stack.set(level + 1, at);
                stack.set(level + 2, end);
                int q = count++;
                pre.set(w, q);
                vertex.set(q, w);
                parent.set(q, p);
                semi.set(q, p);
                p = q;
                v = w;
                at = g.refBegin(w);
                end = g.refBegin(w + 1);
                if (count >= nextReport) {
                    // Every 2^20 vertices, but first after 2^12: a branch the JIT never saw taken before compiling
                    // the loop is compiled as a trap, and taking it later threw the compiled search away.
                    nextReport = count + (1 << 20);
                    if (progress != null) {
                        progress.accept(count);
                    }
                }
            } else if (depth == 0) {
                return count;
            } else {
                long level = --depth * LEVEL;
                long vp = stack.get(level);
                v = (int) (vp >>> 32);
                p = (int) vp;
                at = stack.get(level + 1);
                end = stack.get(level + 2);
            }
        }
    }

    /** Targets a bucket of {@link #predecessors} covers: its counts (4 bytes each) stay in the core's cache. */
    private static final int BUCKET_SHIFT = 15;

    /**
     * Step 2: the back edges (target &lt;&lt; 32 | source) as a reverse CSR: {@code revStart} gets each target's first
     * position (appended in order) and the returned column the sources, each target's in the order the DFS found
     * them. Counting and placing them edge by edge would touch a random target's counter and slot for each
     * (a cache miss, on a large dump a page of a temp file); instead the edges are first spread stably into
     * buckets of 2^15 consecutive targets (one write stream a bucket), then each bucket is placed with counters
     * that fit the cache. Closes {@code backEdges}.
     */
    private static IntColumn predecessors(ColumnStore store, LongColumn backEdges, int reached, PackedLongs revStart) {
        final long backs = backEdges.length();
        int buckets = (reached >>> BUCKET_SHIFT) + 1;
        long[] bucketStart = new long[buckets + 1];
        for (long e = 0; e < backs; e++) {
            bucketStart[(int) (backEdges.get(e) >>> (32 + BUCKET_SHIFT)) + 1]++;
        }
        for (int b = 0; b < buckets; b++) {
            bucketStart[b + 1] += bucketStart[b];
        }
        LongColumn spread = store.scratchLongs("dom-back-edges-by-bucket", backs);
        long[] cursor = java.util.Arrays.copyOf(bucketStart, buckets);
        for (long e = 0; e < backs; e++) {
            long edge = backEdges.get(e);
            spread.set(cursor[(int) (edge >>> (32 + BUCKET_SHIFT))]++, edge);
        }
        backEdges.close();
        IntColumn revSrc = store.scratchInts("dom-predecessors", backs);
        int[] counts = new int[1 << BUCKET_SHIFT];
        long at = 0;
        for (int b = 0; b < buckets; b++) {
            int first = b << BUCKET_SHIFT;
            int width = Math.min(1 << BUCKET_SHIFT, reached - first);
            java.util.Arrays.fill(counts, 0);
            long from = bucketStart[b];
            long to = bucketStart[b + 1];
            for (long e = from; e < to; e++) {
                counts[(int) (spread.get(e) >>> 32) - first]++;
            }
            long bucketAt = at;
            for (int k = 0; k < width; k++) {
                revStart.add(at);
                int c = counts[k];
                counts[k] = (int) (at - bucketAt); // from here: where target first + k's next source goes
                at += c;
            }
            for (long e = from; e < to; e++) {
                long edge = spread.get(e);
                int k = (int) (edge >>> 32) - first;
                revSrc.set(bucketAt + counts[k]++, (int) edge);
            }
        }
        revStart.add(at);
        spread.close();
        return revSrc;
    }

    /** A vertex's entry in the forest column: ancestor -1 (a root), label 0. */
    private static final long FOREST_ROOT = -1L << 32;
    private static final long LOW = 0xFFFF_FFFFL;

    /**
     * Step 3: semidominators in reverse preorder. {@code semi} holds each vertex's smallest predecessor numbered
     * before it (its parent at most); the back edges into it may lower that through {@code eval}. {@code forest}
     * is the forest of vertices already processed: per vertex its ancestor (high 32 bits, -1 for a root) and its
     * label (low 32 bits), side by side so that the path compression's accesses to a vertex are one cache line, not
     * one in each of two columns. Semi-NCA needs only semidominator numbers, never the vertex that has one, so the
     * label is the smallest semidominator on the vertex's compressed path itself, not that vertex: each step of the
     * compression compares two labels instead of looking up two vertices' semidominators.
     */
    private static void semidominators(int reached, IntColumn parent, IntColumn semi, LongColumn forest,
            PackedLongs revStart, IntColumn revSrc, java.util.function.LongConsumer progress) {
        long begin = revStart.get(reached);
        for (int w = reached - 1; w >= 1; w--) {
            long end = begin;
            begin = revStart.get(w);
            int best = semi.get(w);
            for (long e = begin; e < end && best > 0; e++) {
                int su = eval(revSrc.get(e), forest, semi);
                if (su < best) {
                    best = su;
                }
            }
            semi.set(w, best);
            forest.set(w, (long) parent.get(w) << 32 | best); // w joins the forest under its DFS parent
            if (progress != null && (w & 0xFFFFF) == 0) {
                progress.accept((long) reached + reached / 2 + (reached - w) / 2);
            }
        }
    }

    /**
     * The smallest semidominator on the forest path above {@code v} ({@code v} included, its tree's root not),
     * compressing the path. Compression walks up reversing the ancestor links, then back down restoring them
     * compressed. A back edge's source is numbered after its target, so it is in the forest already; a root (the
     * virtual root, or a vertex not processed yet) stands for its own semidominator.
     */
    private static int eval(int v, LongColumn forest, IntColumn semi) {
        long fx = forest.get(v);
        if ((int) (fx >> 32) < 0) {
            return semi.get(v);
        }
        int prev = -1;
        int x = v;
        while (true) {
            int ax = (int) (fx >> 32);
            long fa = forest.get(ax);
            if ((int) (fa >> 32) < 0) {
                break; // x's ancestor is its tree's root: x is the top of the path
            }
            forest.set(x, (long) prev << 32 | (fx & LOW));
            prev = x;
            x = ax;
            fx = fa;
        }
        // Back down: each vertex takes the smaller label and the ancestor of the (already compressed) one above it.
        while (prev >= 0) {
            int y = prev;
            long fy = forest.get(y);
            prev = (int) (fy >> 32);
            long label = Math.min(fx & LOW, fy & LOW);
            fx = (fx & ~LOW) | label;
            forest.set(y, fx);
            x = y;
        }
        return (int) fx;
    }
}
