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
        int n = g.objects();
        int[] parent = new int[n];
        Arrays.fill(parent, NONE);
        int[] queue = new int[n];
        int head = 0;
        int tail = 0;
        for (int c : g.rootChildren()) {
            if (parent[c] == NONE) {
                parent[c] = ROOT;
                queue[tail++] = c;
            }
        }
        while (head < tail) {
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
