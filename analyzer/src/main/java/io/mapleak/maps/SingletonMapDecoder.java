package io.mapleak.maps;

import io.mapleak.heap.Instance;
import java.util.Map;

/**
 * {@code java.util.Collections$SingletonMap{k, v}} (either may be null) and {@code Collections$EmptyMap} (no
 * fields; {@code Collections.EMPTY_MAP} is one shared instance), JDK 6 to 25. Neither has a table: capacity is
 * the entry it holds.
 */
final class SingletonMapDecoder implements MapDecoder {

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null) {
            return null;
        }
        if (m.has("k") && m.has("v")) {
            long key = ctx.refId(m, "k");
            long value = ctx.refId(m, "v");
            return view(ctx, object, 1, (self, sink) -> sink.entry(-1, key, value, 0, false, -1))
                    .withKeyClasses(ImmutableCollectionsDecoder.keyClasses(ctx, key));
        }
        if (ctx.className(object).equals("java.util.Collections$EmptyMap")) {
            return view(ctx, object, 0, (self, sink) -> { });
        }
        return null;
    }

    private static MapView view(MapContext ctx, int object, long size, MapView.Walker walker) {
        return new MapView(object, object, ctx.className(object), MapKind.IMMUTABLE, false, size, size, size,
                Float.NaN, -1, -1, true, ImmutableCollectionsDecoder.fixedShape(size), Map.of(), walker);
    }
}
