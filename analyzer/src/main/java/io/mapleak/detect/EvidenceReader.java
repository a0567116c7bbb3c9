package io.mapleak.detect;

import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Evidence pieces several detectors read the same way: key and value classes of a sample, dominance, words. */
final class EvidenceReader {
    private EvidenceReader() {
    }

    /** Key and value classes over the first {@code limit} entries, the most frequent first (three of each). */
    record ClassMix(List<ClassCount> keyClasses, List<ClassCount> valueClasses, int examined) {
    }

    static ClassMix classMix(DetectContext ctx, MapView m, int limit) {
        Map<String, Integer> keys = new HashMap<>();
        Map<String, Integer> values = new HashMap<>();
        int[] n = {0};
        m.entries((node, key, value, hash, known, bin) -> {
            keys.merge(ctx.className(key), 1, Integer::sum);
            if (!m.set()) {
                values.merge(ctx.className(value), 1, Integer::sum);
            }
            return ++n[0] < limit;
        });
        return new ClassMix(top(keys), m.set() ? List.of() : top(values), n[0]);
    }

    static List<ClassCount> top(Map<String, Integer> counts) {
        List<Map.Entry<String, Integer>> l = new ArrayList<>(counts.entrySet());
        l.sort((a, b) -> b.getValue() != a.getValue().intValue() ? b.getValue() - a.getValue()
                : a.getKey().compareTo(b.getKey()));
        List<ClassCount> out = new ArrayList<>();
        for (int i = 0; i < Math.min(3, l.size()); i++) {
            out.add(new ClassCount(l.get(i).getKey(), l.get(i).getValue()));
        }
        return out;
    }

    /**
     * Dominator steps walked at most: far more than a key or value sits below its map (chain and tree depths), and
     * a bound on the time spent on an object that lies below another long structure instead.
     */
    private static final int MAX_DEPTH = 10_000;

    /**
     * Whether {@code map} dominates {@code object}. Walks up the dominator tree: a key or value is as many steps
     * below its map as its node is deep in a bin's chain or a tree, so no small fixed depth will do. Stops at the
     * first dominator retaining at least as much as the map: retained sizes grow strictly on the way up, so the
     * map cannot lie above it.
     */
    static boolean dominatedBy(DetectContext ctx, int object, int map) {
        long mapRetained = ctx.retained(map);
        int d = object;
        for (int i = 0; i < MAX_DEPTH && d >= 0; i++) {
            d = ctx.tree.dominator(d);
            if (d == map) {
                return true;
            }
            if (d < 0 || ctx.retained(d) >= mapRetained) {
                return false;
            }
        }
        return false;
    }

    static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", 100 * share);
    }

    static String bytes(long b) {
        return io.mapleak.heap.ByteCounts.format(b);
    }

    /** "1 entry", "2 entries": a count with its noun in the right number. */
    static String count(long n, String one, String many) {
        return String.format(java.util.Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }

    /** The simple name of a class ({@code java.util.HashMap} → {@code HashMap}, nested classes keep their outer). */
    static String simple(String className) {
        int dot = className.lastIndexOf('.');
        return dot >= 0 ? className.substring(dot + 1) : className;
    }
}
