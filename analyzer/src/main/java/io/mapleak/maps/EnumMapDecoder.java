package io.mapleak.maps;

import io.mapleak.heap.Instance;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java.util.EnumMap}, JDK 8 to 25: {@code keyUniverse} (the enum's constants, an array shared by every
 * EnumMap of that enum type), {@code vals} indexed by ordinal, {@code size}, {@code keyType}. A null slot is an
 * absent key; a null value is stored as the static {@code EnumMap.NULL} and reported as value 0. Capacity is the
 * universe's length; an entry's bin is its ordinal.
 */
final class EnumMapDecoder implements MapDecoder {

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null || !m.has("vals")) {
            return null;
        }
        long size = ctx.intOr(m, "size", -1);
        int universe = ctx.ref(m, "keyUniverse");
        int vals = ctx.ref(m, "vals");
        long capacity = Math.max(0, universe >= 0 ? ctx.arrayLength(universe) : ctx.arrayLength(vals));
        long nullValue = Sentinels.ofHierarchy(ctx, object, "java.util.EnumMap", "NULL");
        WalkStats stats = new WalkStats();
        walk(ctx, universe, vals, nullValue, stats, null);
        Map<String, Object> settings = new LinkedHashMap<>();
        int keyType = ctx.ref(m, "keyType");
        if (keyType >= 0 && ctx.index().isMirror(keyType)) {
            settings.put("keyType", ctx.index().mirroredClass(keyType).name());
        }
        return new MapView(object, object, ctx.className(object), MapKind.ENUM, false, size, stats.entries,
                capacity, Float.NaN, -1, -1, false, stats.result(size), settings,
                (self, sink) -> walk(ctx, universe, vals, nullValue, new WalkStats(), sink))
                .withKeyClasses(stats.keyClasses());
    }

    private static void walk(MapContext ctx, int universe, int vals, long nullValue, WalkStats stats,
            EntrySink sink) {
        long[] keys = ctx.elements(universe);
        long[] values = ctx.elements(vals);
        if (keys.length != values.length) {
            stats.problem(String.format("the key universe has %,d constants but the value array %,d slots",
                    keys.length, values.length));
        }
        for (int i = 0; i < values.length; i++) {
            long value = values[i];
            if (value == 0) {
                continue;
            }
            stats.entries++;
            stats.bin(1);
            long key = i < keys.length ? keys[i] : 0;
            if (sink == null) {
                stats.key(ctx, key);
            } else if (!sink.entry(-1, key, value == nullValue ? 0 : value, 0, false, i)) {
                return;
            }
        }
    }
}
