package io.mapleak.maps;

import io.mapleak.heap.Instance;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Guava's {@code com.google.common.cache.LocalCache} (what {@code CacheBuilder.build()} and {@code asMap()} hold;
 * the {@code LocalManualCache}/{@code LocalLoadingCache} wrappers delegate to it), read by field name as in Guava
 * 16 to 33: {@code segments}, each a small hash table with its own {@code count}, {@code modCount},
 * {@code threshold} and {@code table} (an {@code AtomicReferenceArray}, elements in {@code array}). A bin is a
 * chain of entries linked by {@code next} whose stored {@code hash} (already rehashed by Guava) selects the bin
 * with {@code hash & (length - 1)}; the key is in {@code key}, or in {@code Reference.referent} for weak keys;
 * the value behind {@code valueReference}, in its {@code referent} ({@code StrongValueReference} and the weak and
 * soft ones alike), or in its {@code oldValue} while a load is in flight.
 *
 * <p>Settings use the same words as {@link CaffeineCacheDecoder}: {@code maximumSize} or {@code maximumWeight}
 * (Guava keeps both in {@code maxWeight}, -1 when unset, with {@code CacheBuilder$OneWeigher} for a size bound),
 * {@code expireAfterWriteNanos}, {@code expireAfterAccessNanos}, {@code refreshNanos} (0 when unset, as Guava
 * stores them), {@code bounded} (a size or weight bound or an expiry), key and value strength, weigher and
 * removal listener classes, {@code concurrencyLevel}, {@code totalWeight}.
 */
final class GuavaCacheDecoder implements MapDecoder {
    /** The weigher {@code CacheBuilder} installs when only {@code maximumSize} was given. */
    private static final String ONE_WEIGHER = "com.google.common.cache.CacheBuilder$OneWeigher";
    /** Guava's table load factor, a constant of {@code LocalCache}. */
    private static final float LOAD_FACTOR = 0.75f;
    /** A loading reference wraps the previous one; deeper nesting than this is not what Guava builds. */
    private static final int MAX_VALUE_DEPTH = 4;

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null || !m.has("segments")) {
            return null;
        }
        Segments segs = Segments.of(ctx, m);
        int[] tables = segs.tables();
        long size = segs.size();

        String keyStrength = enumName(ctx, ctx.ref(m, "keyStrength"));
        String valueStrength = enumName(ctx, ctx.ref(m, "valueStrength"));
        boolean references = !"STRONG".equals(keyStrength) || !"STRONG".equals(valueStrength);
        WalkStats stats = new WalkStats();
        // Weak or soft references may be cleared while still counted: only then is each entry read in this walk.
        walk(ctx, tables, stats, references ? (node, key, value, hash, known, bin) -> {
            if (key == 0 || value == 0) {
                stats.stale++;
            }
            return true;
        } : null);

        Map<String, Object> settings = new LinkedHashMap<>();
        long maxWeight = ctx.longOr(m, "maxWeight", -1);
        int weigher = ctx.ref(m, "weigher");
        String weigherClass = weigher >= 0 ? ctx.className(weigher) : null;
        if (maxWeight >= 0) {
            if (weigherClass == null || weigherClass.equals(ONE_WEIGHER)) {
                settings.put("maximumSize", maxWeight);
            } else {
                settings.put("maximumWeight", maxWeight);
                settings.put("weigher", weigherClass);
            }
        }
        long expireAfterWrite = Math.max(0, ctx.longOr(m, "expireAfterWriteNanos", 0));
        long expireAfterAccess = Math.max(0, ctx.longOr(m, "expireAfterAccessNanos", 0));
        settings.put("expireAfterWriteNanos", expireAfterWrite);
        settings.put("expireAfterAccessNanos", expireAfterAccess);
        settings.put("refreshNanos", Math.max(0, ctx.longOr(m, "refreshNanos", 0)));
        settings.put("bounded", maxWeight >= 0 || expireAfterWrite > 0 || expireAfterAccess > 0);
        if (keyStrength != null) {
            settings.put("keyStrength", keyStrength);
        }
        if (valueStrength != null) {
            settings.put("valueStrength", valueStrength);
        }
        int listener = ctx.ref(m, "removalListener");
        if (listener >= 0) {
            settings.put("removalListener", ctx.className(listener));
        }
        int concurrency = ctx.intOr(m, "concurrencyLevel", -1);
        if (concurrency >= 0) {
            settings.put("concurrencyLevel", concurrency);
        }
        settings.put("segments", tables.length);
        settings.put("totalWeight", segs.totalWeight());

        return new MapView(object, object, ctx.className(object), MapKind.CACHE, false, size, stats.entries,
                segs.capacity(), LOAD_FACTOR, segs.threshold(), segs.modCount(), true, stats.result(size), settings,
                (self, sink) -> walk(ctx, tables, new WalkStats(), sink));
    }

    /**
     * A Guava segmented table's segments (LocalCache's and MapMakerInternalMap's alike): each one's table (the
     * {@code AtomicReferenceArray}'s array, -1 for none), and their counts summed.
     */
    record Segments(int[] tables, long size, long capacity, long threshold, long modCount, long totalWeight) {
        static Segments of(MapContext ctx, Instance m) {
            long[] segmentIds = ctx.elements(ctx.ref(m, "segments"));
            int[] tables = new int[segmentIds.length];
            long size = 0;
            long capacity = 0;
            long threshold = 0;
            long modCount = 0;
            long totalWeight = 0;
            for (int s = 0; s < segmentIds.length; s++) {
                Instance seg = ctx.instance(ctx.object(segmentIds[s]));
                tables[s] = -1;
                if (seg == null) {
                    continue;
                }
                size += ctx.intOr(seg, "count", 0);
                modCount += ctx.intOr(seg, "modCount", 0);
                threshold += ctx.intOr(seg, "threshold", 0);
                totalWeight += ctx.longOr(seg, "totalWeight", ctx.intOr(seg, "totalWeight", 0)); // int before 17
                tables[s] = ctx.ref(ctx.instance(ctx.ref(seg, "table")), "array");
                capacity += Math.max(0, ctx.arrayLength(tables[s]));
            }
            return new Segments(tables, size, capacity, threshold, modCount, totalWeight);
        }
    }

    /** Every segment's table; the sink sees keys and values unwrapped. Weak keys' hashes are identity hashes. */
    private static void walk(MapContext ctx, int[] tables, WalkStats stats, EntrySink sink) {
        EntrySink unwrapping = sink == null ? null : (node, key, valueRef, hash, known, bin) -> {
            Instance n = ctx.instance(node);
            boolean weakKey = !n.has("key");
            long k = weakKey ? ctx.refId(n, "referent") : key;
            return sink.entry(node, k, value(ctx, valueRef, 0), hash, known && !weakKey, bin);
        };
        for (int table : tables) {
            if (!HashMapDecoder.walkTable(ctx, table, "valueReference", stats, null, unwrapping)) {
                return;
            }
        }
    }

    /** The value a {@code ValueReference} holds (0 for none: cleared, or a first load still in flight). */
    private static long value(MapContext ctx, long valueRef, int depth) {
        Instance r = ctx.instance(ctx.object(valueRef));
        if (r == null || depth > MAX_VALUE_DEPTH) {
            return 0;
        }
        if (r.has("referent")) {
            return ctx.refId(r, "referent");
        }
        if (r.has("value")) {
            return ctx.refId(r, "value");
        }
        if (r.has("oldValue")) {
            return value(ctx, ctx.refId(r, "oldValue"), depth + 1);
        }
        return 0; // LocalCache.UNSET
    }

    /** An enum constant's name, or null. */
    static String enumName(MapContext ctx, int constant) {
        int name = ctx.ref(ctx.instance(constant), "name");
        return name >= 0 ? ctx.index.reader().string(name, 64) : null;
    }
}
