package io.mapleak.maps;

import io.mapleak.heap.Instance;
import io.mapleak.hprof.BasicType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Caffeine's caches (read by field name as in Caffeine 2.x and 3.x). Both keep their entries in a
 * {@code ConcurrentHashMap} in {@code data}, reported as this cache's internals, whose size is the cache's
 * ({@code estimatedSize()} is {@code data.mappingCount()}):
 * <ul>
 * <li>{@code UnboundedLocalCache}: key to value;</li>
 * <li>{@code BoundedLocalCache} and its generated subclasses ({@code SSMS}, {@code WSLMSW}...: one per mix of
 * features, found through the superclass): key to a generated {@code Node} ({@code PS}, {@code PSMS}...) holding
 * {@code value}. With weak keys the map's keys are {@code References$WeakKeyReference}s (the key is their
 * {@code referent}, their hash an identity hash); with weak or soft values a node's {@code value} is a
 * {@code References$WeakValueReference} or {@code $SoftValueReference}.</li>
 * </ul>
 * Settings, named as {@link GuavaCacheDecoder}'s: {@code maximumSize} or {@code maximumWeight} (field
 * {@code maximum}, present only on size-bounded classes; {@code isWeighted} tells which) with
 * {@code weightedSize}, {@code expireAfterWriteNanos} and {@code expireAfterAccessNanos} (fields
 * {@code expiresAfter...Nanos}), {@code expireVariable} (an {@code Expiry}: field {@code expiry}),
 * {@code refreshNanos} ({@code refreshAfterWriteNanos}), 0 meaning unset; {@code bounded}: any size, weight or
 * expiry bound; key and value strength; listener and weigher classes.
 */
final class CaffeineCacheDecoder implements MapDecoder {
    static final String BOUNDED = "com.github.benmanes.caffeine.cache.BoundedLocalCache";
    private static final String PACKAGE = "com.github.benmanes.caffeine.cache.";
    private static final String REFERENCES = PACKAGE + "References$";
    /** Caffeine wraps a weigher or listener at most twice (async, then bounded). */
    private static final int MAX_WRAPPERS = 4;
    /** Caffeine's own weigher when none is configured. */
    private static final String SINGLETON_WEIGHER = "com.github.benmanes.caffeine.cache.SingletonWeigher";

    private final MapCatalog catalog;

    CaffeineCacheDecoder(MapCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance c = ctx.instance(object);
        int data = ctx.ref(c, "data");
        MapView table = data >= 0 ? catalog.decode(ctx, data) : null;
        if (table == null) {
            return null;
        }
        boolean nodes = ctx.isA(object, BOUNDED);
        Map<String, Object> settings = new LinkedHashMap<>();
        boolean weakKeys = c.has("keyReferenceQueue");
        boolean referenceValues = c.has("valueReferenceQueue");
        if (nodes) {
            boundedSettings(ctx, c, settings, weakKeys, referenceValues);
        } else {
            settings.put("expireAfterWriteNanos", 0L);
            settings.put("expireAfterAccessNanos", 0L);
            settings.put("refreshNanos", 0L);
            settings.put("bounded", false);
            settings.put("keyStrength", "STRONG");
            settings.put("valueStrength", "STRONG");
        }
        listener(ctx, c, "removalListener", settings);
        listener(ctx, c, "evictionListener", settings);
        settings.put("backedBy", table.implementation());

        MapView.Walker walker = (self, sink) -> table.entries((node, key, value, hash, known, bin) -> {
            long k = unwrap(ctx, key);
            long v = nodes ? unwrap(ctx, ctx.refId(ctx.instance(ctx.object(value)), "value")) : value;
            return sink.entry(node, k, v, hash, known && k == key, bin);
        });
        Consistency consistency = table.consistency();
        if (weakKeys || referenceValues) {
            long[] stale = {0};
            walker.walk(null, (node, key, value, hash, known, bin) -> { // this walker needs no view
                if (key == 0 || value == 0) {
                    stale[0]++; // collected, still counted until Caffeine's next maintenance
                }
                return true;
            });
            consistency = withStale(consistency, stale[0]);
        }
        return new MapView(object, data, ctx.className(object), MapKind.CACHE, false, table.size(),
                table.entriesReached(), table.capacity(), table.loadFactor(), -1, -1, true, consistency, settings,
                walker);
    }

    @Override
    public void internals(MapContext ctx, int object, IntConsumer out) {
        Instance c = ctx.instance(object);
        for (String field : new String[] {"data", "refreshes"}) {
            int inner = ctx.ref(c, field);
            if (inner >= 0) {
                out.accept(inner);
            }
        }
    }

    private static void boundedSettings(MapContext ctx, Instance c, Map<String, Object> settings, boolean weakKeys,
            boolean referenceValues) {
        boolean sized = c.type("maximum") == BasicType.LONG;
        if (sized) {
            boolean weighted = ctx.boolOr(c, "isWeighted", false);
            settings.put(weighted ? "maximumWeight" : "maximumSize", c.getLong("maximum"));
            settings.put("weightedSize", ctx.longOr(c, "weightedSize", -1));
            String weigher = userClass(ctx, ctx.ref(c, "weigher"));
            if (weighted && weigher != null && !weigher.equals(SINGLETON_WEIGHER)) {
                settings.put("weigher", weigher);
            }
        }
        // Caffeine keeps -1 (unset) in an expiry field when the class exists for a variable Expiry only.
        long write = Math.max(0, ctx.longOr(c, "expiresAfterWriteNanos", 0));
        long access = Math.max(0, ctx.longOr(c, "expiresAfterAccessNanos", 0));
        boolean variable = ctx.ref(c, "expiry") >= 0;
        settings.put("expireAfterWriteNanos", write);
        settings.put("expireAfterAccessNanos", access);
        settings.put("expireVariable", variable);
        settings.put("refreshNanos", Math.max(0, ctx.longOr(c, "refreshAfterWriteNanos", 0)));
        settings.put("bounded", sized || write > 0 || access > 0 || variable);
        settings.put("keyStrength", weakKeys ? "WEAK" : "STRONG");
        settings.put("valueStrength", referenceValues ? valueStrength(ctx, c) : "STRONG");
    }

    /**
     * WEAK or SOFT from the prototype node in {@code nodeFactory}, whose generated class name's second letter
     * is Caffeine's code for value strength (S strong, W weak, D soft); WEAK_OR_SOFT if that is not readable.
     */
    private static String valueStrength(MapContext ctx, Instance c) {
        int factory = ctx.ref(c, "nodeFactory");
        if (factory >= 0) {
            String name = ctx.className(factory);
            String simple = name.substring(name.lastIndexOf('.') + 1);
            if (simple.length() >= 2 && simple.charAt(1) == 'W') {
                return "WEAK";
            }
            if (simple.length() >= 2 && simple.charAt(1) == 'D') {
                return "SOFT";
            }
        }
        return "WEAK_OR_SOFT";
    }

    private static void listener(MapContext ctx, Instance c, String field, Map<String, Object> settings) {
        String listener = userClass(ctx, ctx.ref(c, field));
        if (listener != null) {
            settings.put(field, listener);
        }
    }

    /**
     * The class of a configured weigher or listener, looking through Caffeine's wrappers (BoundedWeigher,
     * Async$AsyncWeigher, Async$AsyncRemovalListener...) to the user's object in their {@code delegate}.
     */
    private static String userClass(MapContext ctx, int object) {
        for (int depth = 0; object >= 0 && depth < MAX_WRAPPERS; depth++) {
            String name = ctx.className(object);
            int delegate = ctx.ref(ctx.instance(object), "delegate");
            if (!name.startsWith(PACKAGE) || delegate < 0) {
                return name;
            }
            object = delegate;
        }
        return object >= 0 ? ctx.className(object) : null;
    }

    /** The referent of Caffeine's own key and value references; any other id as it is. */
    private static long unwrap(MapContext ctx, long id) {
        int o = ctx.object(id);
        if (o < 0 || !ctx.className(o).startsWith(REFERENCES)) {
            return id;
        }
        Instance r = ctx.instance(o);
        return r.has("referent") ? ctx.refId(r, "referent") : ctx.refId(r, "key"); // LookupKeyReference: key
    }

    private static Consistency withStale(Consistency c, long stale) {
        return new Consistency(c.binsUsed(), c.longestBin(), c.treeBins(), c.loops(), c.misplacedEntries(),
                c.linkedOrderMismatch(), stale, c.forwardedBins(), c.sizeMismatch(), c.problems());
    }
}
