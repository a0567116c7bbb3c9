package io.mapleak.maps;

import com.carrotsearch.hppc.IntHashSet;
import io.mapleak.heap.Instance;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java.util.concurrent.ConcurrentSkipListMap}. Every version keeps all entries on the bottom level, a
 * list from the header node {@code head.node} through {@code next}; the index levels above only speed up search.
 * JDK 7 and 8: {@code head} is a {@code HeadIndex} (an {@code Index} with a level), {@code Node{key, value, next}},
 * no size field (size() counts). JDK 11+: {@code head} is an {@code Index}, {@code Node{key, val, next}}, and the
 * size is kept in {@code adder}, a {@code LongAdder} ({@code base} plus every {@code cells[i].value}), created
 * with the first insert. Not entries: the header (null key), deletion markers (a null key from JDK 11, a value
 * pointing at the node itself before) and deleted nodes whose value is already null.
 */
final class SkipListMapDecoder implements MapDecoder {

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null || !m.has("head")) {
            return null;
        }
        long header = ctx.refId(ctx.instance(ctx.ref(m, "head")), "node");
        WalkStats stats = new WalkStats();
        walk(ctx, header, stats, null);
        long size = stats.entries; // JDK 7 and 8 keep no count: size() counts as this walk does
        Map<String, Object> settings = new LinkedHashMap<>();
        int adder = ctx.ref(m, "adder");
        if (adder >= 0) {
            Instance a = ctx.instance(adder);
            size = ctx.longOr(a, "base", 0);
            int cells = 0;
            for (long cellId : ctx.elements(ctx.ref(a, "cells"))) {
                int cell = ctx.object(cellId);
                if (cell >= 0) {
                    size += ctx.longOr(ctx.instance(cell), "value", 0);
                    cells++;
                }
            }
            settings.put("counterCells", cells);
        }
        int comparator = ctx.ref(m, "comparator");
        if (comparator >= 0) {
            settings.put("comparator", ctx.className(comparator));
        }
        return new MapView(object, object, ctx.className(object), MapKind.SKIP_LIST, false, size, stats.entries,
                size, Float.NaN, -1, -1, true, stats.result(size), settings,
                (self, sink) -> walk(ctx, header, new WalkStats(), sink)).withKeyClasses(stats.keyClasses());
    }

    /** The bottom level after the header, in key order. */
    private static void walk(MapContext ctx, long header, WalkStats stats, EntrySink sink) {
        if (header == 0) {
            return;
        }
        IntHashSet visited = new IntHashSet();
        visited.add(ctx.object(header));
        for (long id = ctx.refId(ctx.instance(ctx.object(header)), "next"); id != 0; ) {
            int node = ctx.object(id);
            if (node < 0) {
                stats.problem("the list links to an object that is not in the dump");
                return;
            }
            if (!visited.add(node)) {
                stats.loops++;
                stats.problem("the bottom-level list loops back on itself after " + stats.entries + " entries");
                return;
            }
            Instance n = ctx.instance(node);
            if (n == null || !n.has("next")) {
                stats.problem("the list links to a " + ctx.className(node) + ", not a skip-list node");
                return;
            }
            long key = ctx.refId(n, "key");
            long value = ctx.refId(n, n.has("val") ? "val" : "value");
            if (key != 0 && value != 0 && value != id) {
                stats.entries++;
                stats.bin(1); // no bins: each entry is a place of its own
                if (sink == null) {
                    stats.key(ctx, key);
                } else if (!sink.entry(node, key, value, 0, false, -1)) {
                    return;
                }
            }
            id = ctx.refId(n, "next");
        }
    }
}
