package io.mapleak.detect;

import com.carrotsearch.hppc.IntHashSet;
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
 * what their entries reach rather than the entries). A key or value its entry alone holds (a wrapper) stands for
 * the objects it refers to ({@link #entryObjects}). Each group is then checked exactly: what its maps retain
 * together must exceed what they retain alone by a quarter of the largest. Two maps whose entries some third
 * structure also holds free nothing more together; they are a group of the second kind when one object above them
 * all holds mostly them and their entries ({@link #holder}), which retains the group.
 *
 * <p>Cost: the keys and values of the large maps' samples in one hash map, one dominator look-up per examined key
 * and value, and one traversal of the graph per group found (at most {@link #MAX_GROUPS}); for a holder, its members'
 * samples walked again, up the dominator tree from each object.
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
            int[] objects = new int[ENTRY_OBJECTS];
            int[] seen = new int[ENTRY_OBJECTS];
            IntHashSet met = new IntHashSet();
            big.get(i).entries((node, key, value, hash, known, bin) -> {
                int n = entryObjects(ctx, node, key, value, false, met, objects);
                // An entry counts once per other map that holds one of its objects...
                int distinct = 0;
                for (int j = 0; j < n; j++) {
                    int other = record(holder, objects[j], me);
                    if (other >= 0 && !contains(seen, distinct, other)) {
                        seen[distinct++] = other;
                        mine.addTo(other, 1);
                    }
                }
                // ... and once per immediate dominator of one of them.
                distinct = 0;
                for (int j = 0; j < n; j++) {
                    int d = dominatorOf(ctx, objects[j]);
                    if (d >= 0 && !contains(seen, distinct, d)) {
                        seen[distinct++] = d;
                        dominators.addTo(d, 1);
                    }
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
            if (together >= 0) {
                traversals++; // a skipped check (-1) made no traversal and does not count
            }
            long largest = 0;
            long alone = 0;
            for (int m : maps) {
                largest = Math.max(largest, ctx.retained(m));
                alone += ctx.retained(m);
            }
            // Only worth a group when sharing hides memory: together they hold clearly more than each alone.
            if (together > alone + largest / 4) {
                out.add(new SharedGroup(maps, together, -1));
                continue;
            }
            int over = holder(ctx, g.stream().map(big::get).toList(), g.stream().mapToInt(i -> anchor[i]).toArray(),
                    alone);
            if (over >= 0) {
                out.add(new SharedGroup(maps, ctx.retained(over), over));
            }
        }
        return out;
    }

    /**
     * The object that holds what the maps {@code group} index, when freeing the maps would not free it: their entries
     * are also held by some other structure (the persistence context's list of entries beside its two maps of the same
     * entities), so together the maps free no more than alone, and what keeps the entries is the object above all of
     * them. It is the nearest object that is or dominates every member's anchor ({@code anchors}), when it dominates
     * every member; and it must hold mostly what they index: the members ({@code alone}), and the entries' objects it
     * dominates from outside the maps (those of the member whose sample holds most, scaled to all its entries), at
     * least {@link #HOLDER_EXPLAINED} of what it retains (an application object that holds the maps among much else is
     * not what holds their entries). -1 when there is no such object.
     */
    private static int holder(DetectContext ctx, List<MapView> group, int[] anchors, long alone) {
        for (int anchor : anchors) {
            if (anchor < 0) {
                return -1;
            }
        }
        // the nearest object at or above every anchor (one may lie inside another's: the entry list's)
        int a = SharedRetention.commonDominator(ctx.tree, anchors);
        for (MapView m : group) {
            if (a < 0 || !dominates(ctx, a, m.object())) {
                return -1;
            }
        }
        long entries = 0;
        for (MapView m : group) {
            entries = Math.max(entries, entriesHeldBy(ctx, m, a));
        }
        long retained = ctx.retained(a);
        return retained > 0 && alone + entries >= HOLDER_EXPLAINED * retained ? a : -1;
    }

    /** Share of a holder's retained size that its maps and their entries must make up. */
    static final double HOLDER_EXPLAINED = 0.5;
    /**
     * Dominator-tree steps up from a member's sampled objects to the holder, at most (objects deep in a chain); the
     * sample ends there, and the entries counted so far stand for the map.
     */
    private static final long MAX_HOLDER_STEPS = 1_000_000;

    /**
     * What the objects of map {@code m}'s first {@link #SAMPLE} entries retain below {@code holder} and outside the
     * map (a value its own key dominates counted within the key; an object several entries share, once), scaled from
     * the sample to all the map's entries.
     */
    private static long entriesHeldBy(DetectContext ctx, MapView m, int holder) {
        int map = m.object();
        long[] sum = new long[3]; // bytes, entries examined, dominator steps left
        sum[2] = MAX_HOLDER_STEPS;
        int[] objects = new int[ENTRY_OBJECTS];
        IntHashSet met = new IntHashSet();
        m.entries((node, key, value, hash, known, bin) -> {
            int n = entryObjects(ctx, node, key, value, true, met, objects);
            for (int j = 0; j < n; j++) {
                // an object another of this entry's dominates is within that one's retained size
                if (below(ctx, objects[j], holder, map, j == 0 ? -1 : objects[0], sum)) {
                    sum[0] += ctx.retained(objects[j]);
                }
            }
            return ++sum[1] < SAMPLE && sum[2] > 0;
        });
        return sum[1] == 0 ? 0 : (long) ((double) sum[0] * Math.max(sum[1], m.size()) / sum[1]);
    }

    /**
     * Whether {@code holder} dominates {@code o} with neither {@code map} nor {@code besides} between them (nor
     * {@code o} one of them), walking up at most the dominator steps left in {@code budget[2]}.
     */
    private static boolean below(DetectContext ctx, int o, int holder, int map, int besides, long[] budget) {
        for (int d = o; d >= 0 && budget[2]-- > 0; d = ctx.tree.dominator(d)) {
            if (d == holder) {
                return d != o;
            }
            if (d == map || d == besides) {
                return false;
            }
        }
        return false;
    }

    /** Whether {@code a} dominates {@code o} (within {@link #MAX_ANCHOR_STEPS} steps up the dominator tree). */
    private static boolean dominates(DetectContext ctx, int a, int o) {
        for (int d = ctx.tree.dominator(o), steps = 0; d >= 0 && steps < MAX_ANCHOR_STEPS;
                d = ctx.tree.dominator(d), steps++) {
            if (d == a) {
                return true;
            }
        }
        return false;
    }

    /** Objects of one entry looked at, at most: its key and value, or up to this many objects a wrapper refers to. */
    static final int ENTRY_OBJECTS = 16;

    /**
     * The objects that stand for one entry (node {@code node}, key and value ids): its key and value, except that one
     * held by this entry alone (its immediate dominator is the entry's node: a wrapper such as Hibernate's
     * {@code EntityHolderImpl} around an entity) stands for the objects it refers to that it does not hold alone
     * itself (the entity, which the persistence context's other structures hold too). An object the walk met already
     * ({@code met}: in an earlier entry, or as this one's key) is left out: what many entries refer to (one value
     * object every entry maps to, a manager every wrapper refers to) is no entry's own, and counted once per entry it
     * would pass for an anchor or for entries two maps share. With {@code all}, strings, boxed numbers and the like
     * count too (see {@link #record}). Written to {@code out}; returns how many.
     */
    private static int entryObjects(DetectContext ctx, int node, long key, long value, boolean all, IntHashSet met,
            int[] out) {
        int n = 0;
        for (long id : new long[] {key, value}) {
            int o = id == 0 ? -1 : ctx.index.indexOf(id);
            if (o < 0 || !all && valueLike(ctx, o)) {
                continue;
            }
            if (node < 0 || ctx.tree.dominator(o) != node) {
                if (n < out.length && met.add(o)) {
                    out[n++] = o;
                }
                continue;
            }
            for (int k = 0, degree = ctx.graph.degree(o); k < degree && n < out.length; k++) {
                int r = ctx.graph.successor(o, k);
                if (r >= 0 && r != o && !ctx.graph.isClassEdge(o, k) && ctx.tree.dominator(r) != o
                        && ctx.tree.dominator(r) != node && (all || !valueLike(ctx, r)) && met.add(r)) {
                    out[n++] = r;
                }
            }
        }
        return n;
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    /** The immediate dominator of an entry object {@code o}, or -1 (none, or the root). */
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
        return best == map || dominates(ctx, map, best) ? -1 : best;
    }

    /**
     * Notes that map {@code me} holds object {@code o}; returns the other map that held it first, or -1. Strings,
     * boxed numbers, enum constants and classes are not offered ({@link #entryObjects}): many maps share them as keys
     * (interned names, small cached numbers, a set's placeholder value) without indexing the same entries.
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
