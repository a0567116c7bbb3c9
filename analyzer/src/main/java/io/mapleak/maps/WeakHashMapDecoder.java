package io.mapleak.maps;

import io.mapleak.heap.Instance;
import java.util.Map;

/**
 * {@code java.util.WeakHashMap} and its subclasses, JDK 7 to 25: {@code table} of {@code WeakHashMap$Entry}
 * chains, {@code size}, {@code threshold}, {@code loadFactor}, {@code modCount}. An entry is a
 * {@code WeakReference} to its key ({@code Reference.referent}) with {@code value}, {@code hash} and its own
 * {@code next} (which shadows {@code Reference.next}); the stored hash selects the bin as
 * {@code hash & (capacity - 1)}. A cleared referent is a stale entry: still counted in {@code size} until the map
 * next expunges its queue, so it counts as reached and is reported with key 0. A null key is stored as the
 * static {@code WeakHashMap.NULL_KEY}, reported as key 0 too.
 */
final class WeakHashMapDecoder implements MapDecoder {

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null || !m.has("table")) {
            return null;
        }
        long size = ctx.intOr(m, "size", -1);
        int table = ctx.ref(m, "table");
        long capacity = table >= 0 ? ctx.arrayLength(table) : 0;
        long nullKey = Sentinels.ofHierarchy(ctx, object, "java.util.WeakHashMap", "NULL_KEY");
        WalkStats stats = new WalkStats();
        walk(ctx, table, nullKey, stats, null);
        return new MapView(object, object, ctx.className(object), MapKind.WEAK_KEYED, false, size, stats.entries,
                capacity, ctx.floatOr(m, "loadFactor", Float.NaN), ctx.intOr(m, "threshold", -1),
                ctx.intOr(m, "modCount", -1), false, stats.result(size), Map.of(),
                (self, sink) -> walk(ctx, table, nullKey, new WalkStats(), sink)).withKeyClasses(stats.keyClasses());
    }

    private static void walk(MapContext ctx, int table, long nullKey, WalkStats stats, EntrySink sink) {
        if (table < 0) {
            return;
        }
        // The shared chain walk reads the field "key", which these entries do not have: take the referent here.
        EntrySink weak = (node, key, value, hash, hashKnown, bin) -> {
            long referent = ctx.refId(ctx.instance(node), "referent");
            if (referent == 0) {
                stats.stale++;
            }
            long k = referent == nullKey ? 0 : referent;
            if (sink == null) {
                stats.key(ctx, k);
                return true;
            }
            return sink.entry(node, k, value, hash, hashKnown, bin);
        };
        HashMapDecoder.walkTable(ctx, table, "value", stats, null, weak);
    }
}
