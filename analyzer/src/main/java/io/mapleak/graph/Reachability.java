package io.mapleak.graph;

import io.mapleak.heap.columns.IntColumn;
import java.util.BitSet;

/**
 * Which objects any chain of references from a GC root reaches (weak ones included): one breadth-first pass, its
 * queue a column of the index's store.
 */
public final class Reachability {
    private Reachability() {
    }

    public static BitSet compute(HeapGraph g) {
        int n = g.objects();
        BitSet seen = new BitSet(n);
        IntColumn queue = g.index().columns().scratchInts("reachability-queue", n);
        int head = 0;
        int tail = 0;
        for (int c : g.rootChildren()) {
            if (!seen.get(c)) {
                seen.set(c);
                queue.set(tail++, c);
            }
        }
        while (head < tail) {
            int v = queue.get(head++);
            long begin = g.refBegin(v);
            long end = g.refBegin(v + 1);
            for (long e = begin; e <= end; e++) {
                int w = e < end ? g.target(e) : g.classObjectOf(v);
                if (w >= 0 && !seen.get(w)) {
                    seen.set(w);
                    queue.set(tail++, w);
                }
            }
        }
        queue.close();
        return seen;
    }
}
