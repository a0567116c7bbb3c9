package io.mapleak.graph;

import com.carrotsearch.hppc.IntArrayDeque;
import com.carrotsearch.hppc.IntArrayList;
import com.carrotsearch.hppc.IntIntHashMap;

/**
 * What a group of objects retains together: the bytes that become unreachable when every member goes, which is
 * more than the sum of the members' own retained sizes when they share what they hold (three maps indexing the
 * same entries each dominate almost nothing of them; together they hold them all).
 *
 * <p>Exact: a traversal over every reference (as the dominator tree counts them, weak ones included) that does not
 * enter a member; whatever is live but not reached is the group's retained set. Equal to the retained size of the
 * group as one node in the dominator tree of the graph with the members merged.
 *
 * <p>Only objects the members' nearest common dominator {@code L} dominates can go: any other object has a path
 * from the roots that avoids {@code L}, hence every member. And a live object outside {@code L}'s subtree has no
 * reference into it but to {@code L} itself (else a path would avoid {@code L}). So the traversal starts at
 * {@code L} and stays inside its subtree: the group frees {@code L}'s retained size less what it reaches there
 * (all of it when {@code L} is a member). Whether an object lies in the subtree is found by walking up its
 * dominators to a vertex already classified, so each object is classified once. Members with no common dominator
 * but the roots take one traversal from the roots over the whole graph. One bit per object, twice.
 */
public final class SharedRetention {
    private SharedRetention() {
    }

    /** The bytes {@code group} (object indices) retains together; a group of one gives that object's retained size. */
    public static long retainedTogether(HeapGraph g, DominatorTree tree, int[] group) {
        return retainedTogether(g, tree, group, Long.MAX_VALUE);
    }

    /**
     * {@link #retainedTogether(HeapGraph, DominatorTree, int[])}, or -1 when that would take a traversal of more than
     * about {@code maxObjects} objects: the members' common dominator retains more bytes than that many objects of
     * the live heap's average size, or only the roots dominate them all and the live heap has more objects.
     */
    public static long retainedTogether(HeapGraph g, DominatorTree tree, int[] group, long maxObjects) {
        int lca = commonDominator(tree, group);
        double averageBytes = (double) tree.reachableBytes() / Math.max(1, tree.reachableObjects());
        long subtree = lca < 0 ? tree.reachableObjects() : (long) (tree.retainedSize(lca) / Math.max(1, averageBytes));
        if (subtree > maxObjects) {
            return -1;
        }
        if (lca < 0) {
            return fromRoots(g, tree, group);
        }
        for (int m : group) {
            if (m == lca) {
                return tree.retainedSize(lca);
            }
        }
        return Math.max(0, tree.retainedSize(lca) - reach(g, group, new int[] {lca}, new Subtree(tree, lca,
                g.objects())));
    }

    /**
     * The nearest object that dominates every member (a member itself when it dominates the others), or -1 when only
     * the roots do (or a member is unreachable).
     */
    public static int commonDominator(DominatorTree tree, int[] group) {
        if (group.length == 0) {
            return -1;
        }
        IntIntHashMap depthOf = new IntIntHashMap();
        int[] chain = ancestors(tree, group[0]);
        if (chain == null) {
            return -1;
        }
        for (int i = 0; i < chain.length; i++) {
            depthOf.put(chain[i], i);
        }
        int highest = 0; // position in chain of the common dominator found so far
        for (int m : group) {
            int v = m;
            while (v >= 0 && !depthOf.containsKey(v)) {
                v = tree.dominator(v);
            }
            if (v < 0) {
                return -1; // only the roots are common (or m is unreachable)
            }
            highest = Math.max(highest, depthOf.get(v));
        }
        return chain[highest];
    }

    /** {@code object} and its dominators up to the top, or null when it is unreachable. */
    private static int[] ancestors(DominatorTree tree, int object) {
        IntArrayList out = new IntArrayList();
        for (int v = object; v >= 0; v = tree.dominator(v)) {
            out.add(v);
        }
        return tree.reachable(object) ? out.toArray() : null;
    }

    /** Membership in the dominator subtree of one object, each object classified once (two bits per object). */
    private static final class Subtree {
        private final DominatorTree tree;
        private final long[] known;
        private final long[] in;
        private final IntArrayList path = new IntArrayList();

        Subtree(DominatorTree tree, int top, int n) {
            this.tree = tree;
            this.known = new long[(n >> 6) + 1];
            this.in = new long[(n >> 6) + 1];
            known[top >> 6] |= 1L << top;
            in[top >> 6] |= 1L << top;
        }

        boolean contains(int object) {
            path.clear();
            int v = object;
            boolean result;
            while (true) {
                if (v < 0) {
                    result = false; // reached the roots without meeting the subtree's top
                    break;
                }
                if ((known[v >> 6] & (1L << v)) != 0) {
                    result = (in[v >> 6] & (1L << v)) != 0;
                    break;
                }
                path.add(v);
                v = tree.dominator(v);
            }
            for (int i = 0; i < path.size(); i++) {
                int p = path.get(i);
                known[p >> 6] |= 1L << p;
                if (result) {
                    in[p >> 6] |= 1L << p;
                }
            }
            return result;
        }
    }

    /** {@link #retainedTogether} by one traversal from the roots over the whole graph (also the tests' oracle). */
    static long fromRoots(HeapGraph g, DominatorTree tree, int[] group) {
        return Math.max(0, tree.reachableBytes() - reach(g, group, g.rootChildren(), null));
    }

    /**
     * The shallow bytes of the objects reached from {@code starts} over references that enter no member of
     * {@code group} (and, with {@code inside}, no object out of that subtree).
     */
    private static long reach(HeapGraph g, int[] group, int[] starts, Subtree inside) {
        long[] seen = new long[(g.objects() >> 6) + 1];
        for (int m : group) {
            seen[m >> 6] |= 1L << m;
        }
        IntArrayDeque queue = new IntArrayDeque();
        for (int r : starts) {
            if ((seen[r >> 6] & (1L << r)) == 0) {
                seen[r >> 6] |= 1L << r;
                queue.addLast(r);
            }
        }
        var index = g.index();
        long reached = 0;
        while (!queue.isEmpty()) {
            int v = queue.removeFirst();
            reached += index.shallowSize(v);
            int deg = g.degree(v);
            for (int k = 0; k < deg; k++) {
                int w = g.successor(v, k);
                if (w >= 0 && (seen[w >> 6] & (1L << w)) == 0) {
                    seen[w >> 6] |= 1L << w;
                    if (inside == null || inside.contains(w)) {
                        queue.addLast(w);
                    }
                }
            }
        }
        return reached;
    }
}
