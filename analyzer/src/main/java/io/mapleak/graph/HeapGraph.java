package io.mapleak.graph;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.GcRootKindOrder;
import io.mapleak.heap.HeapIndex;

/**
 * The heap as a graph for the algorithms here: node {@code i} is object {@code i}; node {@link #root()} is a
 * virtual root whose successors are the GC-rooted objects. An object's successors are its stored references
 * followed by its class's mirror (every object keeps its class alive). Cheap: a view over the index's columns plus
 * one int per class and the sorted list of rooted objects.
 */
public final class HeapGraph {
    private final HeapIndex index;
    private final int[] classObject;
    private final int[] rootChildren;
    /** Per class: whether its instances have a referent ({@link HeapIndex#holdsReferent}). */
    private final boolean[] referentClass;
    /** Bit per object: whether it is a {@linkplain #isLeaf leaf}. */
    private final long[] leaves;
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
        this.leaves = leaves(index, mirrors, rootChildren);
    }

    /** Objects a bit of the leaf set's words covers, in one task of its parallel computation. */
    private static final int LEAF_TASK = 1 << 16;

    /**
     * The leaf set (see {@link #isLeaf}): one pass over every object's class and reference range, in parallel
     * (each task writes whole words of its own). n / 8 bytes on the heap.
     */
    private static long[] leaves(HeapIndex index, int[] mirrors, int[] rootChildren) {
        int n = index.objectCount();
        java.util.BitSet rooted = new java.util.BitSet(n);
        for (int c : rootChildren) {
            rooted.set(c);
        }
        // Per class: whether its instances can be leaves. Instances of Thread and Class (mirrors above all) never
        // are: the strong paths treat them apart. Nor are those of a class whose mirror is not itself a GC root: the
        // instance's class edge may be what reaches the mirror.
        boolean[] thread = index.classesExtending("java.lang.Thread");
        boolean[] classClass = index.classesExtending("java.lang.Class");
        boolean[] candidate = new boolean[mirrors.length];
        for (int c = 0; c < mirrors.length; c++) {
            candidate[c] = !thread[c] && !classClass[c] && (mirrors[c] < 0 || rooted.get(mirrors[c]));
        }
        long[] words = new long[(n + 63) >>> 6];
        int tasks = (n + LEAF_TASK - 1) / LEAF_TASK;
        java.util.stream.IntStream.range(0, tasks).parallel().forEach(t -> {
            int from = t * LEAF_TASK;
            int to = Math.min(n, from + LEAF_TASK);
            long next = index.refStart(from);
            for (int o = from; o < to; o++) {
                long start = next;
                next = index.refStart(o + 1);
                if (start == next && candidate[index.classIndexOf(o)]) {
                    words[o >>> 6] |= 1L << o;
                }
            }
        });
        return words;
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

    /** Whether the k-th successor of {@code v} is a Reference's referent (skipped by strong paths). */
    public boolean isReferentEdge(int v, int k) {
        if (v == n || !index.lastReferenceIsReferent(v)) {
            return false;
        }
        return k == index.outboundCount(v) - 1;
    }

    /** Whether {@code k} is the implicit instance-to-class edge of {@code v}. */
    public boolean isClassEdge(int v, int k) {
        return v != n && k == index.outboundCount(v);
    }

    /**
     * Whether {@code v} is a leaf: an object with no stored reference whose class mirror is a GC root (or that has
     * none), and no thread or {@code java.lang.Class} instance. Its only successor, the mirror, is reached from
     * the root whatever else points at it, so a search need not go into a leaf (a byte array, a boxed number):
     * about two objects in five of a typical heap.
     */
    boolean isLeaf(int v) {
        return (leaves[v >>> 6] & (1L << v)) != 0;
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
     * Whether {@code v}, of class {@code cls}, stores a Reference's referent as its last reference: the class is
     * asked first, so only instances of Reference classes cost a look-up in the index's set of them.
     */
    boolean lastIsReferent(int v, int cls) {
        return referentClass[cls] && index.lastReferenceIsReferent(v);
    }

}
