package io.mapleak.maps;

import io.mapleak.heap.Instance;
import java.util.Map;

/**
 * {@code java.lang.ThreadLocal$ThreadLocalMap}, JDK 7 to 25 (held by {@code Thread.threadLocals} and
 * {@code inheritableThreadLocals}): {@code table} of {@code ThreadLocalMap$Entry}, {@code size}, {@code threshold};
 * open addressing with linear probing, so an entry's bin is its slot. An entry is a {@code WeakReference} to its
 * {@code ThreadLocal} ({@code Reference.referent}) with a strong {@code value}; a cleared referent is a stale
 * entry, still counted in {@code size} and still holding its value until the map expunges it (reported with key
 * 0). The table may be null (JDK 21+ builds maps without one).
 *
 * <p>Placement: a live entry's home slot is its key's {@code threadLocalHashCode & (length - 1)}, and probing
 * never passes an empty slot, so no empty slot may lie between the home slot and the entry's slot.
 */
final class ThreadLocalMapDecoder implements MapDecoder {

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null || !m.has("table")) {
            return null;
        }
        long size = ctx.intOr(m, "size", -1);
        int table = ctx.ref(m, "table");
        long capacity = table >= 0 ? ctx.arrayLength(table) : 0;
        WalkStats stats = new WalkStats();
        walk(ctx, table, stats, null);
        return new MapView(object, object, ctx.className(object), MapKind.THREAD_LOCAL, false, size,
                stats.entries, capacity, Float.NaN, ctx.intOr(m, "threshold", -1), -1, false, stats.result(size),
                Map.of(), (self, sink) -> walk(ctx, table, new WalkStats(), sink)).withKeyClasses(stats.keyClasses());
    }

    private static void walk(MapContext ctx, int table, WalkStats stats, EntrySink sink) {
        long[] slots = ctx.elements(table);
        int n = slots.length;
        int mask = n - 1;
        boolean powerOfTwo = n > 0 && (n & mask) == 0;
        // The start of the probe run each slot belongs to: the slot after the nearest empty one before it.
        int lastEmpty = -1;
        for (int i = n - 1; i >= 0 && lastEmpty < 0; i--) {
            if (slots[i] == 0) {
                lastEmpty = i;
            }
        }
        for (int i = 0; i < n; i++) {
            if (slots[i] == 0) {
                lastEmpty = i;
                continue;
            }
            int node = ctx.object(slots[i]);
            Instance e = ctx.instance(node);
            if (e == null) {
                stats.problem("slot " + i + " links to an object that is not in the dump");
                continue;
            }
            long key = ctx.refId(e, "referent");
            stats.entries++;
            stats.bin(1);
            if (key == 0) {
                stats.stale++;
            } else if (sink == null && powerOfTwo && lastEmpty >= 0) { // a re-walk for entries needs no check
                checkPlacement(ctx, key, i, lastEmpty, mask, stats);
            }
            if (sink == null) {
                stats.key(ctx, key);
            } else if (!sink.entry(node, key, ctx.refId(e, "value"), 0, false, i)) {
                return;
            }
        }
    }

    /** Counts the live entry in slot {@code i} as misplaced if an empty slot lies between its home slot and it. */
    private static void checkPlacement(MapContext ctx, long key, int i, int lastEmpty, int mask, WalkStats stats) {
        Instance threadLocal = ctx.instance(ctx.object(key));
        if (threadLocal == null || !threadLocal.has("threadLocalHashCode")) {
            return;
        }
        int home = ctx.intOr(threadLocal, "threadLocalHashCode", 0) & mask;
        int runStart = (lastEmpty + 1) & mask;
        if (((i - home) & mask) > ((i - runStart) & mask)) {
            stats.misplaced++;
            if (stats.misplaced <= 3) {
                stats.problem(String.format("the entry in slot %d has home slot %d, but slot %d between them is"
                        + " empty: lookups cannot reach it", i, home, lastEmpty));
            }
        }
    }
}
