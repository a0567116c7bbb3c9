package io.mapleak.maps;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Instance;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The maps and sets of {@code Map.of}/{@code Set.of} (JDK 9 to 25), told apart by their fields:
 * {@code ImmutableCollections$Map1{k0, v0}}; {@code $MapN{table, size}}, a probe table of alternating key and
 * value slots (capacity {@code table.length / 2}, bin = pair index); {@code $SetN{elements, size}}, a probe table
 * of elements; {@code $Set12{e0, e1}}, where a one-element set marks {@code e1} unused: with the static
 * {@code ImmutableCollections.EMPTY} on JDK 17 and 25 (checked), with null on older releases. Sets report value 0.
 */
final class ImmutableCollectionsDecoder implements MapDecoder {
    private static final String OUTER = "java.util.ImmutableCollections";

    /** {@code ImmutableCollections.EMPTY} per dump: finding it scans every class, so once per dump. */
    private final Map<HeapIndex, Long> emptySentinel = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null) {
            return null;
        }
        String cls = ctx.className(object);
        if (m.has("k0")) {
            long key = ctx.refId(m, "k0");
            long value = ctx.refId(m, "v0");
            return view(ctx, object, false, 1, 1, 1, sink -> sink.entry(-1, key, value, 0, false, -1))
                    .withKeyClasses(keyClasses(ctx, key));
        }
        if (m.has("table")) {
            int table = ctx.ref(m, "table");
            long size = ctx.intOr(m, "size", -1);
            WalkStats stats = new WalkStats();
            walkPairs(ctx, table, stats, null);
            return new MapView(object, object, cls, MapKind.IMMUTABLE, false, size, stats.entries,
                    Math.max(0, ctx.arrayLength(table)) / 2, Float.NaN, -1, -1, true, stats.result(size), Map.of(),
                    (self, sink) -> walkPairs(ctx, table, new WalkStats(), sink)).withKeyClasses(stats.keyClasses());
        }
        if (m.has("elements")) {
            int elements = ctx.ref(m, "elements");
            long size = ctx.intOr(m, "size", -1);
            WalkStats stats = new WalkStats();
            walkElements(ctx, elements, stats, null);
            return new MapView(object, object, cls, MapKind.IMMUTABLE, true, size, stats.entries,
                    Math.max(0, ctx.arrayLength(elements)), Float.NaN, -1, -1, true, stats.result(size), Map.of(),
                    (self, sink) -> walkElements(ctx, elements, new WalkStats(), sink))
                    .withKeyClasses(stats.keyClasses());
        }
        if (m.has("e0")) {
            long e0 = ctx.refId(m, "e0");
            long e1 = ctx.refId(m, "e1");
            boolean two = e1 != 0 && e1 != ctx.index().id(object) && e1 != empty(ctx);
            int size = two ? 2 : 1;
            return view(ctx, object, true, size, size, 2,
                    sink -> sink.entry(-1, e0, 0, 0, false, -1) && (!two || sink.entry(-1, e1, 0, 0, false, -1)))
                    .withKeyClasses(two ? keyClasses(ctx, e0, e1) : keyClasses(ctx, e0));
        }
        return null;
    }

    private static MapView view(MapContext ctx, int object, boolean set, long size, long reached, long capacity,
            Entries entries) {
        return new MapView(object, object, ctx.className(object), MapKind.IMMUTABLE, set, size, reached, capacity,
                Float.NaN, -1, -1, true, fixedShape(reached), Map.of(), (self, sink) -> entries.walk(sink));
    }

    /** The classes of a fixed shape's keys, as a walk records them. */
    static int[] keyClasses(MapContext ctx, long... keys) {
        WalkStats stats = new WalkStats();
        for (long k : keys) {
            stats.key(ctx, k);
        }
        return stats.keyClasses();
    }

    /** The consistency of a shape without a table (fields, a tree, a list): every place in use holds one entry. */
    static Consistency fixedShape(long entries) {
        return Consistency.shared(new Consistency(entries, entries > 0 ? 1 : 0, 0, 0, 0, false, 0, 0, 0, List.of()));
    }

    /** A walk over fields rather than a table: calls the sink in order, stops at the first false. */
    @FunctionalInterface
    private interface Entries {
        boolean walk(EntrySink sink);
    }

    private long empty(MapContext ctx) {
        return emptySentinel.computeIfAbsent(ctx.index(), index -> Sentinels.ofClass(index, OUTER, "EMPTY"));
    }

    private static void walkPairs(MapContext ctx, int table, WalkStats stats, EntrySink sink) {
        MapContext.Slots slots = ctx.slots(table);
        for (int i = 0; i + 1 < slots.length(); i += 2) {
            long key = slots.get(i);
            if (key == 0) {
                continue;
            }
            stats.entries++;
            stats.bin(1);
            if (sink == null) {
                stats.key(ctx, key);
            } else if (!sink.entry(-1, key, slots.get(i + 1), 0, false, i / 2)) {
                return;
            }
        }
    }

    private static void walkElements(MapContext ctx, int elements, WalkStats stats, EntrySink sink) {
        MapContext.Slots slots = ctx.slots(elements);
        for (int i = 0; i < slots.length(); i++) {
            long element = slots.get(i);
            if (element == 0) {
                continue;
            }
            stats.entries++;
            stats.bin(1);
            if (sink == null) {
                stats.key(ctx, element);
            } else if (!sink.entry(-1, element, 0, 0, false, i)) {
                return;
            }
        }
    }
}
