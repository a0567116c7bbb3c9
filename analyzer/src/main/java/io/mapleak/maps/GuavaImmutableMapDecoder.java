package io.mapleak.maps;

import io.mapleak.heap.Instance;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Guava's {@code ImmutableMap} implementations, told apart by the fields they have (Guava 16 to 33):
 * <ul>
 * <li>{@code RegularImmutableMap} (jre flavour) and {@code RegularImmutableBiMap}: the entries in order in
 * {@code entries} (each with {@code key} and {@code value}), and a hash index over the same entries in
 * {@code table} ({@code keyTable} for the bimap) chained through {@code nextInKeyBucket};</li>
 * <li>{@code RegularImmutableMap} (Android flavour): {@code alternatingKeysAndValues} and {@code size}, indexed by
 * a primitive {@code hashTable};</li>
 * <li>{@code SingletonImmutableBiMap} ({@code ImmutableMap.of(k, v)}): {@code singleKey}, {@code singleValue};</li>
 * <li>{@code ImmutableSortedMap}: keys in {@code keySet.elements} and values in {@code valueList}, both
 * {@code ImmutableList}s, paired by position;</li>
 * <li>{@code JdkBackedImmutableMap}/{@code JdkBackedImmutableBiMap} (used when keys' hashes collide too much): a
 * {@code java.util.HashMap} in {@code delegateMap} or {@code forwardDelegate}, reported as this map's
 * internals.</li>
 * </ul>
 * No hash is stored per entry, so entries are given with {@code hashKnown} false and bin -1. A bimap's inverse
 * created by {@code inverse()} ({@code lazyInverse}) holds the same entries and is not listed on its own.
 */
final class GuavaImmutableMapDecoder implements MapDecoder {
    private static final String[] DELEGATES = {"delegateMap", "forwardDelegate"};
    /** Lists nest (a reversed sub-list of a list) only a few levels in Guava. */
    private static final int MAX_LIST_DEPTH = 4;

    private final MapCatalog catalog;

    GuavaImmutableMapDecoder(MapCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null) {
            return null;
        }
        for (String field : DELEGATES) {
            if (m.has(field)) {
                return jdkBacked(ctx, object, ctx.ref(m, field));
            }
        }
        if (m.has("entries") && (m.has("table") || m.has("keyTable"))) {
            return entryArray(ctx, object, m);
        }
        if (m.has("alternatingKeysAndValues")) {
            return alternating(ctx, object, m);
        }
        if (m.has("singleKey") && m.has("singleValue")) {
            long key = ctx.refId(m, "singleKey");
            long value = ctx.refId(m, "singleValue");
            WalkStats stats = new WalkStats();
            stats.entries = 1;
            return view(ctx, object, 1, -1, stats, Map.of("bidirectional", true),
                    (self, sink) -> sink.entry(-1, key, value, 0, false, -1));
        }
        if (m.has("keySet") && m.has("valueList")) {
            return sorted(ctx, object, m);
        }
        return null;
    }

    @Override
    public void internals(MapContext ctx, int object, IntConsumer out) {
        Instance m = ctx.instance(object);
        for (String field : new String[] {"delegateMap", "forwardDelegate", "backwardDelegate", "lazyInverse"}) {
            int inner = ctx.ref(m, field);
            if (inner >= 0) {
                out.accept(inner);
            }
        }
    }

    /** Entries in an array, each an entry object; the hash index is walked for its shape only. */
    private static MapView entryArray(MapContext ctx, int object, Instance m) {
        int entriesArray = ctx.ref(m, "entries");
        int table = ctx.ref(m, m.has("table") ? "table" : "keyTable");
        long[] entries = ctx.elements(entriesArray);
        long count = 0;
        for (long e : entries) {
            if (e != 0) {
                count++;
            }
        }
        WalkStats stats = new WalkStats();
        long indexed = 0;
        for (long head : ctx.elements(table)) {
            long length = 0;
            for (long id = head; id != 0 && length <= count; id = ctx.refId(ctx.instance(ctx.object(id)),
                    "nextInKeyBucket")) {
                length++;
            }
            stats.bin(length);
            indexed += length;
        }
        if (table >= 0 && indexed != count) {
            stats.problem(String.format("the hash index reaches %,d entries, the entry array holds %,d", indexed,
                    count));
        }
        stats.entries = count;
        Map<String, Object> settings = m.has("keyTable") ? Map.of("bidirectional", true) : Map.of();
        return view(ctx, object, count, table >= 0 ? ctx.arrayLength(table) : -1, stats, settings, (self, sink) -> {
            for (long e : ctx.elements(entriesArray)) {
                Instance entry = ctx.instance(ctx.object(e));
                if (entry != null && !sink.entry(entry.object(), ctx.refId(entry, "key"), ctx.refId(entry, "value"),
                        0, false, -1)) {
                    return;
                }
            }
        });
    }

    private static MapView alternating(MapContext ctx, int object, Instance m) {
        int array = ctx.ref(m, "alternatingKeysAndValues");
        long[] ids = ctx.elements(array);
        long size = Math.min(ctx.intOr(m, "size", ids.length / 2), ids.length / 2);
        WalkStats stats = new WalkStats();
        stats.entries = size;
        int hashTable = ctx.ref(m, "hashTable");
        long capacity = hashTable >= 0 ? ctx.arrayLength(hashTable) : -1;
        return view(ctx, object, size, capacity, stats, Map.of(), (self, sink) -> {
            long[] kv = ctx.elements(array);
            for (int i = 0; i < size; i++) {
                if (!sink.entry(-1, kv[2 * i], kv[2 * i + 1], 0, false, -1)) {
                    return;
                }
            }
        });
    }

    private static MapView sorted(MapContext ctx, int object, Instance m) {
        long[] keys = list(ctx, ctx.ref(ctx.instance(ctx.ref(m, "keySet")), "elements"), 0);
        long[] values = list(ctx, ctx.ref(m, "valueList"), 0);
        if (keys == null || values == null) {
            return null; // a list implementation this decoder does not know
        }
        WalkStats stats = new WalkStats();
        int n = Math.min(keys.length, values.length);
        stats.entries = n;
        if (keys.length != values.length) {
            stats.problem(String.format("%,d keys but %,d values", keys.length, values.length));
        }
        return view(ctx, object, n, -1, stats, Map.of("sorted", true), (self, sink) -> {
            for (int i = 0; i < n; i++) {
                if (!sink.entry(-1, keys[i], values[i], 0, false, -1)) {
                    return;
                }
            }
        });
    }

    /** The element ids of a Guava {@code ImmutableList}, or null for an implementation not known here. */
    private static long[] list(MapContext ctx, int object, int depth) {
        Instance l = ctx.instance(object);
        if (l == null || depth > MAX_LIST_DEPTH) {
            return null;
        }
        if (l.has("array")) { // RegularImmutableList; offset and size only in older and Android versions
            long[] a = ctx.elements(ctx.ref(l, "array"));
            int from = Math.min(Math.max(0, ctx.intOr(l, "offset", 0)), a.length);
            int size = Math.min(ctx.intOr(l, "size", a.length - from), a.length - from);
            return Arrays.copyOfRange(a, from, from + Math.max(0, size));
        }
        if (l.has("element")) { // SingletonImmutableList
            return new long[] {ctx.refId(l, "element")};
        }
        if (l.has("forwardList")) { // ImmutableList$ReverseImmutableList
            long[] forward = list(ctx, ctx.ref(l, "forwardList"), depth + 1);
            if (forward == null) {
                return null;
            }
            long[] reversed = new long[forward.length];
            for (int i = 0; i < forward.length; i++) {
                reversed[i] = forward[forward.length - 1 - i];
            }
            return reversed;
        }
        if (l.has("offset") && l.has("length") && l.has("this$0")) { // ImmutableList$SubList
            long[] parent = list(ctx, ctx.ref(l, "this$0"), depth + 1);
            if (parent == null) {
                return null;
            }
            int from = Math.min(Math.max(0, ctx.intOr(l, "offset", 0)), parent.length);
            int length = Math.min(Math.max(0, ctx.intOr(l, "length", 0)), parent.length - from);
            return Arrays.copyOfRange(parent, from, from + length);
        }
        return null;
    }

    private MapView jdkBacked(MapContext ctx, int object, int delegate) {
        MapView v = delegate >= 0 ? catalog.decode(ctx, delegate) : null;
        if (v == null) {
            return null;
        }
        Map<String, Object> settings = new LinkedHashMap<>(v.settings());
        settings.put("backedBy", v.implementation());
        return new MapView(object, v.storage(), ctx.className(object), MapKind.IMMUTABLE, false, v.size(),
                v.entriesReached(), v.capacity(), v.loadFactor(), v.threshold(), v.modCount(), true,
                v.consistency(), settings, (self, sink) -> v.entries(sink));
    }

    private static MapView view(MapContext ctx, int object, long size, long capacity, WalkStats stats,
            Map<String, Object> settings, MapView.Walker walker) {
        return new MapView(object, object, ctx.className(object), MapKind.IMMUTABLE, false, size, stats.entries,
                capacity, Float.NaN, -1, -1, true, stats.result(size), settings, walker);
    }
}
