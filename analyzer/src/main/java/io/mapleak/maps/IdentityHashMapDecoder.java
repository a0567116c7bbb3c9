package io.mapleak.maps;

import io.mapleak.heap.Instance;
import java.util.Map;

/**
 * {@code java.util.IdentityHashMap}, JDK 7 to 25: one {@code table} of alternating key and value slots (linear
 * probing, no entry objects, no stored hash: identity hashes are not in a dump), {@code size}, {@code modCount},
 * and up to JDK 8 {@code threshold}. Capacity is {@code table.length / 2} entries; a null key is stored as the
 * static {@code IdentityHashMap.NULL_KEY} and reported as key 0. An entry's bin is its pair index.
 */
final class IdentityHashMapDecoder implements MapDecoder {

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null || !m.has("table")) {
            return null;
        }
        long size = ctx.intOr(m, "size", -1);
        int table = ctx.ref(m, "table");
        long capacity = table >= 0 ? ctx.arrayLength(table) / 2 : 0;
        long nullKey = Sentinels.ofHierarchy(ctx, object, "java.util.IdentityHashMap", "NULL_KEY");
        WalkStats stats = new WalkStats();
        walk(ctx, table, nullKey, stats, null);
        return new MapView(object, object, ctx.className(object), MapKind.IDENTITY, false, size, stats.entries,
                capacity, Float.NaN, ctx.intOr(m, "threshold", -1), ctx.intOr(m, "modCount", -1), false,
                stats.result(size), Map.of(), (self, sink) -> walk(ctx, table, nullKey, new WalkStats(), sink))
                .withKeyClasses(stats.keyClasses());
    }

    private static void walk(MapContext ctx, int table, long nullKey, WalkStats stats, EntrySink sink) {
        MapContext.Slots slots = ctx.slots(table);
        int n = slots.length();
        if ((n & 1) != 0) {
            stats.problem("the table has an odd length, " + n + ": it cannot hold key and value pairs");
        }
        for (int i = 0; i + 1 < n; i += 2) {
            long key = slots.get(i);
            if (key == 0) {
                continue;
            }
            stats.entries++;
            stats.bin(1);
            if (sink == null) {
                stats.key(ctx, key == nullKey ? 0 : key);
            } else if (!sink.entry(-1, key == nullKey ? 0 : key, slots.get(i + 1), 0, false, i / 2)) {
                return;
            }
        }
    }
}
