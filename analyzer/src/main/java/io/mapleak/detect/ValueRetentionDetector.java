package io.mapleak.detect;

import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code value-retention}: for a large map, where its memory is: under the values or the keys, by class, and
 * the heaviest chain from the map's heaviest value (or key) down the dominator tree to where the bytes are.
 */
final class ValueRetentionDetector implements Detector {
    /** Entries examined per map: the breakdown of a million-entry map is stable long before the end. */
    private static final int MAX_ENTRIES = 50_000;

    @Override
    public String id() {
        return "value-retention";
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        long retained = ctx.retained(m.object());
        if (ctx.share(retained) < ctx.thresholds.get("values.heapShare")) {
            return;
        }
        Map<String, long[]> byValueClass = new HashMap<>();
        long[] totals = new long[2]; // key bytes, value bytes
        int[] heaviestEntry = {-1, -1}; // the key and the value retaining the most
        int[] seen = {0};
        m.entries((node, key, value, hash, known, bin) -> {
            add(ctx, m, key, null, totals, 0, heaviestEntry);
            add(ctx, m, value, byValueClass, totals, 1, heaviestEntry);
            return ++seen[0] < MAX_ENTRIES;
        });
        boolean values = totals[1] >= totals[0];
        long below = Math.max(totals[0], totals[1]);
        if (below < retained / 2) {
            return; // the bytes are in the map's own structure: other detectors speak to that
        }
        List<Map<String, Object>> classes = new ArrayList<>();
        byValueClass.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(5)
                .forEach(en -> {
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("class", en.getKey());
                    c.put("count", en.getValue()[0]);
                    c.put("retainedBytes", en.getValue()[1]);
                    classes.add(c);
                });
        List<Map<String, Object>> chain = heaviestChain(ctx, heaviestEntry[values ? 1 : 0], values ? "value" : "key");
        Map<String, Object> e = Evidence.basics(ctx, m);
        e.put("mostlyBelow", values ? "values" : "keys");
        e.put("keyRetainedBytes", totals[0]);
        e.put("valueRetainedBytes", totals[1]);
        e.put("valueClasses", classes);
        e.put("entriesExamined", seen[0]);
        e.put("heaviestChain", chain);
        String heaviest = classes.isEmpty() ? "its values" : (String) classes.get(0).get("class");
        String end = chain.isEmpty() ? "" : (String) chain.get(chain.size() - 1).get("class");
        String advice = String.format("%s of the %s this map retains sits below its %s, mostly %s; the heaviest "
                + "chain ends in %s. Keep less per entry: store an id or a compact summary instead of the whole "
                + "%s graph, drop fields that can be reloaded, or bound the map so old entries take their graphs "
                + "with them.", Evidence.bytes(below), Evidence.bytes(retained), values ? "values" : "keys",
                heaviest, end, heaviest);
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, below, Finding.Category.LEAK));
    }

    private static void add(DetectContext ctx, MapView m, long id, Map<String, long[]> byClass, long[] totals,
            int slot, int[] heaviest) {
        int o = id == 0 ? -1 : ctx.index.indexOf(id);
        if (o < 0 || !Evidence.dominatedBy(ctx, o, m.object())) {
            return;
        }
        long r = ctx.retained(o);
        totals[slot] += r;
        if (heaviest[slot] < 0 || r > ctx.retained(heaviest[slot])) {
            heaviest[slot] = o;
        }
        if (byClass != null) {
            long[] v = byClass.computeIfAbsent(ctx.index.classOf(o).name(), k -> new long[2]);
            v[0]++;
            v[1] += r;
        }
    }

    /**
     * From the map's heaviest value (or key), {@code start}, repeatedly the dominated successor retaining the most,
     * while it holds at least half of what its parent retains: the path to where that entry's bytes concentrate
     * (map → entry → value → … → e.g. {@code byte[]}). Starting at the entry rather than the map: below a table
     * the heaviest child of a node is the rest of its bin's chain, which says nothing about the values.
     */
    static List<Map<String, Object>> heaviestChain(DetectContext ctx, int start, String what) {
        List<Map<String, Object>> chain = new ArrayList<>();
        if (start < 0) {
            return chain;
        }
        chain.add(step("heaviest " + what, ctx.index.classOf(start).name(), ctx.retained(start)));
        int v = start;
        for (int depth = 0; depth < 16; depth++) {
            int best = -1;
            long bestRetained = -1;
            int deg = ctx.graph.degree(v);
            for (int k = 0; k < deg; k++) {
                int w = ctx.graph.successor(v, k);
                if (w >= 0 && ctx.tree.dominator(w) == v && ctx.retained(w) > bestRetained) {
                    best = w;
                    bestRetained = ctx.retained(w);
                }
            }
            if (best < 0 || bestRetained < ctx.retained(v) / 2) {
                break;
            }
            chain.add(step(ctx.namer.edgeLabel(v, best), ctx.index.classOf(best).name(), bestRetained));
            v = best;
        }
        return chain;
    }

    private static Map<String, Object> step(String label, String className, long retained) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("step", label);
        step.put("class", className);
        step.put("retainedBytes", retained);
        return step;
    }
}
