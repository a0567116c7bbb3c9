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
 * <p>Cost: the keys and values of the large maps (up to {@link #MAX_OBJECTS} in all) in one hash map, and one
 * traversal of the graph per group found (at most {@link #MAX_GROUPS}).
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
    /** Two maps are one group when this share of the smaller one's examined entries lies in the other too. */
    static final double OVERLAP = 0.5;

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
        for (int i = 0; i < big.size() && holder.size() < MAX_OBJECTS; i++) {
            final int me = i;
            IntIntHashMap mine = new IntIntHashMap();
            big.get(i).entries((node, key, value, hash, known, bin) -> {
                int keyHolder = record(ctx, holder, key, me);
                int valueHolder = record(ctx, holder, value, me);
                // An entry counts once per other map that holds its key or its value.
                if (keyHolder >= 0) {
                    mine.addTo(keyHolder, 1);
                }
                if (valueHolder >= 0 && valueHolder != keyHolder) {
                    mine.addTo(valueHolder, 1);
                }
                return ++examined[me] < SAMPLE;
            });
            for (var c : mine) {
                overlap.computeIfAbsent(((long) c.key << 32) | me, k -> new int[1])[0] += c.value;
            }
        }
        int[] parent = new int[big.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        boolean any = false;
        for (var e : overlap.entrySet()) {
            int a = (int) (e.getKey() >>> 32);
            int b = (int) (long) e.getKey();
            if (e.getValue()[0] >= OVERLAP * Math.min(examined[a], examined[b])) {
                parent[find(parent, a)] = find(parent, b);
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
        for (List<Integer> g : groups.subList(0, Math.min(MAX_GROUPS, groups.size()))) {
            int[] maps = g.stream().mapToInt(i -> big.get(i).object()).toArray();
            long together = SharedRetention.retainedTogether(ctx.graph, ctx.tree, maps);
            long largest = 0;
            for (int m : maps) {
                largest = Math.max(largest, ctx.retained(m));
            }
            // Only worth a group when sharing hides memory: together they hold clearly more than the largest alone.
            if (together > largest + largest / 4) {
                out.add(new SharedGroup(maps, together));
            }
        }
        return out;
    }

    /**
     * Notes that map {@code me} holds object {@code id}; returns the other map that held it first, or -1. Strings,
     * boxed numbers, enum constants and classes are left out: many maps share them as keys (interned names, small
     * cached numbers, a set's placeholder value) without indexing the same entries.
     */
    private static int record(DetectContext ctx, IntIntHashMap holder, long id, int me) {
        int o = id == 0 ? -1 : ctx.index.indexOf(id);
        if (o < 0 || valueLike(ctx, o)) {
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
