package io.mapleak.graph;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.columns.Column;
import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.IntColumn;
import io.mapleak.heap.columns.LongColumn;
import io.mapleak.heap.columns.PackedLongs;

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
 * overflow nothing. Leaves (objects with no reference of their own, about two in five: byte arrays, boxed
 * numbers) are no vertex of the search: each gets its dominator from its predecessors at the end (see
 * {@link Search}). Retained sizes accumulate in reverse preorder, through each object's immediate dominator.
 *
 * <p>All references count here, weak ones included (as in Eclipse MAT). Unreachable objects have no dominator
 * and retain nothing. Memory during the computation: 4 bytes per object, 20 per vertex (object but leaves), 12
 * per back edge or extra edge into a leaf (16 for a moment while the predecessor lists are built) and 24 per
 * level of the DFS's deepest path, 12 to 16 bytes per object in the last step; kept after: 4 (dominator) + 4
 * (retained size in size units; 8, in bytes, for heaps of 2^32 units or more) per object. All of it
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

    /** How far up {@link #dominatedByAny} looks: nesting deeper than this counts as not nested. */
    public static final int NESTING_STEPS = 64;

    /**
     * Whether an object of {@code among} dominates {@code object}, looking at most {@link #NESTING_STEPS}
     * dominators up: a map nested in another of a group (a map in a map's value) is inside the other's retained
     * size, and sums over the group count it once.
     */
    public boolean dominatedByAny(int object, java.util.function.IntPredicate among) {
        return dominatedByAny(object, among, Long.MAX_VALUE);
    }

    /**
     * {@link #dominatedByAny(int, java.util.function.IntPredicate)} for objects of {@code among} that retain at most
     * {@code mostRetained} bytes: the walk stops at the first dominator that retains more, since none of them can be
     * there or above (retained sizes only grow up the tree). A small map's walk ends within a few steps, where its
     * owner's collection retains more than any map of the group: the inventory asks this for millions of maps.
     */
    public boolean dominatedByAny(int object, java.util.function.IntPredicate among, long mostRetained) {
        for (int d = dominator(object), i = 0; d >= 0 && i < NESTING_STEPS; d = dominator(d), i++) {
            if (among.test(d)) {
                return true;
            }
            if (mostRetained != Long.MAX_VALUE && retainedSize(d) > mostRetained) {
                return false;
            }
        }
        return false;
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
        return compute(g, progress, narrowUnits, MAX_LEAF_EDGES);
    }

    /**
     * Like {@link #compute(HeapGraph, java.util.function.LongConsumer, long)}; leaves are set apart while their
     * extra edges number at most {@code maxLeafEdges} (tests lower it to take the way without leaves).
     */
    static DominatorTree compute(HeapGraph g, java.util.function.LongConsumer progress, long narrowUnits,
            long maxLeafEdges) {
        HeapIndex index = g.index();
        ColumnStore store = index.columns();
        final int n = g.objects();
        final int size = n + 1;

        // Every column but the preorder numbers is written before it is read: scratch columns, not zeroed first.
        IntColumn pre = store.ints("dominators", size, -1); // preorder numbers first, dominators in step 5
        IntColumn vertex = store.scratchInts("dom-vertex", size);
        IntColumn parent = store.scratchInts("dom-parent", size);
        IntColumn semi = store.scratchInts("dom-semi", size);
        LongColumn stack = store.scratchLongs("dom-stack", 0);
        LongColumn backEdges = store.scratchLongs("dom-back-edges", 0);
        LongColumn leafEdges = store.scratchLongs("dom-leaf-edges", 0);
        Search search = new Search(g, pre, vertex, parent, semi, stack, backEdges, leafEdges, maxLeafEdges, progress);
        final int reached;
        try {
            reached = search.run();
        } catch (TooManyLeafEdges e) {
            for (Column c : new Column[] {pre, vertex, parent, semi, stack, backEdges, leafEdges}) {
                c.close();
            }
            return compute(g, progress, narrowUnits, -1);
        }
        final long leavesReached = search.leaves;
        final long total = reached + leavesReached;
        stack.close();
        vertex.releasePages(); // next read in step 5: its pages need not stay resident through steps 2 to 4

        // 2. The back edges as predecessor lists (reverse CSR by target), in preorder numbers; with them, under the
        // number of each leaf's first predecessor, its other ones (see leafEntries).
        leafEntries(pre, leafEdges, backEdges);
        PackedLongs revStart = new PackedLongs(store, "dom-predecessor-starts");
        IntColumn revSrc = predecessors(store, backEdges, reached, revStart);
        if (progress != null) {
            progress.accept(total + total / 2);
        }

        // 3. Semidominators in reverse preorder.
        try (LongColumn forest = store.longs("dom-forest", reached, FOREST_ROOT)) {
            semidominators(reached, parent, semi, forest, revStart, revSrc, leafEdges, progress, total);
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
        // A leaf's: the same walk from its first predecessor, up to the smallest semidominator its other
        // predecessors offered, one at a time (each walk goes on from where the last stopped).
        for (long e = 0, m = leafEdges.length(); e < m; e++) {
            long edge = leafEdges.get(e);
            int leaf = (int) (edge >>> 32);
            int offered = (int) edge;
            int d = -2 - pre.get(leaf);
            if (d > offered) {
                do {
                    d = dom.get(d);
                } while (d > offered);
                pre.set(leaf, -2 - d);
            }
        }
        leafEdges.close();

        // 5. Dominators back to object numbers, in place of the preorder numbers (an object's is not read again);
        // then retained sizes accumulate from the leaves up (reverse preorder) straight into object numbers, through
        // each object's immediate dominator. Accumulating in preorder numbers first and copying back would hold a
        // second 8 bytes an object at the step's peak (the memory's high point of a run with a small heap, where
        // these columns are mapped), for about the same random accesses. A leaf holds -2 - (its dominator's number)
        // until then: -2 is ROOT already, the smaller values are turned into objects by the sweep below.
        IntColumn idom = pre;
        for (int p = 1; p < reached; p++) {
            int d = dom.get(p);
            idom.set(vertex.get(p), d == 0 ? ROOT : vertex.get(d));
        }
        dom.close();
        // Sizes are multiples of the index's size unit (the object alignment), so below 2^32 units of heap (32 GB
        // at 8 bytes) every retained size fits 4 bytes unsigned: half the column, on the largest dumps 0.5 GB.
        // One sweep adds each reachable object's own size to its retained size and, for a leaf (whose dominator
        // is still a number), turns that number into the object and adds the leaf's size to it: a leaf dominates
        // nothing, so that is all it passes up. The rest pass theirs up in reverse preorder below.
        long unit = index.sizeUnit();
        boolean narrow = index.heapBytes() / unit < narrowUnits;
        IntColumn units = narrow ? store.ints("retained-sizes", n, 0) : null;
        LongColumn retained = narrow ? null : store.longs("retained-sizes", n, 0);
        long live = 0;
        for (int o = 0; o < n; o++) {
            int d = idom.get(o);
            if (d == UNREACHABLE) {
                continue;
            }
            long s = index.shallowSize(o);
            live += s;
            if (narrow) {
                units.set(o, units.get(o) + (int) (s / unit));
            } else {
                retained.set(o, retained.get(o) + s);
            }
            if (d < ROOT) {
                d = vertex.get(-2 - d);
                idom.set(o, d);
                if (narrow) {
                    units.set(d, units.get(d) + (int) (s / unit));
                } else {
                    retained.set(d, retained.get(d) + s);
                }
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
        return new DominatorTree(idom, units, retained, unit, live, (int) (total - 1));
    }

    /** Extra edges into leaves (beyond each one's first) set apart at most; a dump with more goes without. */
    static final long MAX_LEAF_EDGES = Integer.MAX_VALUE;

    /** Thrown by the search when the leaves' extra edges pass the most it may set apart. */
    private static final class TooManyLeafEdges extends RuntimeException {
        TooManyLeafEdges() {
            super(null, null, false, false);
        }
    }

    /**
     * After the search: each extra edge into a leaf, (leaf &lt;&lt; 32 | source number) at position e of
     * {@code leafEdges}, is added to {@code backEdges} as an entry (f &lt;&lt; 32 | -1 - e) under the number f of the
     * leaf's first predecessor (its smallest-numbered one, now final). Step 3 reaches it just before f's own turn.
     */
    private static void leafEntries(IntColumn pre, LongColumn leafEdges, LongColumn backEdges) {
        long m = leafEdges.length();
        if (m == 0) {
            return;
        }
        long backs = backEdges.length();
        backEdges.ensureLength(backs + m);
        for (long e = 0; e < m; e++) {
            int first = -2 - pre.get((int) (leafEdges.get(e) >>> 32));
            backEdges.set(backs + e, (long) first << 32 | ((-1 - e) & LOW));
        }
    }

    /** Longs a level of the depth-first search's stack takes: vertex and number, next position, end. */
    private static final int LEVEL = 3;

    /**
     * Step 1: depth-first preorder from the virtual root (number 0). Fills {@code pre} (object to number),
     * {@code vertex} and {@code parent} (by number), and classifies every edge out of a reached object as the DFS
     * looks at it, once: an edge from a vertex numbered before its target (tree and forward edges) only lowers the
     * target's initial semidominator candidate in {@code semi}, so it is never stored; an edge from a vertex
     * numbered after its target (back and cross edges, the only ones that need {@code eval} in step 3) is appended
     * to {@code backEdges} as (target number &lt;&lt; 32 | source number), except into GC-rooted objects, whose
     * semidominator is the root whatever points at them. The vertex being scanned lives in locals (its object,
     * number, next reference position and end); {@code stack} holds the same for each vertex on the path down to
     * it, so going back up reads one line of the stack instead of looking the vertex's references up again at
     * random. It is as long as the deepest path (three longs a level), usually short; a long linked list makes it
     * long, in a column like the others.
     *
     * <p>Leaves ({@link HeapGraph#isLeaf}) get no number: the search is one that visits each vertex's leaf
     * successors as soon as it enters it, before anything else, so a leaf's DFS parent is its predecessor with the
     * smallest number, and its own number (never needed) would come right after that one's. {@code pre} holds
     * -2 - (that predecessor's number) for a leaf; every other predecessor, numbered after the leaf, is an extra
     * edge appended to {@code leafEdges} as (leaf &lt;&lt; 32 | source number), unless the leaf is GC-rooted.
     * Nothing else needs a leaf: it is on no path to anything but its class mirror, a GC root. So about two
     * objects in five are no vertex of steps 2 to 4.
     */
    private static final class Search {
        final HeapGraph g;
        final IntColumn pre;
        final IntColumn vertex;
        final IntColumn parent;
        final IntColumn semi;
        final LongColumn stack;
        final LongColumn backEdges;
        final LongColumn leafEdges;
        final long maxLeafEdges;
        final java.util.function.LongConsumer progress;
        /** Leaves reached. */
        long leaves;

        Search(HeapGraph g, IntColumn pre, IntColumn vertex, IntColumn parent, IntColumn semi, LongColumn stack,
                LongColumn backEdges, LongColumn leafEdges, long maxLeafEdges,
                java.util.function.LongConsumer progress) {
            this.g = g;
            this.pre = pre;
            this.vertex = vertex;
            this.parent = parent;
            this.semi = semi;
            this.stack = stack;
            this.backEdges = backEdges;
            this.leafEdges = leafEdges;
            this.maxLeafEdges = maxLeafEdges;
            this.progress = progress;
        }

        /** The search; returns how many vertices it numbered (the root included, leaves not). */
        int run() {
            final int root = g.root();
            int[] rootChildren = g.rootChildren();
            final boolean leavesApart = maxLeafEdges >= 0;
            pre.set(root, 0);
            vertex.set(0, root);
            parent.set(0, 0);
            semi.set(0, 0);
            int count = 1;
            long backs = 0;
            long extra = 0; // extra edges into leaves
            long leafCount = 0;
            long depth = 0; // levels on the stack: the vertices above the one being scanned
            int nextReport = 1 << 12;
            int p = 0; // the vertex being scanned, by number
            int v = root;
            // v's next successor: a reference position, then (at end) its class mirror; for the root, a child
            long at = 0;
            long end = rootChildren.length;
            while (true) {
                int w = -1;
                if (v == root) {
                    while (at < end) {
                        int c = rootChildren[(int) at++];
                        int q = pre.get(c);
                        if (q < 0) {
                            if (!leavesApart || !g.isLeaf(c)) {
                                w = c;
                                break;
                            }
                            if (q == -1) {
                                leafCount++;
                            }
                            pre.set(c, -2); // the root is the smallest number: the leaf's first predecessor
                            continue;
                        }
                        semi.set(q, 0); // reached first from another object: the root still points at it
                    }
                } else {
                    // Scan v's successors (stored references, then its class mirror) up to the first one not yet
                    // visited.
                    while (at <= end) {
                        int c = at < end ? g.target(at) : g.mirrorEdgeOf(v);
                        at++;
                        if (c < 0) {
                            continue;
                        }
                        int q = pre.get(c);
                        if (q < 0) {
                            if (!leavesApart || !g.isLeaf(c)) {
                                w = c;
                                break;
                            }
                            if (q == -1) {
                                leafCount++;
                                pre.set(c, -2 - p);
                                continue;
                            }
                            int first = -2 - q;
                            if (first != p && !g.rooted(c)) {
                                if (extra >= maxLeafEdges) {
                                    throw new TooManyLeafEdges();
                                }
                                leafEdges.ensureLength(extra + 1);
                                if (p < first) { // an ancestor of the first, back to scanning: the new first
                                    leafEdges.set(extra++, (long) c << 32 | first);
                                    pre.set(c, -2 - p);
                                } else {
                                    leafEdges.set(extra++, (long) c << 32 | p);
                                }
                            }
                            continue;
                        }
                        if (q > p) {
                            if (p < semi.get(q)) {
                                semi.set(q, p);
                            }
                        } else if (q < p && !g.rooted(c)) {
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
                        // Every 2^20 vertices, but first after 2^12: a branch the JIT never saw taken before
                        // compiling the loop is compiled as a trap, and taking it later threw the compiled search
                        // away.
                        nextReport = count + (1 << 20);
                        if (progress != null) {
                            progress.accept(count + leafCount);
                        }
                    }
                } else if (depth == 0) {
                    leaves = leafCount;
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
            PackedLongs revStart, IntColumn revSrc, LongColumn leafEdges, java.util.function.LongConsumer progress,
            long total) {
        long begin = revStart.get(reached);
        for (int w = reached - 1; w >= 1; w--) {
            long end = begin;
            begin = revStart.get(w);
            // Extra edges into leaves whose first predecessor is w (last in w's list): the forest holds every vertex
            // numbered after the leaf, so each source's eval is what it offers as the leaf's semidominator; kept in
            // place of the source for step 4.
            while (end > begin) {
                int entry = revSrc.get(end - 1);
                if (entry >= 0) {
                    break;
                }
                end--;
                long edge = leafEdges.get(-1L - entry);
                int offered = eval((int) edge, forest, semi);
                leafEdges.set(-1L - entry, (edge & ~LOW) | offered);
            }
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
                progress.accept(total + total / 2 + (reached - w) * (total / 2) / reached);
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
