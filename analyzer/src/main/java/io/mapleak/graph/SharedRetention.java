package io.mapleak.graph;

import com.carrotsearch.hppc.IntArrayDeque;

/**
 * What a group of objects retains together: the bytes that become unreachable when every member goes, which is
 * more than the sum of the members' own retained sizes when they share what they hold (three maps indexing the
 * same entries each dominate almost nothing of them; together they hold them all).
 *
 * <p>Exact: one traversal from the GC roots over every reference (as the dominator tree counts them, weak ones
 * included) that does not enter a member; whatever is live but not reached is the group's retained set. Equal to
 * the retained size of the group as one node in the dominator tree of the graph with the members merged. Costs
 * one pass over the graph and one bit per object, so callers run it for a handful of groups.
 */
public final class SharedRetention {
    private SharedRetention() {
    }

    /** The bytes {@code group} (object indices) retains together; a group of one gives that object's retained size. */
    public static long retainedTogether(HeapGraph g, DominatorTree tree, int[] group) {
        int n = g.objects();
        long[] seen = new long[(n >> 6) + 1];
        for (int m : group) {
            seen[m >> 6] |= 1L << m;
        }
        IntArrayDeque queue = new IntArrayDeque();
        long reached = 0;
        for (int r : g.rootChildren()) {
            if ((seen[r >> 6] & (1L << r)) == 0) {
                seen[r >> 6] |= 1L << r;
                queue.addLast(r);
            }
        }
        var index = g.index();
        while (!queue.isEmpty()) {
            int v = queue.removeFirst();
            reached += index.shallowSize(v);
            int deg = g.degree(v);
            for (int k = 0; k < deg; k++) {
                int w = g.successor(v, k);
                if (w >= 0 && (seen[w >> 6] & (1L << w)) == 0) {
                    seen[w >> 6] |= 1L << w;
                    queue.addLast(w);
                }
            }
        }
        return Math.max(0, tree.reachableBytes() - reached);
    }
}
