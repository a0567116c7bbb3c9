package io.mapleak.maps;

import io.mapleak.heap.Instance;
import java.util.Map;

/** Decodes a user-described chained hash table ({@link UserMapSpec}). */
final class UserMapDecoder implements MapDecoder {
    private final UserMapSpec spec;

    UserMapDecoder(UserMapSpec spec) {
        this.spec = spec;
    }

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null || !m.has(spec.tableField())) {
            return null;
        }
        int table = ctx.ref(m, spec.tableField());
        long size = spec.sizeField() != null ? ctx.intOr(m, spec.sizeField(), -1) : -1;
        WalkStats stats = new WalkStats();
        walk(ctx, table, stats, null);
        return new MapView(object, object, ctx.className(object), MapKind.HASH_TABLE, false, size, stats.entries,
                table >= 0 ? ctx.arrayLength(table) : 0, Float.NaN, -1, -1, false, stats.result(size),
                Map.of("describedBy", "user map spec"), (self, sink) -> walk(ctx, table, new WalkStats(), sink));
    }

    private void walk(MapContext ctx, int table, WalkStats stats, EntrySink sink) {
        MapContext.Slots slots = ctx.slots(table);
        for (int bin = 0; bin < slots.length(); bin++) {
            long length = 0;
            for (long id = slots.get(bin); id != 0 && length <= stats.entries + slots.length() + 16; ) {
                Instance e = ctx.instance(ctx.object(id));
                if (e == null) {
                    break;
                }
                boolean hashKnown = spec.hashField() != null && e.type(spec.hashField()) == io.mapleak.hprof.BasicType.INT;
                int hash = hashKnown ? e.getInt(spec.hashField()) : 0;
                length++;
                stats.entries++;
                if (sink != null && !sink.entry(e.object(), ctx.refId(e, spec.keyField()),
                        ctx.refId(e, spec.valueField()), hash, hashKnown, bin)) {
                    return;
                }
                id = ctx.refId(e, spec.nextField());
            }
            stats.bin(length);
        }
    }
}
