package io.mapleak.graph;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.GcRootKindOrder;
import io.mapleak.heap.HeapIndex;

/**
 * The heap as a graph for the algorithms here: node {@code i} is object {@code i}; node {@link #root()} is a
 * virtual root whose successors are the GC-rooted objects. An object's successors are its stored references
 * followed by its class's mirror (every object keeps its class alive). Cheap: a view over the index's columns plus
 * one int per class, the sorted list of rooted objects and three bits per object (rooted objects, leaves and usual
 * objects, the last two marked in one parallel pass when the graph is made).
 */
public final class HeapGraph {
    private final HeapIndex index;
    private final int[] classObject;
    private final int[] rootChildren;
    /** Per class: whether its instances have a referent ({@link HeapIndex#holdsReferent}). */
    private final boolean[] referentClass;
    /** The objects of {@link #rootChildren}, as a set (read by several searches at once). */
    private final java.util.BitSet rooted;
    /** Bit per object: whether it is a {@linkplain #isLeaf leaf}. */
    private final long[] leaves;
    /** Bit per object: whether it is {@linkplain #usual usual}. */
    private final long[] usual;
    private final int n;

    public HeapGraph(HeapIndex index) {
        this.index = index;
        this.n = index.objectCount();
        int[] mirrors = new int[index.classes().size()];
        for (ClassInfo c : index.classes()) {
            mirrors[c.index()] = index.classObject(c.index());
        }
        this.classObject = mirrors;
        this.referentClass = new boolean[mirrors.length];
        for (int c = 0; c < mirrors.length; c++) {
            referentClass[c] = index.holdsReferent(c);
        }
        this.rootChildren = GcRootKindOrder.rootedObjects(index);
        this.rooted = new java.util.BitSet(n);
        for (int c : rootChildren) {
            rooted.set(c);
        }
        this.leaves = new long[(n + 63) >>> 6];
        this.usual = new long[leaves.length];
        markKinds();
    }

    /** Objects one task of the kinds' parallel computation covers (whole words of each set). */
    private static final int KIND_TASK = 1 << 16;

    /**
     * Marks the leaf and usual sets (see {@link #isLeaf}, {@link #usual}): one pass over every object's class and
     * reference range, in parallel (each task writes whole words of its own). n / 4 bytes on the heap.
     */
    private void markKinds() {
        // Per class: whether its instances are usual. Instances of Thread and Class (mirrors above all) never are:
        // the strong paths treat them apart; nor those of Reference classes (their referent is no strong edge), nor
        // those of a class whose mirror is not itself a GC root: the instance's class edge may be what reaches it.
        boolean[] thread = index.classesExtending("java.lang.Thread");
        boolean[] classClass = index.classesExtending("java.lang.Class");
        boolean[] plain = new boolean[classObject.length];
        for (int c = 0; c < plain.length; c++) {
            plain[c] = !thread[c] && !classClass[c] && !referentClass[c]
                    && (classObject[c] < 0 || rooted.get(classObject[c]));
        }
        int tasks = (n + KIND_TASK - 1) / KIND_TASK;
        java.util.stream.IntStream.range(0, tasks).parallel().forEach(t -> {
            int from = t * KIND_TASK;
            int to = Math.min(n, from + KIND_TASK);
            long next = index.refStart(from);
            for (int o = from; o < to; o++) {
                long start = next;
                next = index.refStart(o + 1);
                if (plain[index.classIndexOf(o)]) {
                    usual[o >>> 6] |= 1L << o;
                    if (start == next) {
                        leaves[o >>> 6] |= 1L << o;
                    }
                }
            }
        });
    }

    public HeapIndex index() {
        return index;
    }

    /** Number of objects; the virtual root is node {@code objects()}. */
    public int objects() {
        return n;
    }

    public int root() {
        return n;
    }

    /** Whether {@code v} is GC-rooted: one of {@link #rootChildren}. */
    boolean rooted(int v) {
        return rooted.get(v);
    }

    /** The distinct GC-rooted objects, strongest kind of root first (class statics, threads, frames, JNI...). */
    public int[] rootChildren() {
        return rootChildren;
    }

    /** Successor count of {@code v}, the implicit class edge included. */
    public int degree(int v) {
        if (v == n) {
            return rootChildren.length;
        }
        return index.outboundCount(v) + (classObjectOf(v) >= 0 ? 1 : 0);
    }

    /** The k-th successor of {@code v}: stored references first, then the class mirror. */
    public int successor(int v, int k) {
        if (v == n) {
            return rootChildren[k];
        }
        long s = index.refStart(v);
        long stored = index.refStart(v + 1) - s;
        return k < stored ? index.reference(s + k) : classObjectOf(v);
    }

    /**
     * Whether the k-th successor of {@code v} is a Reference's referent or its {@code discovered} link (skipped by
     * strong paths, see {@link HeapIndex#weakTail}).
     */
    public boolean isWeakEdge(int v, int k) {
        if (v == n) {
            return false;
        }
        int tail = index.weakTail(v);
        int stored = index.outboundCount(v);
        return tail > 0 && k < stored && k >= stored - tail;
    }

    /** Whether {@code k} is the implicit instance-to-class edge of {@code v}. */
    public boolean isClassEdge(int v, int k) {
        return v != n && k == index.outboundCount(v);
    }

    /**
     * Whether {@code v} is a leaf: a {@linkplain #usual usual} object with no stored reference. Its only successor,
     * the mirror, is reached from the root whatever else points at it, so a search need not go into a leaf (a byte
     * array, a boxed number): about two objects in five of a typical heap.
     */
    boolean isLeaf(int v) {
        return (leaves[v >>> 6] & (1L << v)) != 0;
    }

    /**
     * Whether {@code v} is usual: no instance of {@code java.lang.Thread}, {@code java.lang.Class} or a
     * {@code java.lang.ref.Reference} class, and its class mirror (if any) a GC root. A search's class edge from it
     * leads to an object the root reaches directly (which neither a dominator nor a shortest path can go through),
     * so a search need not look its class up: {@link #mirrorEdgeOf} is -1.
     */
    boolean usual(int v) {
        return (usual[v >>> 6] & (1L << v)) != 0;
    }

    /** The class mirror of {@code v} when a search needs its class edge (it is not {@link #usual}), else -1. */
    int mirrorEdgeOf(int v) {
        return usual(v) ? -1 : classObjectOf(v);
    }

    /** CSR position of {@code v}'s first stored reference (the virtual root has none). */
    long refBegin(int v) {
        return index.refStart(v);
    }

    /** The stored reference at CSR position {@code position}. */
    int target(long position) {
        return index.reference(position);
    }

    /** The mirror of {@code v}'s class, or -1. */
    int classObjectOf(int v) {
        return classObject[index.classIndexOf(v)];
    }

    /** The class index of {@code v} (not of the virtual root). */
    int classOf(int v) {
        return index.classIndexOf(v);
    }

    /** The mirror of class {@code cls}, or -1. */
    int mirrorOfClass(int cls) {
        return classObject[cls];
    }

    /**
     * How many of the last stored references of {@code v}, of class {@code cls}, strong paths skip (a Reference's
     * referent and discovered link, {@link HeapIndex#weakTail}): the class is asked first, so only instances of
     * Reference classes cost a look-up in the index's sets of them.
     */
    int weakTail(int v, int cls) {
        return referentClass[cls] ? index.weakTail(v) : 0;
    }

}
