package io.mapleak.graph;

import java.util.BitSet;

/** Which objects any chain of references from a GC root reaches (weak ones included): one breadth-first pass. */
public final class Reachability {
    private Reachability() {
    }

    public static BitSet compute(HeapGraph g) {
        int n = g.objects();
        BitSet seen = new BitSet(n);
        int[] queue = new int[n];
        int head = 0;
        int tail = 0;
        for (int c : g.rootChildren()) {
            if (!seen.get(c)) {
                seen.set(c);
                queue[tail++] = c;
            }
        }
        while (head < tail) {
            int v = queue[head++];
            int deg = g.degree(v);
            for (int k = 0; k < deg; k++) {
                int w = g.successor(v, k);
                if (w >= 0 && !seen.get(w)) {
                    seen.set(w);
                    queue[tail++] = w;
                }
            }
        }
        return seen;
    }
}
