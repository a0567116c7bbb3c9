package io.mapleak.detect;

import com.carrotsearch.hppc.IntIntHashMap;
import io.mapleak.graph.SharedRetention;
import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps that index the same entries: several large maps whose keys or values are largely the same objects (an ORM's
 * persistence context keeps one entity in three maps; a library indexes one record by id and by name). Each map's
 * own retained size is then small, since none of them alone keeps the shared entries alive, while together they
 * hold them all. Finds such groups and what each retains together ({@link SharedRetention}, exact).
 *
 * <p>Two ways find candidates. Maps whose examined entries (the first {@link #SAMPLE} of each walk) hold the same
 * objects. Larger maps walk their own bins' orders, so the first entries of one are a random part of what the other
 * holds (three indexes of 40,000 records shared 10% of their samples): what two samples share is scaled up by how
 * small a part of the larger map its sample is. And the anchor: shared entries are dominated by neither map but by
 * an object above both (the index object holding the three maps, the persistence context), so maps whose examined
 * entries mostly have the same immediate dominator outside the map are candidates (this also finds maps that share
 * what their entries reach rather than the entries). Each group is then
 * checked exactly: what its maps retain together must exceed what they retain alone by a quarter of the largest
 * (two maps whose entries some third structure also holds free nothing more together, and are no group).
 *
 * <p>Cost: the keys and values of the large maps' samples in one hash map, one dominator look-up per examined key
 * and value, and one traversal of the graph per group found (at most {@link #MAX_GROUPS}).
 */
final class SharedGroups {
    /** Maps with fewer entries are not examined: sharing among small maps does not hold much. */
    static final int MIN_ENTRIES = 1000;
    /** Entries of each map whose objects are compared: enough to measure an overlap of half. */
    static final int SAMPLE = 4096;
    /** Key and value objects recorded over all examined maps, at most. */
    static final int MAX_OBJECTS = 4_000_000;
    /** Shared-retention traversals, at most (each walks the whole graph). */
    static final int MAX_GROUPS = 4;
    /**
     * Two maps are one group when this share of the smaller one's examined entries lies in the other too, as
     * estimated from what the two samples share.
     */
    static final double OVERLAP = 0.5;
    /**
     * Entries two samples must share at the least before the share is scaled up by how small a part of the larger map
     * its sample is (one chance match in a sample of 4,096 of 10 million entries must not count as half).
     */
    static final int MIN_SHARED = 16;
    /**
     * A group joined by an anchor is checked only when its members' common dominator holds at most about this many
     * objects, or this share of the live ones ({@code 1 / ANCHOR_SHARE}): the check walks them (the 1 GB benchmark
     * dump's order book, under an object holding a third of the heap, took 1.3-1.9 s). Larger groups of this kind
     * are left unjoined.
     */
    static final long MIN_ANCHOR_OBJECTS = 1_000_000;
    static final int ANCHOR_SHARE = 20;
    /** Dominator-tree steps up from an anchor looking for its map (deeper, it is taken to lie outside). */
    private static final int MAX_ANCHOR_STEPS = 10_000;

    private SharedGroups() {
    }

    static List<SharedGroup> find(DetectContext ctx, List<MapView> views) {
        List<MapView> big = new ArrayList<>();
        for (MapView m : views) {
            if (m.size() >= MIN_ENTRIES) {
                big.add(m);
            }
        }
        if (big.size() < 2) {
            return List.of();
        }
        big.sort(Comparator.comparingLong(MapView::size).reversed());
        // Which examined map first holds each key or value object; overlaps counted per pair of maps.
        IntIntHashMap holder = new IntIntHashMap();
        Map<Long, int[]> overlap = new HashMap<>();
        int[] examined = new int[big.size()];
        int[] anchor = new int[big.size()];
        for (int i = 0; i < big.size() && holder.size() < MAX_OBJECTS; i++) {
            final int me = i;
            IntIntHashMap mine = new IntIntHashMap();
            IntIntHashMap dominators = new IntIntHashMap();
            big.get(i).entries((node, key, value, hash, known, bin) -> {
                int k = counted(ctx, key);
                int v = counted(ctx, value);
                int keyHolder = record(holder, k, me);
                int valueHolder = record(holder, v, me);
                // An entry counts once per other map that holds its key or its value.
                if (keyHolder >= 0) {
                    mine.addTo(keyHolder, 1);
                }
                if (valueHolder >= 0 && valueHolder != keyHolder) {
                    mine.addTo(valueHolder, 1);
                }
                // ... and once per immediate dominator of its key or its value.
                int keyDominator = dominatorOf(ctx, k);
                int valueDominator = dominatorOf(ctx, v);
                if (keyDominator >= 0) {
                    dominators.addTo(keyDominator, 1);
                }
                if (valueDominator >= 0 && valueDominator != keyDominator) {
                    dominators.addTo(valueDominator, 1);
                }
                return ++examined[me] < SAMPLE;
            });
            for (var c : mine) {
                overlap.computeIfAbsent(((long) c.key << 32) | me, k -> new int[1])[0] += c.value;
            }
            anchor[i] = anchor(ctx, big.get(i).object(), dominators, examined[i]);
        }
        int[] parent = new int[big.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        boolean any = false;
        for (var e : overlap.entrySet()) {
            int a = (int) (e.getKey() >>> 32); // the earlier (larger) map, whose sample held the objects first
            int b = (int) (long) e.getKey();
            int shared = e.getValue()[0];
            // b's sampled entries found in a's sample, scaled by the part of a its sample is: an object of a met in
            // b's sample is in a's sample only that often.
            double part = (double) examined[a] / Math.max(examined[a], big.get(a).size());
            if (shared >= MIN_SHARED && shared / part >= OVERLAP * Math.min(examined[a], examined[b])) {
                parent[find(parent, a)] = find(parent, b);
                any = true;
            }
        }
        IntIntHashMap byAnchor = new IntIntHashMap();
        boolean[] anchored = new boolean[big.size()]; // by member: joined by an anchor, not by what the samples share
        for (int i = 0; i < anchor.length; i++) {
            if (anchor[i] < 0) {
                continue;
            }
            int first = byAnchor.getOrDefault(anchor[i], -1);
            if (first < 0) {
                byAnchor.put(anchor[i], i);
            } else if (find(parent, i) != find(parent, first)) {
                parent[find(parent, i)] = find(parent, first);
                anchored[i] = true;
                any = true;
            }
        }
        if (!any) {
            return List.of();
        }
        Map<Integer, List<Integer>> members = new HashMap<>();
        for (int i = 0; i < big.size(); i++) {
            members.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> groups = new ArrayList<>();
        for (List<Integer> g : members.values()) {
            if (g.size() > 1) {
                groups.add(g);
            }
        }
        groups.sort(Comparator.comparingLong((List<Integer> g) -> g.stream()
                .mapToLong(i -> big.get(i).size()).sum()).reversed());
        List<SharedGroup> out = new ArrayList<>();
        int traversals = 0;
        for (List<Integer> g : groups) {
            if (traversals == MAX_GROUPS) {
                break;
            }
            int[] maps = g.stream().mapToInt(i -> big.get(i).object()).toArray();
            // A group only an anchor found is checked when that is cheap: the anchor may hold much of the heap (an
            // application object holding every index and cache), and the check walks what it dominates.
            boolean joinedByAnchor = g.stream().anyMatch(i -> anchored[i]);
            long together = SharedRetention.retainedTogether(ctx.graph, ctx.tree, maps, joinedByAnchor
                    ? Math.max(MIN_ANCHOR_OBJECTS, ctx.tree.reachableObjects() / ANCHOR_SHARE) : Long.MAX_VALUE);
            if (together < 0) {
                continue; // not counted: no traversal was made
            }
            traversals++;
            long largest = 0;
            long alone = 0;
            for (int m : maps) {
                largest = Math.max(largest, ctx.retained(m));
                alone += ctx.retained(m);
            }
            // Only worth a group when sharing hides memory: together they hold clearly more than each alone.
            if (together > alone + largest / 4) {
                out.add(new SharedGroup(maps, together));
            }
        }
        return out;
    }

    /**
     * The object index of a key or value that counts for sharing, or -1: null, not in the dump, or value-like (a
     * string, boxed number, enum constant or class; see {@link #record}).
     */
    private static int counted(DetectContext ctx, long id) {
        int o = id == 0 ? -1 : ctx.index.indexOf(id);
        return o < 0 || valueLike(ctx, o) ? -1 : o;
    }

    /** The immediate dominator of a counted key or value {@code o}, or -1 (none, the root, or {@code o} is -1). */
    private static int dominatorOf(DetectContext ctx, int o) {
        int d = o < 0 ? -1 : ctx.tree.dominator(o);
        return d >= 0 ? d : -1;
    }

    /**
     * The object that dominates most of map {@code map}'s {@code examined} entries (their key or value) from outside
     * the map, or -1: when no object dominates {@link #OVERLAP} of them, or when that object is the map or lies
     * inside it (an IdentityHashMap's table dominates the values it alone holds).
     */
    private static int anchor(DetectContext ctx, int map, IntIntHashMap dominators, int examined) {
        int best = -1;
        int count = 0;
        for (var c : dominators) {
            if (c.value > count) {
                best = c.key;
                count = c.value;
            }
        }
        if (best < 0 || count < OVERLAP * examined) {
            return -1;
        }
        for (int d = best, steps = 0; d >= 0 && steps < MAX_ANCHOR_STEPS; d = ctx.tree.dominator(d), steps++) {
            if (d == map) {
                return -1;
            }
        }
        return best;
    }

    /**
     * Notes that map {@code me} holds object {@code o} (-1: nothing to note, see {@link #counted}); returns the other
     * map that held it first, or -1. Strings, boxed numbers, enum constants and classes are not counted: many maps
     * share them as keys (interned names, small cached numbers, a set's placeholder value) without indexing the same
     * entries.
     */
    private static int record(IntIntHashMap holder, int o, int me) {
        if (o < 0) {
            return -1;
        }
        int other = holder.getOrDefault(o, -1);
        if (other < 0) {
            holder.put(o, me);
            return -1;
        }
        return other != me ? other : -1;
    }

    private static final java.util.Set<String> VALUE_CLASSES = java.util.Set.of("java.lang.String",
            "java.lang.Integer", "java.lang.Long", "java.lang.Short", "java.lang.Byte", "java.lang.Character",
            "java.lang.Boolean", "java.lang.Double", "java.lang.Float", "java.lang.Object");

    private static boolean valueLike(DetectContext ctx, int o) {
        if (ctx.index.isMirror(o)) {
            return true;
        }
        var c = ctx.index.classOf(o);
        return VALUE_CLASSES.contains(c.name())
                || c.superIndex() >= 0 && ctx.index.classInfo(c.superIndex()).name().equals("java.lang.Enum");
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

}
