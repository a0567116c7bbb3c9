package io.mapleak.maps;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Knows which classes are maps and which decoder reads each: a table of class name to decoder, where a class
 * without its own entry uses its nearest superclass's (a user's {@code class Cache extends LinkedHashMap}).
 * {@link #findAll} decodes every map of a dump, leaving out maps that are another map's internals.
 */
public final class MapCatalog {
    private final Map<String, MapDecoder> decoders = new HashMap<>();

    /** The catalogue of every implementation mapleak knows, plus {@code userMaps} (may be empty). */
    public static MapCatalog standard(List<UserMapSpec> userMaps) {
        MapCatalog c = new MapCatalog();
        MapDecoder hashMap = new HashMapDecoder();
        c.register(hashMap, "java.util.HashMap", "java.util.LinkedHashMap");
        // Ehcache 3 ships its own copy of JDK 8's ConcurrentHashMap (same fields, same nodes) for its heap tier.
        c.register(new ConcurrentHashMapDecoder(), "java.util.concurrent.ConcurrentHashMap",
                "org.ehcache.impl.internal.concurrent.ConcurrentHashMap");
        c.register(new DelegatingDecoder(c, true, "map"), "java.util.HashSet",
                "java.util.concurrent.ConcurrentHashMap$KeySetView");
        c.register(new DelegatingDecoder(c, true, "m"), "java.util.TreeSet",
                "java.util.concurrent.ConcurrentSkipListSet", "java.util.Collections$SetFromMap");
        c.register(new DelegatingDecoder(c, false, "m"), "java.util.Collections$UnmodifiableMap",
                "java.util.Collections$UnmodifiableSortedMap", "java.util.Collections$UnmodifiableNavigableMap",
                "java.util.Collections$SynchronizedMap", "java.util.Collections$SynchronizedSortedMap",
                "java.util.Collections$SynchronizedNavigableMap", "java.util.Collections$CheckedMap",
                "java.util.Collections$CheckedSortedMap", "java.util.Collections$CheckedNavigableMap");
        MoreDecoders.register(c);
        for (UserMapSpec spec : userMaps) {
            c.register(new UserMapDecoder(spec), spec.className());
        }
        return c;
    }

    void register(MapDecoder decoder, String... classNames) {
        for (String n : classNames) {
            decoders.put(n, decoder);
        }
    }

    /** The decoder for each class of the index (null where a class is not a map), resolved up the hierarchy. */
    private MapDecoder[] resolve(HeapIndex index) {
        List<ClassInfo> classes = index.classes();
        MapDecoder[] out = new MapDecoder[classes.size()];
        for (ClassInfo c : classes) {
            if (c.isArray()) {
                continue;
            }
            for (ClassInfo k = c; k != null; k = k.superIndex() >= 0 ? classes.get(k.superIndex()) : null) {
                MapDecoder d = decoders.get(k.name());
                if (d != null) {
                    out[c.index()] = d;
                    break;
                }
            }
        }
        return out;
    }

    /** The view of one object, or null if it is not a map this catalogue can read. */
    public MapView decode(MapContext ctx, int object) {
        if (object < 0 || ctx.index().isMirror(object)) {
            return null;
        }
        MapDecoder d = null;
        List<ClassInfo> classes = ctx.index().classes();
        for (ClassInfo k = ctx.index().classOf(object); k != null && d == null;
                k = k.superIndex() >= 0 ? classes.get(k.superIndex()) : null) {
            d = decoders.get(k.name());
        }
        if (d == null) {
            return null;
        }
        try {
            return decodeCounting(d, ctx, object);
        } catch (RuntimeException e) {
            return null; // a map whose fields are not as expected (another version): not decodable, not fatal
        }
    }

    private static MapView decodeCounting(MapDecoder d, MapContext ctx, int object) {
        ctx.startCounting();
        MapView v = d.decode(ctx, object);
        return v == null ? null : v.withMissingObjects(ctx.missingSinceStart());
    }

    /**
     * The maps of a dump, and the objects of a map class that could not be decoded (fields not as the decoder
     * knows them, or internals that defeat it): how many, and the first few in words.
     */
    public record Decoded(List<MapView> maps, int failures, List<String> failureExamples) {
    }

    /** Every map of the dump that is not another map's internals, in object order. */
    public List<MapView> findAll(HeapIndex index) {
        return findAll(index, null);
    }

    /** Whether {@code outer} dominates {@code inner} (within a few steps: a wrapper, a cache and its table). */
    private static boolean dominates(io.mapleak.graph.DominatorTree tree, int outer, int inner) {
        int d = inner;
        for (int i = 0; i < 8 && d >= 0; i++) {
            d = tree.dominator(d);
            if (d == outer) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every map of the dump, in object order, leaving out maps that are another map's internals (a HashSet's
     * HashMap, a wrapper's map). With {@code tree}, an inner map is left out only when its outer map dominates it:
     * a map also held in a field of its own stays listed, under its own owner.
     */
    public List<MapView> findAll(HeapIndex index, io.mapleak.graph.DominatorTree tree) {
        return decodeAll(index, tree).maps();
    }

    /** {@link #findAll(HeapIndex, io.mapleak.graph.DominatorTree)}, with the maps that failed to decode counted. */
    public Decoded decodeAll(HeapIndex index, io.mapleak.graph.DominatorTree tree) {
        MapContext ctx = new MapContext(index);
        MapDecoder[] byClass = resolve(index);
        int n = index.objectCount();
        BitSet internal = new BitSet(n);
        for (int o = 0; o < n; o++) {
            MapDecoder d = byClass[index.classIndexOf(o)];
            if (d != null && !index.isMirror(o)) {
                final int outer = o;
                try {
                    d.internals(ctx, o, inner -> {
                        // A view that hides itself (its map caches it) is always hidden.
                        if (tree == null || inner == outer || dominates(tree, outer, inner)) {
                            internal.set(inner);
                        }
                    });
                } catch (RuntimeException e) {
                    // undecodable: it will be left out below too
                }
            }
        }
        // Decoding only reads (the index and the mapped file), so maps decode in parallel, kept in object order.
        int[] candidates = java.util.stream.IntStream.range(0, n)
                .filter(o -> byClass[index.classIndexOf(o)] != null && !internal.get(o) && !index.isMirror(o)).toArray();
        MapView[] views = new MapView[candidates.length];
        String[] errors = new String[candidates.length];
        java.util.stream.IntStream.range(0, candidates.length).parallel().forEach(k -> {
            int o = candidates[k];
            try {
                views[k] = decodeCounting(byClass[index.classIndexOf(o)], ctx, o);
            } catch (RuntimeException e) {
                // fields not as this decoder knows them: not listed, but counted
                errors[k] = index.classOf(o).name() + " 0x" + Long.toHexString(index.id(o)) + ": " + e;
            }
        });
        List<MapView> maps = new ArrayList<>(views.length);
        int failures = 0;
        List<String> examples = new ArrayList<>();
        for (int k = 0; k < views.length; k++) {
            if (views[k] != null) {
                maps.add(views[k]);
            } else if (errors[k] != null && failures++ < 5) {
                examples.add(errors[k]);
            }
        }
        return new Decoded(maps, failures, examples);
    }
}
