package io.mapleak.maps;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Maps and sets whose entries live in another map they hold in a field: {@code HashSet.map},
 * {@code TreeSet.m}, {@code Collections$UnmodifiableMap.m}, {@code ConcurrentHashMap$KeySetView.map},
 * {@code Properties.map} (JDK 9+)... The view keeps the outer object (what users hold) and takes size, capacity
 * and entries from the inner one, which is then not listed on its own, unless the outer object is only a view of
 * it ({@code ownsInner} false: {@code HashMap$KeySet.this$0}), where the inner map stays listed.
 */
final class DelegatingDecoder implements MapDecoder {
    private final MapCatalog catalog;
    private final String[] fields;
    private final boolean set;
    private final boolean ownsInner;

    /** @param fields candidate field names holding the inner map, first present wins */
    DelegatingDecoder(MapCatalog catalog, boolean set, String... fields) {
        this(catalog, set, true, fields);
    }

    /** @param ownsInner whether the inner map is this object's internals (false for views of a map) */
    DelegatingDecoder(MapCatalog catalog, boolean set, boolean ownsInner, String... fields) {
        this.catalog = catalog;
        this.fields = fields;
        this.set = set;
        this.ownsInner = ownsInner;
    }

    private int inner(MapContext ctx, int object) {
        var i = ctx.instance(object);
        for (String f : fields) {
            int inner = ctx.ref(i, f);
            if (inner >= 0) {
                return inner;
            }
        }
        return -1;
    }

    @Override
    public MapView decode(MapContext ctx, int object) {
        int inner = inner(ctx, object);
        MapView v = inner >= 0 ? catalog.decode(ctx, inner) : null;
        if (v == null) {
            return null;
        }
        Map<String, Object> settings = new LinkedHashMap<>(v.settings());
        settings.put("backedBy", v.implementation());
        return new MapView(object, v.storage(), ctx.className(object), v.kind(), set || v.set(), v.size(),
                v.entriesReached(), v.capacity(), v.loadFactor(), v.threshold(), v.modCount(), v.threadSafe(),
                v.consistency(), settings, (self, sink) -> v.entries(sink)).withKeyClasses(v.keyClasses());
    }

    @Override
    public void internals(MapContext ctx, int object, IntConsumer out) {
        if (!ownsInner) {
            return;
        }
        int inner = inner(ctx, object);
        if (inner >= 0) {
            out.accept(inner);
        }
    }
}
