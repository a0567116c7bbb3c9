package io.mapleak.maps;

import com.carrotsearch.hppc.IntHashSet;
import io.mapleak.heap.Instance;
import io.mapleak.hprof.BasicType;
import java.util.Map;

/**
 * Guava's {@code com.google.common.collect.HashBiMap} as in Guava 14 to 33 (jre): two tables of the same
 * entries ({@code hashTableKToV}, {@code hashTableVToK}), {@code size}, {@code mask}, {@code modCount}. An entry
 * ({@code HashBiMap$BiEntry}, renamed {@code HashBiMap$Node} in 33.6) holds {@code key}, {@code value},
 * {@code keyHash} (smeared; selects the bin as {@code keyHash & mask}) and is chained by
 * {@code nextInKToVBucket}; from Guava 22 the entries also form an insertion-order list from
 * {@code firstInKeyInsertionOrder} through {@code nextInKeyInsertionOrder}, which must hold exactly the table's
 * entries. The array-based layout of Guava's Android flavour ({@code keys}/{@code values} arrays and an
 * {@code int[]} table) is not read: decode returns null.
 */
final class HashBiMapDecoder implements MapDecoder {
    /** Guava's load factor for both tables. */
    private static final float LOAD_FACTOR = 1.0f;

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        int table = ctx.ref(m, "hashTableKToV");
        if (table < 0 || ctx.index.classOf(table).arrayElementType() != BasicType.OBJECT) {
            return null;
        }
        long size = ctx.intOr(m, "size", -1);
        WalkStats stats = new WalkStats();
        boolean ordered = m.has("firstInKeyInsertionOrder");
        IntHashSet nodes = ordered ? new IntHashSet() : null;
        walk(ctx, table, stats, nodes, null);
        if (ordered) {
            checkInsertionOrder(ctx, ctx.refId(m, "firstInKeyInsertionOrder"), nodes, stats);
        }
        return new MapView(object, object, ctx.className(object), MapKind.HASH_TABLE, false, size, stats.entries,
                ctx.arrayLength(table), LOAD_FACTOR, -1, ctx.intOr(m, "modCount", -1), false, stats.result(size),
                Map.of("bidirectional", true), (self, sink) -> walk(ctx, table, new WalkStats(), null, sink));
    }

    private static void walk(MapContext ctx, int table, WalkStats stats, IntHashSet nodes, EntrySink sink) {
        MapContext.Slots slots = ctx.slots(table);
        int n = slots.length();
        int mask = (n & (n - 1)) == 0 ? n - 1 : -1;
        IntHashSet seen = nodes != null ? nodes : new IntHashSet();
        for (int bin = 0; bin < n; bin++) {
            int length = 0;
            for (long id = slots.get(bin); id != 0; ) {
                int node = ctx.object(id);
                if (node < 0) {
                    stats.problem("bin " + bin + " links to an object that is not in the dump");
                    break;
                }
                Instance e = ctx.instance(node);
                if (e == null || !e.has("nextInKToVBucket")) {
                    stats.problem("bin " + bin + " holds a " + ctx.className(node) + ", not a bimap entry");
                    break;
                }
                if (!seen.add(node)) {
                    stats.loops++;
                    stats.problem("the chain in bin " + bin + " reaches an entry seen before, after " + length
                            + " nodes");
                    break;
                }
                int hash = ctx.intOr(e, "keyHash", 0);
                if (mask >= 0 && (hash & mask) != bin) {
                    stats.misplaced++;
                    if (stats.misplaced <= 3) {
                        stats.problem(String.format("an entry with key hash 0x%08x sits in bin %d; it selects bin %d",
                                hash, bin, hash & mask));
                    }
                }
                length++;
                stats.entries++;
                if (sink != null && !sink.entry(node, ctx.refId(e, "key"), ctx.refId(e, "value"), hash,
                        e.has("keyHash"), bin)) {
                    return;
                }
                id = ctx.refId(e, "nextInKToVBucket");
            }
            stats.bin(length);
        }
    }

    private static void checkInsertionOrder(MapContext ctx, long first, IntHashSet tableNodes, WalkStats stats) {
        long limit = stats.entries + 16;
        long count = 0;
        long strangers = 0;
        for (long id = first; id != 0 && count <= limit; count++) {
            int node = ctx.object(id);
            if (node < 0) {
                break;
            }
            if (!tableNodes.contains(node)) {
                strangers++;
            }
            id = ctx.refId(ctx.instance(node), "nextInKeyInsertionOrder");
        }
        if (count != stats.entries || strangers > 0) {
            stats.linkedOrderMismatch = true;
            stats.problem(count > limit ? "the insertion order list loops"
                    : String.format("the insertion order list holds %,d entries (%,d not in the table), the table %,d",
                            count, strangers, stats.entries));
        }
    }
}
