package io.mapleak.maps;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guava and Caffeine caches and maps decoded from a real JVM's dump ({@code library-maps}, Guava 33.5.0-jre and
 * Caffeine 3.2.2) against what the libraries themselves reported there: sizes, configured bounds, and an entry
 * each map held, on the JDK 17 and JDK 25 layouts.
 */
class LibraryDecodersTest {
    private static final String SCENARIO_CLASS = "io.mapleak.fixtures.scenario.LibraryMaps";
    private static final List<String> GUAVA_CACHES =
            List.of("GUAVA_SIZED", "GUAVA_UNBOUNDED", "GUAVA_EXPIRING", "GUAVA_WEIGHED", "GUAVA_WEAK_KEYS");
    private static final List<String> CAFFEINE_CACHES =
            List.of("CAFFEINE_SIZED", "CAFFEINE_UNBOUNDED", "CAFFEINE_EXPIRING", "CAFFEINE_WEIGHED", "CAFFEINE_WEAK");
    private static final List<String> GUAVA_MAPS =
            List.of("GUAVA_IMMUTABLE", "GUAVA_SINGLETON", "GUAVA_JDK_BACKED", "GUAVA_SORTED", "GUAVA_BIMAP");

    static Stream<Jvm> layouts() {
        return Stream.of(Jvm.JDK17, Jvm.JDK25);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void guavaCachesHaveTheSizeBoundsAndEntriesGuavaReported(Jvm jvm) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, "library-maps");
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults())) {
            MapContext ctx = new MapContext(index);
            MapCatalog catalog = MapCatalog.standard(List.of());
            for (String name : GUAVA_CACHES) {
                MapView v = catalog.decode(ctx, anchored(index, name));
                assertCache(index, dump, name, v);
                assertThat(index.classOf(v.storage()).name()).isEqualTo("com.google.common.cache.LocalCache");
                assertThat(v.capacity()).as("%s capacity", name).isGreaterThanOrEqualTo(v.size());
                assertThat(v.loadFactor()).isEqualTo(0.75f);
                assertThat(v.settings()).containsEntry("segments", 4);
            }
            MapView sized = catalog.decode(ctx, anchored(index, "GUAVA_SIZED"));
            assertThat(sized.size()).isEqualTo(dump.fact("maximumSize.GUAVA_SIZED")); // 150 puts: at its bound
            assertThat(sized.settings()).containsEntry("maximumSize", dump.fact("maximumSize.GUAVA_SIZED"))
                    .doesNotContainKey("maximumWeight").containsEntry("expireAfterWriteNanos", 0L);
            assertThat(catalog.decode(ctx, anchored(index, "GUAVA_UNBOUNDED")).settings())
                    .doesNotContainKeys("maximumSize", "maximumWeight").containsEntry("expireAfterWriteNanos", 0L)
                    .containsEntry("expireAfterAccessNanos", 0L).containsEntry("keyStrength", "STRONG");
            MapView expiring = catalog.decode(ctx, anchored(index, "GUAVA_EXPIRING"));
            assertThat(expiring.implementation()).isEqualTo("com.google.common.cache.LocalCache$LocalLoadingCache");
            assertThat(expiring.settings()).doesNotContainKey("maximumSize")
                    .containsEntry("expireAfterWriteNanos", dump.fact("expireAfterWriteNanos.GUAVA_EXPIRING"));
            MapView weighed = catalog.decode(ctx, anchored(index, "GUAVA_WEIGHED"));
            assertThat(weighed.settings()).containsEntry("maximumWeight", dump.fact("maximumWeight.GUAVA_WEIGHED"))
                    .doesNotContainKey("maximumSize");
            assertThat((String) weighed.settings().get("weigher")).startsWith(SCENARIO_CLASS + "$$Lambda");
            MapView weak = catalog.decode(ctx, anchored(index, "GUAVA_WEAK_KEYS"));
            assertThat(weak.settings()).containsEntry("keyStrength", "WEAK").containsEntry("valueStrength", "STRONG");
            assertThat(weak.consistency().staleEntries()).isZero(); // every key is held by LibraryMaps.KEEP
            assertThat(hashesKnown(weak)).as("weak keys are hashed by identity").isZero();
            assertThat(hashesKnown(sized)).isEqualTo(sized.size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void caffeineCachesHaveTheSizeBoundsAndEntriesCaffeineReported(Jvm jvm) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, "library-maps");
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults())) {
            MapContext ctx = new MapContext(index);
            MapCatalog catalog = MapCatalog.standard(List.of());
            for (String name : CAFFEINE_CACHES) {
                int wrapper = anchored(index, name);
                MapView v = catalog.decode(ctx, wrapper);
                assertCache(index, dump, name, v);
                assertThat(index.classOf(v.storage()).name()).isEqualTo("java.util.concurrent.ConcurrentHashMap");
                // The cache inside the wrapper decodes alike; bounded ones are generated subclasses (SSMS...).
                int inner = index.reader().instance(wrapper).refIndex("cache");
                MapView direct = catalog.decode(ctx, inner);
                assertThat(direct.size()).isEqualTo(v.size());
                assertThat(direct.storage()).isEqualTo(v.storage());
                if (dump.factString("class." + name).contains("Bounded")) {
                    assertThat(ctx.isA(inner, CaffeineCacheDecoder.BOUNDED)).isTrue();
                    assertThat(index.classOf(inner).name()).isNotEqualTo(CaffeineCacheDecoder.BOUNDED);
                }
            }
            MapView sized = catalog.decode(ctx, anchored(index, "CAFFEINE_SIZED"));
            assertThat(sized.size()).isEqualTo(dump.fact("maximumSize.CAFFEINE_SIZED")); // 500 puts, cleaned up
            assertThat(sized.settings()).containsEntry("maximumSize", dump.fact("maximumSize.CAFFEINE_SIZED"))
                    .containsEntry("weightedSize", sized.size()).doesNotContainKey("maximumWeight");
            assertThat(hashesKnown(sized)).isEqualTo(sized.size());
            assertThat(catalog.decode(ctx, anchored(index, "CAFFEINE_UNBOUNDED")).settings())
                    .doesNotContainKeys("maximumSize", "maximumWeight").containsEntry("expireAfterAccessNanos", 0L);
            assertThat(catalog.decode(ctx, anchored(index, "CAFFEINE_EXPIRING")).settings())
                    .doesNotContainKey("maximumSize").containsEntry("expireVariable", false)
                    .containsEntry("expireAfterAccessNanos", dump.fact("expireAfterAccessNanos.CAFFEINE_EXPIRING"))
                    .containsEntry("expireAfterWriteNanos", 0L);
            MapView weighed = catalog.decode(ctx, anchored(index, "CAFFEINE_WEIGHED"));
            assertThat(weighed.settings())
                    .containsEntry("maximumWeight", dump.fact("maximumWeight.CAFFEINE_WEIGHED"))
                    .doesNotContainKey("maximumSize");
            assertThat((String) weighed.settings().get("weigher")).startsWith(SCENARIO_CLASS + "$$Lambda");
            MapView weak = catalog.decode(ctx, anchored(index, "CAFFEINE_WEAK"));
            assertThat(weak.settings()).containsEntry("keyStrength", "WEAK").containsEntry("valueStrength", "WEAK");
            assertThat(weak.consistency().staleEntries()).isZero(); // keys and values held by LibraryMaps.KEEP
            assertThat(hashesKnown(weak)).as("weak keys are hashed by identity").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void guavaImmutableMapsAndHashBiMapHoldWhatGuavaReported(Jvm jvm) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, "library-maps");
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults())) {
            MapContext ctx = new MapContext(index);
            MapCatalog catalog = MapCatalog.standard(List.of());
            for (String name : GUAVA_MAPS) {
                MapView v = catalog.decode(ctx, anchored(index, name));
                assertThat(v).as(name).isNotNull();
                assertThat(v.implementation()).isEqualTo(dump.factString("class." + name));
                assertThat(v.size()).as("%s size", name).isEqualTo(dump.fact("size." + name));
                assertThat(v.entriesReached()).isEqualTo(v.size());
                assertThat(v.consistency().corrupt()).as("%s: %s", name, v.consistency()).isFalse();
                assertThat(v.consistency().problems()).isEmpty();
                assertThat(entries(index, v)).as("%s entries", name).hasSize((int) v.size())
                        .contains(sample(dump, name));
                assertThat(v.kind()).isEqualTo(name.equals("GUAVA_BIMAP") ? MapKind.HASH_TABLE : MapKind.IMMUTABLE);
            }
            MapView immutable = catalog.decode(ctx, anchored(index, "GUAVA_IMMUTABLE"));
            assertThat(immutable.capacity()).isGreaterThanOrEqualTo(immutable.size());
            assertThat(immutable.consistency().binsUsed()).isPositive();
            MapView jdkBacked = catalog.decode(ctx, anchored(index, "GUAVA_JDK_BACKED"));
            assertThat(index.classOf(jdkBacked.storage()).name()).isEqualTo("java.util.HashMap");
            assertThat(jdkBacked.consistency().longestBin()).isEqualTo(jdkBacked.size()); // one hashCode for all
            MapView bimap = catalog.decode(ctx, anchored(index, "GUAVA_BIMAP"));
            assertThat(bimap.capacity()).isGreaterThanOrEqualTo(bimap.size());
            assertThat(bimap.consistency().linkedOrderMismatch()).isFalse();
            assertThat(hashesKnown(bimap)).isEqualTo(bimap.size());
            assertThat(bimap.modCount()).isGreaterThanOrEqualTo(bimap.size()); // each put, and each resize
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void findAllListsEachCacheOnceAndNotItsInnerCacheOrStorage(Jvm jvm) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, "library-maps");
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults())) {
            List<MapView> all = MapCatalog.standard(List.of()).findAll(index);
            List<String> names = List.of(dump.factString("names").split(","));
            assertThat(names).hasSize(GUAVA_CACHES.size() + CAFFEINE_CACHES.size() + GUAVA_MAPS.size());
            for (String name : names) {
                int object = anchored(index, name);
                assertThat(all.stream().filter(v -> v.object() == object)).as(name).hasSize(1);
                MapView listed = all.stream().filter(v -> v.object() == object).findFirst().orElseThrow();
                if (listed.storage() != object) {
                    assertThat(all).as("%s: its storage is an internal", name)
                            .noneMatch(v -> v.object() == listed.storage());
                }
                if (GUAVA_CACHES.contains(name) || CAFFEINE_CACHES.contains(name)) {
                    var wrapper = index.reader().instance(object);
                    int inner = wrapper.refIndex(wrapper.has("cache") ? "cache" : "localCache");
                    assertThat(all).as("%s: the cache inside the wrapper is an internal", name)
                            .noneMatch(v -> v.object() == inner);
                }
            }
            // inverse() of the singleton bimap holds the same entry; listed once, as the map the field holds.
            int inverse = index.reader().instance(anchored(index, "GUAVA_SINGLETON")).refIndex("lazyInverse");
            assertThat(index.classOf(inverse).name()).isEqualTo(dump.factString("class.GUAVA_SINGLETON"));
            assertThat(all).noneMatch(v -> v.object() == inverse);
        }
    }

    /** Checks what every cache shares: its kind, class, size, bound and sample entry as the library reported. */
    private static void assertCache(HeapIndex index, FixtureDump dump, String name, MapView v) {
        assertThat(v).as(name).isNotNull();
        assertThat(v.kind()).isEqualTo(MapKind.CACHE);
        assertThat(v.implementation()).isEqualTo(dump.factString("class." + name));
        assertThat(v.threadSafe()).isTrue();
        assertThat(v.size()).as("%s size", name).isEqualTo(dump.fact("size." + name));
        assertThat(v.entriesReached()).as("%s entries reached", name).isEqualTo(v.size());
        assertThat(v.consistency().corrupt()).as("%s: %s", name, v.consistency()).isFalse();
        assertThat(v.settings()).as(name)
                .containsEntry("bounded", Boolean.parseBoolean(dump.factString("bounded." + name)));
        assertThat(entries(index, v)).as("%s entries", name).hasSize((int) v.size()).contains(sample(dump, name));
    }

    /** The instance a static field of the scenario class holds. */
    private static int anchored(HeapIndex index, String field) {
        for (ClassInfo c : index.classes()) {
            if (!c.name().equals(SCENARIO_CLASS)) {
                continue;
            }
            for (int i = 0; i < c.staticCount(); i++) {
                if (c.staticName(i).equals(field)) {
                    int object = index.indexOf(c.staticValue(i));
                    assertThat(object).as("object of %s.%s", SCENARIO_CLASS, field).isNotNegative();
                    return object;
                }
            }
        }
        throw new AssertionError("no static field " + field + " in " + SCENARIO_CLASS);
    }

    /** Every entry as {@code "key"="value"} text. */
    private static List<String> entries(HeapIndex index, MapView v) {
        ValueText text = new ValueText(index, 100);
        List<String> out = new ArrayList<>();
        v.entries((node, key, value, hash, known, bin) -> {
            out.add(text.of(key) + "=" + text.of(value));
            return true;
        });
        return out;
    }

    private static String sample(FixtureDump dump, String name) {
        return "\"" + dump.factString("sample." + name + ".key") + "\"=\""
                + dump.factString("sample." + name + ".value") + "\"";
    }

    private static long hashesKnown(MapView v) {
        long[] known = {0};
        v.entries((node, key, value, hash, hashKnown, bin) -> {
            if (hashKnown) {
                known[0]++;
            }
            return true;
        });
        return known[0];
    }
}
