package io.mapleak.maps;

/** JDK maps beyond the HashMap and ConcurrentHashMap families, and the views of every JDK map. */
final class JdkDecoders {
    private JdkDecoders() {
    }

    static void register(MapCatalog c) {
        c.register(new HashtableDecoder(c), "java.util.Hashtable", "java.util.Properties");
        c.register(new WeakHashMapDecoder(), "java.util.WeakHashMap");
        c.register(new IdentityHashMapDecoder(), "java.util.IdentityHashMap");
        // Not a java.util.Map, and nothing else extends it: named exactly.
        c.register(new ThreadLocalMapDecoder(), "java.lang.ThreadLocal$ThreadLocalMap");
        c.register(new EnumMapDecoder(), "java.util.EnumMap");
        c.register(new TreeMapDecoder(), "java.util.TreeMap");
        c.register(new SkipListMapDecoder(), "java.util.concurrent.ConcurrentSkipListMap");
        c.register(new ImmutableCollectionsDecoder(), "java.util.ImmutableCollections$Map1",
                "java.util.ImmutableCollections$MapN", "java.util.ImmutableCollections$SetN",
                "java.util.ImmutableCollections$Set12");
        c.register(new SingletonMapDecoder(), "java.util.Collections$SingletonMap", "java.util.Collections$EmptyMap");
        registerViews(c);
    }

    /**
     * Key, value and entry views. Inner classes reach their map through the synthetic {@code this$0}; static
     * nested ones through {@code m} or {@code map}. Views over a sub-map ({@code TreeMap.headMap(k).keySet()})
     * are not decoded: the catalogue does not read sub-maps, whose entries are a range of their map's.
     */
    private static void registerViews(MapCatalog c) {
        c.register(new ViewDecoder(c, true, false, "this$0"), "java.util.HashMap$KeySet",
                "java.util.HashMap$EntrySet", "java.util.LinkedHashMap$LinkedKeySet",
                "java.util.LinkedHashMap$LinkedEntrySet", "java.util.TreeMap$EntrySet", "java.util.Hashtable$KeySet",
                "java.util.Hashtable$EntrySet", "java.util.WeakHashMap$KeySet", "java.util.WeakHashMap$EntrySet",
                "java.util.IdentityHashMap$KeySet", "java.util.IdentityHashMap$EntrySet", "java.util.EnumMap$KeySet",
                "java.util.EnumMap$EntrySet");
        c.register(new ViewDecoder(c, false, false, "this$0"), "java.util.HashMap$Values",
                "java.util.LinkedHashMap$LinkedValues", "java.util.TreeMap$Values",
                "java.util.Hashtable$ValueCollection", "java.util.WeakHashMap$Values",
                "java.util.IdentityHashMap$Values", "java.util.EnumMap$Values");
        c.register(new ViewDecoder(c, true, false, "m"), "java.util.TreeMap$KeySet",
                "java.util.concurrent.ConcurrentSkipListMap$KeySet",
                "java.util.concurrent.ConcurrentSkipListMap$EntrySet");
        c.register(new ViewDecoder(c, false, false, "m"), "java.util.concurrent.ConcurrentSkipListMap$Values");
        c.register(new ViewDecoder(c, true, false, "map"), "java.util.concurrent.ConcurrentHashMap$EntrySetView");
        c.register(new ViewDecoder(c, false, false, "map"), "java.util.concurrent.ConcurrentHashMap$ValuesView");
        // Replaces the catalogue's plain delegation: map.keySet() is a view, newKeySet() owns its map.
        c.register(new ViewDecoder(c, true, true, "map"), "java.util.concurrent.ConcurrentHashMap$KeySetView");
        // JDK 21+: LinkedHashMap.reversed(), a map view made anew on each call.
        c.register(new ViewDecoder(c, false, false, "base"), "java.util.LinkedHashMap$ReversedLinkedHashMapView");
    }
}
