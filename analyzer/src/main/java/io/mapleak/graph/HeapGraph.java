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
