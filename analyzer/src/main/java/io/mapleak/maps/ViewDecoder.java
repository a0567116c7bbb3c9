package io.mapleak.maps;

import io.mapleak.heap.Instance;
import io.mapleak.hprof.BasicType;
import java.util.function.IntConsumer;

/**
 * Key, value and entry views of a map ({@code HashMap$KeySet.this$0}, {@code TreeMap$KeySet.m},
 * {@code ConcurrentHashMap$EntrySetView.map}...), decoded as the map they show. A view never hides its map. A
 * view the map caches in one of its own fields ({@code HashMap.keySet}, or one wrapper deeper as
 * {@code Hashtable.keySet} holds a {@code Collections$SynchronizedSet} around it) hides itself instead, so the
 * map is listed once; a view held apart from its map ({@code LinkedHashMap.reversed()}) is listed.
 *
 * <p>With {@code ownsUncached}, a view its map does not cache owns that map instead: a
 * {@code ConcurrentHashMap$KeySetView} from {@code ConcurrentHashMap.newKeySet()} is the set users hold, its map
 * private, while {@code map.keySet()} is cached in {@code ConcurrentHashMap.keySet}.
 */
final class ViewDecoder implements MapDecoder {
    private final DelegatingDecoder delegate;
    private final String[] fields;
    private final boolean ownsUncached;

    /** @param fields candidate field names holding the map, first present wins */
    ViewDecoder(MapCatalog catalog, boolean set, boolean ownsUncached, String... fields) {
        this.delegate = new DelegatingDecoder(catalog, set, false, fields);
        this.fields = fields;
        this.ownsUncached = ownsUncached;
    }

    @Override
    public MapView decode(MapContext ctx, int object) {
        return delegate.decode(ctx, object);
    }

    @Override
    public void internals(MapContext ctx, int object, IntConsumer out) {
        Instance view = ctx.instance(object);
        int map = -1;
        for (int i = 0; i < fields.length && map < 0; i++) {
            map = ctx.ref(view, fields[i]);
        }
        if (map < 0) {
            return;
        }
        if (cachedBy(ctx, map, ctx.index().id(object))) {
            out.accept(object);
        } else if (ownsUncached) {
            out.accept(map);
        }
    }

    /** Whether a reference field of {@code map}, or of an object one such field holds, holds {@code view}. */
    private static boolean cachedBy(MapContext ctx, int map, long view) {
        Instance m = ctx.instance(map);
        if (m == null) {
            return false;
        }
        for (String f : m.fieldNames()) {
            if (m.type(f) != BasicType.OBJECT) {
                continue;
            }
            long held = m.ref(f);
            if (held == view) {
                return true;
            }
            int wrapper = ctx.object(held);
            if (wrapper >= 0 && wrapper != map && ctx.className(wrapper).startsWith("java.util.Collections$")
                    && holds(ctx.instance(wrapper), view)) {
                return true;
            }
        }
        return false;
    }

    private static boolean holds(Instance wrapper, long view) {
        if (wrapper == null) {
            return false;
        }
        for (String f : wrapper.fieldNames()) {
            if (wrapper.type(f) == BasicType.OBJECT && wrapper.ref(f) == view) {
                return true;
            }
        }
        return false;
    }
}
