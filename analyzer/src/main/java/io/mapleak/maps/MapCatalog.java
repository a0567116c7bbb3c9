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
        Candidates c = candidates(index);
        // Decoding only reads (the index and the dump), so maps decode on every core, claimed in chunks.
        java.util.stream.IntStream.range(0, Runtime.getRuntime().availableProcessors()).parallel()
                .forEach(i -> c.decode());
        return c.finish(tree);
    }

    /**
     * Every object of a map class, to be decoded by {@link Candidates#decode} (in any threads), with each map's
     * internals (a HashSet's HashMap, a wrapper's map) noted: everything of {@link #decodeAll} that needs only the
     * index, so it can run while the dominator tree is computed. {@link Candidates#finish} then leaves out the
     * internals the tree confirms.
     */
    public Candidates candidates(HeapIndex index) {
        MapContext ctx = new MapContext(index);
        MapDecoder[] byClass = resolve(index);
        int n = index.objectCount();
        com.carrotsearch.hppc.LongArrayList internals = new com.carrotsearch.hppc.LongArrayList();
        com.carrotsearch.hppc.IntArrayList candidates = new com.carrotsearch.hppc.IntArrayList();
        for (int o = 0; o < n; o++) {
            MapDecoder d = byClass[index.classIndexOf(o)];
            if (d != null && !index.isMirror(o)) {
                candidates.add(o);
                final long outer = o;
                try {
                    d.internals(ctx, o, inner -> internals.add(outer << 32 | (inner & 0xFFFF_FFFFL)));
                } catch (RuntimeException e) {
                    // undecodable: decoding it fails too, and it is counted then
                }
            }
        }
        return new Candidates(index, ctx, byClass, candidates.toArray(), internals.toArray());
    }

    /**
     * Every object of a map class, decoded by whichever threads call {@link #decode} (each claims chunks of
     * {@link #CHUNK} maps until none is left), and the (outer, inner) pairs of maps that hold another as their
     * internals. The views stay in object order whoever decodes them.
     */
    public static final class Candidates {
        private static final int CHUNK = 256;
        private final HeapIndex index;
        private final MapContext ctx;
        private final MapDecoder[] byClass;
        private final int[] objects;
        private final MapView[] views;
        private final String[] errors;
        private final long[] internals;
        private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.CountDownLatch chunksLeft;
        private final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                new java.util.concurrent.atomic.AtomicReference<>();

        Candidates(HeapIndex index, MapContext ctx, MapDecoder[] byClass, int[] objects, long[] internals) {
            this.index = index;
            this.ctx = ctx;
            this.byClass = byClass;
            this.objects = objects;
            this.views = new MapView[objects.length];
            this.errors = new String[objects.length];
            this.internals = internals;
            this.chunksLeft = new java.util.concurrent.CountDownLatch((objects.length + CHUNK - 1) / CHUNK);
        }

        /** Decodes chunks of maps until every chunk is claimed; safe to call from several threads at once. */
        public void decode() {
            while (true) {
                int from = next.getAndAdd(CHUNK);
                if (from >= objects.length) {
                    return;
                }
                try {
                    for (int k = from, to = Math.min(objects.length, from + CHUNK); k < to; k++) {
                        int o = objects[k];
                        try {
                            views[k] = decodeCounting(byClass[index.classIndexOf(o)], ctx, o);
                        } catch (RuntimeException e) {
                            // fields not as this decoder knows them: not listed, but counted
                            errors[k] = index.classOf(o).name() + " 0x" + Long.toHexString(index.id(o)) + ": " + e;
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e); // rethrown by finish, in the thread that asks for the maps
                } finally {
                    chunksLeft.countDown();
                }
            }
        }

        /**
         * Leaves the chunks nobody has claimed yet undecoded: {@link #decode} returns after its current chunk. For
         * an analysis that failed elsewhere; {@link #finish} must not be called after it.
         */
        public void stop() {
            next.set(Integer.MAX_VALUE / 2);
        }

        /**
         * Helps decode what is left, waits for the chunks other threads hold, and returns the maps, leaving out
         * another map's internals; with {@code tree}, an inner map is left out only when its outer map dominates it
         * (a view that hides itself, its map caching it, always is).
         */
        public Decoded finish(io.mapleak.graph.DominatorTree tree) {
            decode();
            boolean interrupted = false;
            while (true) {
                try {
                    chunksLeft.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable f = failure.get();
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
            BitSet internal = new BitSet(index.objectCount());
            for (long pair : internals) {
                int outer = (int) (pair >>> 32);
                int inner = (int) pair;
                if (tree == null || inner == outer || dominates(tree, outer, inner)) {
                    internal.set(inner);
                }
            }
            List<MapView> maps = new ArrayList<>(views.length);
            int failures = 0;
            List<String> examples = new ArrayList<>();
            for (int k = 0; k < views.length; k++) {
                if (internal.get(objects[k])) {
                    continue;
                }
                if (views[k] != null) {
                    maps.add(views[k]);
                } else if (errors[k] != null && failures++ < 5) {
                    examples.add(errors[k]);
                }
            }
            return new Decoded(maps, failures, examples);
        }
    }
}
