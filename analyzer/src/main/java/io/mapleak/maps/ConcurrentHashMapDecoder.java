package io.mapleak.maps;

import io.mapleak.heap.Instance;
import java.util.Map;

/**
 * {@code java.util.concurrent.ConcurrentHashMap}. JDK 8+: one table of bins holding {@code Node}s,
 * {@code TreeBin}s (whose {@code first} list has the bin's entries), {@code ForwardingNode}s of a resize in
 * progress (their entries are found in {@code nextTable}, at bins i and i + n) and {@code ReservationNode}s;
 * the true size is {@code baseCount} plus every {@code CounterCell}. JDK 7 and older: {@code segments}, each
 * a small hash table with its own {@code count}.
 */
final class ConcurrentHashMapDecoder implements MapDecoder {

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null) {
            return null;
        }
        if (m.has("segments") && !m.has("table")) {
            return segmented(ctx, object, m);
        }
        if (!m.has("table")) {
            return null;
        }
        long size = ctx.longOr(m, "baseCount", 0);
        int cells = ctx.ref(m, "counterCells");
        int cellCount = 0;
        for (long cellId : ctx.elements(cells)) {
            int cell = ctx.object(cellId);
            if (cell >= 0) {
                size += ctx.longOr(ctx.instance(cell), "value", 0);
                cellCount++;
            }
        }
        int table = ctx.ref(m, "table");
        int nextTable = ctx.ref(m, "nextTable");
        WalkStats stats = new WalkStats();
        walk(ctx, table, stats, null);
        long capacity = table >= 0 ? ctx.arrayLength(table) : 0;
        Map<String, Object> settings = Map.of("counterCells", cellCount, "resizing", nextTable >= 0,
                "sizeCtl", ctx.intOr(m, "sizeCtl", 0));
        return new MapView(object, object, ctx.className(object), MapKind.HASH_TABLE, false, size, stats.entries,
                capacity, 0.75f, -1, -1, true, stats.result(size), settings,
                ctx.concurrentHashMapWalker).withKeyClasses(stats.keyClasses());
    }

    static boolean walk(MapContext ctx, int table, WalkStats stats, EntrySink sink) {
        if (table < 0) {
            return true;
        }
        MapContext.Slots slots = ctx.slots(table);
        int n = slots.length();
        int mask = (n & (n - 1)) == 0 ? n - 1 : -1;
        NodeFields read = NodeFields.forWalk(ctx, "val", n, sink == null);
        int readTo = 0;
        for (int bin = 0; bin < n; bin++) {
            if (read != null && bin == readTo) {
                readTo = read.readFrom(ctx, table, readTo, n);
            }
            long slot = slots.get(bin);
            if (slot == 0) {
                continue;
            }
            int head = ctx.object(slot);
            if (head < 0) {
                stats.problem("bin " + bin + " links to an object that is not in the dump");
                continue;
            }
            String cls = ctx.className(head);
            if (cls.endsWith("$ForwardingNode")) {
                stats.forwarded++;
                int next = ctx.ref(ctx.instance(head), "nextTable");
                if (!forwarded(ctx, next, bin, n, stats, sink)) {
                    return false;
                }
            } else if (cls.endsWith("$TreeBin")) {
                // walkChain counts the bin as a tree: its nodes are ConcurrentHashMap$TreeNodes.
                long first = ctx.refId(ctx.instance(head), "first");
                if (first != 0 && !HashMapDecoder.walkChain(ctx, first, bin, mask, "val", stats, null, sink)) {
                    return false;
                }
            } else if (cls.endsWith("$ReservationNode")) {
                continue;
            } else if (!HashMapDecoder.walkChain(ctx, slot, bin, mask, "val", stats, null, sink, read)) {
                return false;
            }
        }
        return true;
    }

    /** A bin already moved to the next table lives at {@code bin} and {@code bin + n} there. */
    private static boolean forwarded(MapContext ctx, int nextTable, int bin, int n, WalkStats stats,
            EntrySink sink) {
        if (nextTable < 0) {
            stats.problem("a forwarding node has no next table");
            return true;
        }
        // Only the two slots this bin moved to: reading the whole next table for each forwarding node made a map
        // caught in the middle of a large resize cost its forwarded bins times the next table's size.
        int length = ctx.slotCount(nextTable);
        int mask = length - 1;
        for (int b : new int[] {bin, bin + n}) {
            long slot = b < length ? ctx.elements(nextTable, b, 1)[0] : 0;
            if (slot == 0) {
                continue;
            }
            int head = ctx.object(slot);
            if (head < 0) {
                continue;
            }
            String cls = ctx.className(head);
            long first = cls.endsWith("$TreeBin") ? ctx.refId(ctx.instance(head), "first") : slot;
            if (first != 0 && !HashMapDecoder.walkChain(ctx, first, b, mask, "val", stats, null, sink)) {
                return false;
            }
        }
        return true;
    }

    /** JDK 7 and older: each segment is a hash table of {@code HashEntry}s with its own count. */
    private MapView segmented(MapContext ctx, int object, Instance m) {
        int segments = ctx.ref(m, "segments");
        long size = 0;
        long capacity = 0;
        WalkStats stats = new WalkStats();
        long[] segs = ctx.elements(segments);
        for (long segId : segs) {
            Instance seg = ctx.instance(ctx.object(segId));
            if (seg == null) {
                continue;
            }
            size += ctx.intOr(seg, "count", 0);
            int table = ctx.ref(seg, "table");
            capacity += Math.max(0, ctx.arrayLength(table));
            HashMapDecoder.walkTable(ctx, table, "value", stats, null, null);
        }
        long total = size;
        long cap = capacity;
        return new MapView(object, object, ctx.className(object), MapKind.HASH_TABLE, false, total, stats.entries,
                cap, 0.75f, -1, -1, true, stats.result(total), Map.of("segments", segs.length), (self, sink) -> {
                    for (long segId : segs) {
                        Instance seg = ctx.instance(ctx.object(segId));
                        if (seg != null && !HashMapDecoder.walkTable(ctx, ctx.ref(seg, "table"), "value",
                                new WalkStats(), null, sink)) {
                            return;
                        }
                    }
                });
    }
}
