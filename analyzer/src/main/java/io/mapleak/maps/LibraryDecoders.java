package io.mapleak.maps;

/**
 * Guava and Caffeine maps and caches, and Groovy's memoizing caches. The objects users hold ({@code Cache},
 * {@code LoadingCache} and async wrappers) are listed; the cache inside them and its storage are their internals.
 */
final class LibraryDecoders {
    private LibraryDecoders() {
    }

    static void register(MapCatalog c) {
        c.register(new GuavaCacheDecoder(), "com.google.common.cache.LocalCache");
        // LocalLoadingCache extends LocalManualCache: found through the superclass.
        c.register(new DelegatingDecoder(c, false, "localCache"),
                "com.google.common.cache.LocalCache$LocalManualCache");
        c.register(new GuavaImmutableMapDecoder(c), "com.google.common.collect.RegularImmutableMap",
                "com.google.common.collect.RegularImmutableBiMap", "com.google.common.collect.SingletonImmutableBiMap",
                "com.google.common.collect.JdkBackedImmutableMap", "com.google.common.collect.JdkBackedImmutableBiMap",
                "com.google.common.collect.ImmutableSortedMap");
        c.register(new HashBiMapDecoder(), "com.google.common.collect.HashBiMap");
        c.register(new MapMakerDecoder(), MapMakerDecoder.CLASS);
        // An interner is the set of the objects it interned, in its map.
        c.register(new DelegatingDecoder(c, true, "map"), "com.google.common.collect.Interners$InternerImpl");

        // Groovy's caches (GroovyClassLoader.classCache, its type and call-site caches) wrap a map: the cache is what
        // its owner's field holds and names it (GroovyClassLoader.classCache, not UnlimitedConcurrentCache.map,
        // a label every such cache would share).
        c.register(new DelegatingDecoder(c, false, "map"), "org.codehaus.groovy.runtime.memoize.UnlimitedConcurrentCache",
                "org.codehaus.groovy.runtime.memoize.CommonCache");
        c.register(new DelegatingDecoder(c, false, "commonCache"),
                "org.codehaus.groovy.runtime.memoize.ConcurrentCommonCache",
                "org.codehaus.groovy.runtime.memoize.StampedCommonCache");

        // BoundedLocalCache is abstract: the generated subclasses (SSMS, WSLMSW...) find it as their superclass.
        c.register(new CaffeineCacheDecoder(c), "com.github.benmanes.caffeine.cache.UnboundedLocalCache",
                CaffeineCacheDecoder.BOUNDED);
        c.register(new DelegatingDecoder(c, false, "cache"),
                "com.github.benmanes.caffeine.cache.UnboundedLocalCache$UnboundedLocalManualCache",
                "com.github.benmanes.caffeine.cache.UnboundedLocalCache$UnboundedLocalAsyncCache",
                "com.github.benmanes.caffeine.cache.UnboundedLocalCache$UnboundedLocalAsyncLoadingCache",
                "com.github.benmanes.caffeine.cache.BoundedLocalCache$BoundedLocalManualCache",
                "com.github.benmanes.caffeine.cache.BoundedLocalCache$BoundedLocalAsyncCache",
                "com.github.benmanes.caffeine.cache.BoundedLocalCache$BoundedLocalAsyncLoadingCache");
    }
}
