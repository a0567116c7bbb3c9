package io.mapleak.maps;

import io.mapleak.heap.Instance;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * {@code java.util.Hashtable} and its subclasses, JDK 7 to 25: {@code table} of {@code Hashtable$Entry}
 * chains ({@code hash, key, value, next}), {@code count}, {@code threshold}, {@code loadFactor}, {@code modCount}
 * (JDK 7 adds {@code hashSeed}, which only changes how the stored hash was computed). An entry's stored hash
 * selects its bin as {@code (hash & 0x7FFFFFFF) % table.length}: tables are not powers of two.
 *
 * <p>{@code java.util.Properties} up to JDK 8 keeps its data in that table; from JDK 9 in the
 * {@code ConcurrentHashMap} of its field {@code map} (the Hashtable table is then never allocated), which this
 * decoder reads through the catalogue and reports as the Properties' internals.
 */
final class HashtableDecoder implements MapDecoder {
    private static final String PROPERTIES = "java.util.Properties";

    private final MapCatalog catalog;

    HashtableDecoder(MapCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null || !m.has("table")) {
            return null;
        }
        boolean properties = ctx.isA(object, PROPERTIES);
        int inner = properties ? propertiesMap(ctx, m) : -1;
        if (inner >= 0) {
            return properties(ctx, object, m, inner);
        }
        long count = ctx.intOr(m, "count", -1);
        int table = ctx.ref(m, "table");
        long capacity = table >= 0 ? ctx.arrayLength(table) : 0;
        WalkStats stats = new WalkStats();
        walk(ctx, table, stats, null);
        Map<String, Object> settings = new LinkedHashMap<>();
        if (properties) {
            settings.put("defaults", ctx.ref(m, "defaults") >= 0);
        }
        return new MapView(object, object, ctx.className(object), MapKind.HASH_TABLE, false, count, stats.entries,
                capacity, ctx.floatOr(m, "loadFactor", Float.NaN), ctx.intOr(m, "threshold", -1),
                ctx.intOr(m, "modCount", -1), true, stats.result(count), settings,
                (self, sink) -> walk(ctx, table, new WalkStats(), sink)).withKeyClasses(stats.keyClasses());
    }

    @Override
    public void internals(MapContext ctx, int object, IntConsumer out) {
        if (ctx.isA(object, PROPERTIES)) {
            int inner = propertiesMap(ctx, ctx.instance(object));
            if (inner >= 0) {
                out.accept(inner);
            }
        }
    }

    /** JDK 9+: the ConcurrentHashMap holding a Properties' data; -1 before JDK 9 (no such field). */
    private static int propertiesMap(MapContext ctx, Instance m) {
        int inner = ctx.ref(m, "map");
        return inner >= 0 && ctx.isA(inner, "java.util.concurrent.ConcurrentHashMap") ? inner : -1;
    }

    private MapView properties(MapContext ctx, int object, Instance m, int inner) {
        MapView v = catalog.decode(ctx, inner);
        if (v == null) {
            return null;
        }
        Map<String, Object> settings = new LinkedHashMap<>(v.settings());
        settings.put("backedBy", v.implementation());
        settings.put("defaults", ctx.ref(m, "defaults") >= 0);
        return new MapView(object, v.storage(), ctx.className(object), v.kind(), false, v.size(),
                v.entriesReached(), v.capacity(), v.loadFactor(), v.threshold(), v.modCount(), true,
                v.consistency(), settings, (self, sink) -> v.entries(sink)).withKeyClasses(v.keyClasses());
    }

    /** Walks every chain of the table, checking each entry's bin against its stored hash. */
    private static void walk(MapContext ctx, int table, WalkStats stats, EntrySink sink) {
        if (table < 0) {
            return;
        }
        int n = ctx.slotCount(table);
        EntrySink placed = (node, key, value, hash, hashKnown, bin) -> {
            if (hashKnown && (hash & 0x7FFFFFFF) % n != bin) {
                stats.misplaced++;
                if (stats.misplaced <= 3) {
                    stats.problem(String.format("an entry with hash 0x%08x sits in bin %d; its hash selects bin %d",
                            hash, bin, (hash & 0x7FFFFFFF) % n));
                }
            }
            if (sink == null) {
                stats.key(ctx, key);
                return true;
            }
            return sink.entry(node, key, value, hash, hashKnown, bin);
        };
        // Not placed by mask (whatever the length): the sink above checks the placement by modulo.
        HashMapDecoder.walkTable(ctx, table, "value", false, stats, null, placed);
    }
}
