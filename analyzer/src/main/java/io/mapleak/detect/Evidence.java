package io.mapleak.detect;

import io.mapleak.maps.MapView;
import io.mapleak.report.Hex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Evidence pieces several detectors share: the map's numbers, and key/value class counts from a sample. */
final class Evidence {
    private Evidence() {
    }

    static Map<String, Object> basics(DetectContext ctx, MapView m) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("map", m.implementation() + " " + Hex.id(ctx.index.id(m.object())));
        e.put("entries", m.size());
        if (m.capacity() >= 0) {
            e.put("capacity", m.capacity());
        }
        long retained = ctx.retained(m.object());
        e.put("retainedBytes", retained);
        e.put("heapPercent", Math.round(1000.0 * ctx.share(retained)) / 10.0);
        e.put("owner", ctx.ownerLabel(m.object()));
        return e;
    }

    /** Counts of key and value classes over the first {@code limit} entries, most frequent first. */
    static Map<String, Object> classMix(DetectContext ctx, MapView m, int limit) {
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
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keyClasses", top(keys));
        if (!m.set()) {
            out.put("valueClasses", top(values));
        }
        out.put("sampled", n[0]);
        return out;
    }

    static List<String> top(Map<String, Integer> counts) {
        List<Map.Entry<String, Integer>> l = new ArrayList<>(counts.entrySet());
        l.sort((a, b) -> b.getValue() - a.getValue());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(3, l.size()); i++) {
            out.add(l.get(i).getKey() + " (" + l.get(i).getValue() + ")");
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
}
