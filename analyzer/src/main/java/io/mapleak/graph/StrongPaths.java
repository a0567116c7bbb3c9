package io.mapleak.graph;

import java.util.Arrays;

/**
 * Shortest strong paths from the GC roots: one breadth-first search from the virtual root that never follows a
 * {@code java.lang.ref.Reference}'s referent, so a path shows the chain of strong references that really keeps
 * an object alive. Roots are tried in the order of {@link HeapGraph#rootChildren()} (class statics first), so
 * among equally short paths the most recognisable wins. 4 bytes per object, plus 4 transient.
 */
public final class StrongPaths {
    /** Parent value of the GC-rooted objects (their parent is the virtual root). */
    public static final int ROOT = -2;
    /** Parent value of objects no strong path reaches (only weakly reachable, or unreachable). */
    public static final int NONE = -1;

    private final int[] parent;

    private StrongPaths(int[] parent) {
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
        int[] parent = new int[n];
        Arrays.fill(parent, NONE);
        int[] queue = new int[n];
        int head = 0;
        int tail = 0;
        for (int c : g.rootChildren()) {
            if (parent[c] == NONE) {
                parent[c] = ROOT;
                queue[tail++] = c;
                if (wanted != null && wanted.get(c)) {
                    remaining--;
                }
            }
        }
        while (head < tail && (wanted == null || remaining > 0)) {
            int v = queue[head++];
            int deg = g.degree(v);
            for (int k = 0; k < deg; k++) {
                if (g.isReferentEdge(v, k)) {
                    continue;
                }
                int w = g.successor(v, k);
                if (w >= 0 && parent[w] == NONE) {
                    parent[w] = v;
                    queue[tail++] = w;
                    if (wanted != null && wanted.get(w)) {
                        remaining--;
                    }
                }
            }
        }
        return new StrongPaths(parent);
    }

    /** The object before {@code object} on its shortest strong path, {@link #ROOT}, or {@link #NONE}. */
    public int parent(int object) {
        return parent[object];
    }

    public boolean stronglyReachable(int object) {
        return parent[object] != NONE;
    }

    /** The objects from a GC-rooted one down to {@code object}, or an empty array if none is strong. */
    public int[] pathTo(int object) {
        if (parent[object] == NONE) {
            return new int[0];
        }
        int len = 0;
        for (int v = object; v >= 0; v = parent[v]) {
            len++;
        }
        int[] path = new int[len];
        int i = len - 1;
        for (int v = object; v >= 0; v = parent[v]) {
            path[i--] = v;
        }
        return path;
    }
}
