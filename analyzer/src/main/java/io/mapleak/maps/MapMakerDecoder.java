package io.mapleak.maps;

import io.mapleak.heap.Instance;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Guava's {@code com.google.common.collect.MapMakerInternalMap}: what {@code new MapMaker().makeMap()} (with
 * {@code weakKeys()} or {@code weakValues()} or not) and {@code Interners.newStrongInterner()} or
 * {@code newWeakInterner()} hold, read by field name as in Guava 21 to 33. Like {@link GuavaCacheDecoder}'s
 * {@code LocalCache}: {@code segments}, each a small hash table with {@code count}, {@code modCount},
 * {@code threshold} and {@code table} (an {@code AtomicReferenceArray}, elements in {@code array}); a bin is a chain
 * of entries linked by {@code next}, which the class of a bin's last entry does not have; the stored {@code hash}
 * (rehashed by Guava) selects the bin. The key is in {@code key}, or in {@code Reference.referent} for weak keys;
 * the value in {@code value}, or behind {@code valueReference} (its {@code referent}) for weak values; an
 * interner's entries have no value (a set of the interned objects).
 *
 * <p>MapMaker has had no size bound or expiry since Guava 19 ({@code CacheBuilder} took them), so these maps are
 * never bounded: an interner of request ids or a {@code makeMap()} of sessions grows like any map nothing removes
 * from. Weak keys make it a weak-keyed map (entries go with their keys). Settings: {@code keyStrength},
 * {@code valueStrength} ({@code STRONG}, {@code WEAK}, or {@code NONE} for an interner's), from the entry helper's
 * class; {@code concurrencyLevel}; {@code segments}.
 */
final class MapMakerDecoder implements MapDecoder {
    static final String CLASS = "com.google.common.collect.MapMakerInternalMap";
    /** The entry classes, nested in {@link #CLASS}. */
    static final String ENTRY_PREFIX = CLASS + "$";
    /** Guava's table load factor, as in {@code LocalCache}. */
    private static final float LOAD_FACTOR = 0.75f;

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null || !m.has("segments")) {
            return null;
        }
        GuavaCacheDecoder.Segments segs = GuavaCacheDecoder.Segments.of(ctx, m);
        int[] tables = segs.tables();
        long size = segs.size();
        // The helper's class names the strengths: MapMakerInternalMap$WeakKeyDummyValueEntry$Helper...
        int helper = ctx.ref(m, "entryHelper");
        String helperClass = helper >= 0 ? ctx.className(helper) : "";
        String keyStrength = helperClass.contains("$WeakKey") ? "WEAK" : helperClass.contains("$StrongKey") ? "STRONG"
                : null;
        String valueStrength = helperClass.contains("DummyValue") ? "NONE" : helperClass.contains("WeakValue") ? "WEAK"
                : helperClass.contains("StrongValue") ? "STRONG" : null;
        boolean weakKeys = "WEAK".equals(keyStrength);
        boolean references = weakKeys || "WEAK".equals(valueStrength);
        WalkStats stats = new WalkStats();
        // Weak references may be cleared while still counted: only then is each entry read in this walk.
        walk(ctx, tables, stats, references ? (node, key, value, hash, known, bin) -> {
            if (key == 0 || value == 0 && !"NONE".equals(valueStrength)) {
                stats.stale++;
            }
            return true;
        } : null);

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("bounded", false);
        if (keyStrength != null) {
            settings.put("keyStrength", keyStrength);
        }
        if (valueStrength != null) {
            settings.put("valueStrength", valueStrength);
        }
        int concurrency = ctx.intOr(m, "concurrencyLevel", -1);
        if (concurrency >= 0) {
            settings.put("concurrencyLevel", concurrency);
        }
        settings.put("segments", tables.length);
        return new MapView(object, object, ctx.className(object), weakKeys ? MapKind.WEAK_KEYED : MapKind.HASH_TABLE,
                "NONE".equals(valueStrength), size, stats.entries, segs.capacity(), LOAD_FACTOR, segs.threshold(),
                segs.modCount(), true, stats.result(size), settings, (self, sink) -> walk(ctx, tables, new WalkStats(), sink));
    }

    /**
     * A weak reference's referent, or 0 when it is cleared or names no object in the dump (a partial or damaged
     * dump): either way the entry is stale.
     */
    private static long collected(MapContext ctx, long referent) {
        return referent != 0 && ctx.object(referent) < 0 ? 0 : referent;
    }

    /** Every segment's table; the sink sees keys and values unwrapped. Weak keys' hashes are identity hashes. */
    private static void walk(MapContext ctx, int[] tables, WalkStats stats, EntrySink sink) {
        EntrySink unwrapping = sink == null ? null : (node, key, value, hash, known, bin) -> {
            Instance n = ctx.instance(node);
            boolean weakKey = !n.has("key");
            long k = weakKey ? collected(ctx, ctx.refId(n, "referent")) : key;
            long v = n.has("value") ? value : n.has("valueReference")
                    ? collected(ctx, ctx.refId(ctx.instance(ctx.ref(n, "valueReference")), "referent")) : 0;
            return sink.entry(node, k, v, hash, known && !weakKey, bin);
        };
        for (int table : tables) {
            if (!HashMapDecoder.walkTable(ctx, table, "value", stats, null, unwrapping)) {
                return;
            }
        }
    }
}
