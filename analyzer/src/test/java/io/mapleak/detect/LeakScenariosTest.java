package io.mapleak.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mapleak.cli.Main;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One leak (or waste, or damage) per detector, built the way real code builds it by the fixture scenarios
 * ({@code io.mapleak.fixtures.scenario.SessionRegistry}, {@code PurgedMap}...), analysed end to end with
 * {@code mapleak analyze --json}: the leaking map's suspect leads the report, its findings have the right kind, its
 * owner is the field that holds it, and every number of the evidence is what the fixture JVM measured before the
 * dump. Healthy programs of the same kinds (bounded caches, a large lookup table, an ordinary application) get no
 * {@code high} suspect. Plus {@code --redact} and {@code --fail-on}.
 *
 * <p>Each (JVM, scenario) is analysed once per run, with {@code --fail-on high} so the exit code is part of the
 * result; the fixture dumps are made in the background while earlier ones are analysed. Retained sizes are compared
 * exactly: the scenarios record what the JVM measured of the objects only the map reaches.
 */
class LeakScenariosTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Scenarios analysed on JDK 17, in the order their dumps are made in the background. */
    private static final List<String> JDK17_SCENARIOS = List.of("session-registry", "purged-map", "cleared-cache",
            "weak-values-hold-keys", "pooled-thread-locals", "racy-hashmap", "mutated-keys", "poor-hashcode",
            "tiny-maps", "unbounded-guava-cache", "unbounded-caffeine-cache", "lru-without-eviction",
            "bounded-caches", "legit-large-map", "ordinary-app", "class-name-index", "weak-map-in-cache",
            "guava-interner-leak", "guava-interner-healthy", "weak-value-caches");
    /** Scenarios also analysed on JDK 25, whose JDK classes lay out the maps differently. */
    private static final List<String> JDK25_SCENARIOS = List.of("session-registry", "purged-map",
            "pooled-thread-locals", "weak-values-hold-keys");
    /** Leak patterns that make a suspect high severity on a material share of the heap (see Ranker). */
    private static final Set<String> SPECIFIC_LEAKS = Set.of("unique-keys", "weak-map-no-release",
            "stale-thread-locals", "unbounded-cache", "mutated-keys", "concurrent-corruption");

    @TempDir
    static Path out;

    private static final Map<String, Analysis> ANALYSES = new ConcurrentHashMap<>();
    private static ExecutorService prefetch;

    /** What one {@code mapleak analyze} run printed, returned and wrote. */
    record Analysis(FixtureDump dump, int exitCode, String stdout, String stderr, String jsonText, JsonNode json,
            String html) {
        long fact(String key) {
            return dump.fact(key);
        }

        String factString(String key) {
            return dump.factString(key);
        }
    }

    @BeforeAll
    static void makeDumpsInTheBackground() {
        // One child JVM at a time, so the dump of the next scenario is made while this one is analysed.
        prefetch = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fixture-prefetch");
            t.setDaemon(true);
            return t;
        });
        List<Runnable> jobs = new ArrayList<>();
        JDK17_SCENARIOS.forEach(s -> jobs.add(() -> FixtureDumps.get(Jvm.JDK17, s)));
        JDK25_SCENARIOS.forEach(s -> jobs.add(() -> FixtureDumps.get(Jvm.JDK25, s)));
        for (Runnable job : jobs) {
            prefetch.execute(() -> {
                try {
                    job.run();
                } catch (RuntimeException | Error e) {
                    // a missing JDK or a broken fixture: the test that needs the dump reports it
                }
            });
        }
    }

    @AfterAll
    static void stopPrefetching() {
        prefetch.shutdownNow();
    }

    // ---------------------------------------------------------------- leaks

    @ParameterizedTest
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void sessionRegistryIsAStaticMapOfUuidKeysThatOnlyGrows(Jvm jvm) {
        Analysis a = analysis(jvm, "session-registry");
        JsonNode s = suspect(a, 1);
        assertThat(s.path("severity").asText()).isEqualTo("high");
        assertThat(s.path("owner").path("root").asText()).isEqualTo("static-field");
        assertSingleMap(a, s);
        assertThat(kinds(s)).contains("unique-keys", "static-root", "unbounded-growth", "value-retention");

        JsonNode keys = evidence(s, "unique-keys");
        assertBasics(a, s);
        assertThat(keys.path("pattern").asText()).isEqualTo(a.factString("keys.pattern"));
        assertThat(keys.path("matchingPercent").asDouble()).isEqualTo(100.0);
        assertThat(s.path("fix").path("text").asText()).contains("Remove each entry").doesNotContain("Interner");

        JsonNode root = evidence(s, "static-root");
        assertBasics(a, s);
        assertThat(root.path("field").asText()).isEqualTo(a.factString("owner"));
        // no Spring here: no bean to name
        assertThat(root.path("bean").isNull()).isTrue();
        assertThat(root.path("beanClass").isNull()).isTrue();

        JsonNode growth = evidence(s, "unbounded-growth");
        assertBasics(a, s);
        assertThat(growth.path("root").asText()).isEqualTo("static-field");
        assertThat(growth.path("heapPercent").asDouble()).isGreaterThan(10.0);

        JsonNode values = evidence(s, "value-retention");
        assertBasics(a, s);
        assertThat(values.path("mostlyBelow").asText()).isEqualTo("values");
        assertThat(values.path("keyRetainedBytes").asLong()).isEqualTo(a.fact("keys.retainedBytes"));
        assertThat(values.path("valueRetainedBytes").asLong()).isEqualTo(a.fact("values.retainedBytes"));
        JsonNode top = values.path("valueClasses").path(0);
        assertThat(top.path("className").asText()).isEqualTo(a.factString("values.class"));
        assertThat(top.path("count").asLong()).isEqualTo(a.fact("values.count"));
        assertThat(top.path("retainedBytes").asLong()).isEqualTo(a.fact("values.retainedBytes"));
        // map → entry → value → where the bytes are: the session's serialized state
        JsonNode chain = values.path("heaviestChain");
        assertThat(chain.path(0).path("className").asText()).isEqualTo(a.factString("values.class"));
        assertThat(chain.path(chain.size() - 1).path("className").asText()).isEqualTo("byte[]");
        // where the bytes below the values sit: the sessions' serialized state, in byte arrays
        assertThat(values.path("bytesByClass").path(0).path("className").asText()).isEqualTo("byte[]");
    }

    @ParameterizedTest
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void purgedMapIsAHollowTableNotAGrowingMap(Jvm jvm) {
        assertHollowTable(analysis(jvm, "purged-map"));
    }

    @Test
    void clearedCacheIsAHollowTableOwnedByItsServiceField() {
        assertHollowTable(analysis(Jvm.JDK17, "cleared-cache"));
    }

    private static void assertHollowTable(Analysis a) {
        JsonNode s = suspect(a, 1);
        assertSingleMap(a, s);
        // the bytes are empty slots: waste, not a map that only grows
        assertThat(kinds(s)).contains("hollow-table").doesNotContain("unbounded-growth");
        assertThat(s.path("severity").asText()).isEqualTo("medium");
        assertThat(s.path("wastedBytes").asLong()).isEqualTo(a.fact("wastedBytes"));
        JsonNode e = evidence(s, "hollow-table");
        assertBasics(a, s);
        assertThat(e.path("size").asLong()).isEqualTo(a.fact("entries"));
        assertThat(e.path("loadFactor").asDouble()).isEqualTo(Double.parseDouble(a.factString("loadFactor")));
        assertThat(e.path("modCount").asLong()).isEqualTo(a.fact("modCount"));
        assertThat(e.path("wastedBytes").asLong()).isEqualTo(a.fact("wastedBytes"));
        assertThat(e.path("compactedTableBytes").asLong()).isEqualTo(a.fact("compactedTableBytes"));
    }

    @ParameterizedTest
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void weakMapWhoseValuesHoldTheirKeysCanNeverForget(Jvm jvm) {
        Analysis a = analysis(jvm, "weak-values-hold-keys");
        JsonNode s = suspect(a, 1);
        assertThat(s.path("severity").asText()).isEqualTo("high");
        assertSingleMap(a, s);
        JsonNode e = evidence(s, "weak-map-no-release");
        assertBasics(a, s);
        assertThat(e.path("entriesChecked").asLong()).isEqualTo(a.fact("entriesChecked"));
        assertThat(e.path("entriesAffected").asLong()).isEqualTo(a.fact("entriesAffected"));
        assertThat(e.path("estimatedAffected").asLong()).isEqualTo(a.fact("estimatedAffected"));
        assertThat(e.path("valueRetainedBytes").asLong()).isEqualTo(a.fact("valueRetainedBytes"));
        assertThat(String.join(" ", texts(e.path("examplePath")))).isEqualTo(a.factString("examplePath"));
    }

    @ParameterizedTest
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void pooledThreadsKeepValuesOfCollectedThreadLocals(Jvm jvm) {
        Analysis a = analysis(jvm, "pooled-thread-locals");
        JsonNode s = suspect(a, 1);
        assertThat(s.path("severity").asText()).isEqualTo("high");
        assertThat(s.path("owner").path("label").asText()).isEqualTo(a.factString("owner"));
        assertThat(s.path("owner").path("root").asText()).isEqualTo("thread");
        assertThat(s.path("mapCount").asLong()).isEqualTo(a.fact("all.threads"));
        JsonNode e = evidence(s, "stale-thread-locals");
        // the fixture read every live thread's map: only the pool's threads hold stale entries
        assertThat(a.factString("all.threadNames")).isEqualTo(a.factString("thread.names"));
        assertThat(e.path("threads").asLong()).isEqualTo(a.fact("all.threads"));
        assertThat(e.path("staleEntries").asLong()).isEqualTo(a.fact("all.staleEntries"));
        assertThat(e.path("staleValueBytes").asLong()).isEqualTo(a.fact("all.staleValueBytes"));
        assertThat(e.path("valueClasses")).hasSize(1);
        assertThat(e.path("valueClasses").path(0).path("className").asText()).isEqualTo("byte[]");
        assertThat(e.path("valueClasses").path(0).path("count").asLong()).isEqualTo(a.fact("all.staleEntries"));
        List<String> reported = new ArrayList<>();
        for (JsonNode t : e.path("perThread")) {
            String name = t.path("thread").asText();
            reported.add(name);
            assertThat(t.path("staleEntries").asLong()).as(name).isEqualTo(a.fact("thread." + name + ".staleEntries"));
            assertThat(t.path("staleValueBytes").asLong()).as(name)
                    .isEqualTo(a.fact("thread." + name + ".staleValueBytes"));
        }
        assertThat(reported).containsExactlyInAnyOrder(a.factString("thread.names").split(","));
    }

    @Test
    void racyHashMapIsReportedAsDamaged() {
        Analysis a = analysis(Jvm.JDK17, "racy-hashmap");
        JsonNode s = suspect(a, 1);
        assertThat(s.path("severity").asText()).isEqualTo("high");
        assertThat(s.path("owner").path("label").asText()).isEqualTo(a.factString("owner"));
        JsonNode e = evidence(s, "concurrent-corruption");
        JsonNode map = s.path("maps").path(0);
        assertThat(map.path("capacity").asLong()).isEqualTo(a.fact("capacity"));
        assertThat(map.path("retainedBytes").asLong()).isEqualTo(a.fact("retainedBytes"));
        assertThat(map.path("size").asLong()).isEqualTo(a.fact("storedSize"));
        assertThat(e.path("storedSize").asLong()).isEqualTo(a.fact("storedSize"));
        assertThat(e.path("entriesReached").asLong()).isEqualTo(a.fact("entriesReached"));
        assertThat(e.path("sizeMismatch").asLong()).isEqualTo(a.fact("sizeMismatch"));
        assertThat(e.path("loops").asLong()).isEqualTo(a.fact("loops"));
        assertThat(e.path("misplacedEntries").asLong()).isEqualTo(a.fact("misplacedEntries"));
        assertThat(e.path("problems")).isNotEmpty();
    }

    @Test
    void keysMutatedAfterInsertionAreFoundWithAnExample() {
        Analysis a = analysis(Jvm.JDK17, "mutated-keys");
        JsonNode s = suspect(a, 1);
        assertSingleMap(a, s);
        JsonNode e = evidence(s, "mutated-keys");
        assertBasics(a, s);
        assertThat(e.path("entriesChecked").asLong()).isEqualTo(a.fact("entriesChecked"));
        assertThat(e.path("entriesAffected").asLong()).isEqualTo(a.fact("entriesAffected"))
                .isEqualTo(a.fact("mutated"));
        JsonNode example = e.path("example");
        assertThat(example.path("keyClass").asText()).isEqualTo(a.factString("example.keyClass"));
        assertThat(example.path("storedHash").asText()).isEqualTo(a.factString("example.storedHash"));
        assertThat(example.path("currentHash").asText()).isEqualTo(a.factString("example.currentHash"));
        assertThat(example.path("bin").asLong()).isEqualTo(a.fact("example.bin"));
    }

    @Test
    void poorHashCodePilesEntriesIntoFewTreeBins() {
        Analysis a = analysis(Jvm.JDK17, "poor-hashcode");
        JsonNode s = suspect(a, 1);
        assertSingleMap(a, s);
        JsonNode e = evidence(s, "collision-hotspot");
        assertBasics(a, s);
        assertThat(e.path("binsUsed").asLong()).isEqualTo(a.fact("binsUsed"));
        assertThat(e.path("longestBin").asLong()).isEqualTo(a.fact("longestBin"));
        assertThat(e.path("treeBins").asLong()).isEqualTo(a.fact("treeBins"));
        assertThat(e.path("keyClasses").path(0).path("className").asText()).isEqualTo(a.factString("keyClass"));
    }

    @Test
    void tinyMapsAreGroupedByTheFieldThatHoldsThem() {
        Analysis a = analysis(Jvm.JDK17, "tiny-maps");
        for (String group : List.of("orders", "stock")) {
            JsonNode s = suspectOwnedBy(a, a.factString(group + ".owner"));
            assertThat(s.path("rank").asInt()).as(group).isLessThanOrEqualTo(3);
            assertThat(s.path("mapCount").asLong()).as(group).isEqualTo(a.fact(group + ".maps"));
            JsonNode e = evidence(s, "small-map-overhead");
            assertThat(e.path("owner").asText()).isEqualTo(a.factString(group + ".owner"));
            assertThat(e.path("maps").asLong()).as(group).isEqualTo(a.fact(group + ".maps"));
            assertThat(e.path("smallMaps").asLong()).as(group).isEqualTo(a.fact(group + ".smallMaps"));
            assertThat(e.path("implementation").asText()).isEqualTo(a.factString(group + ".implementation"));
            for (String bucket : List.of("0", "1", "2", "3-8", "9+")) {
                assertThat(e.path("sizeHistogram").path(bucket).asLong()).as(group + " maps of " + bucket)
                        .isEqualTo(a.fact(group + ".histogram." + bucket));
            }
            // measured on 2,000 small maps per owner and extrapolated: the fixture sums every one
            assertThat(e.path("overheadBytes").asLong()).as(group)
                    .isCloseTo(a.fact(group + ".overheadBytes"), withinPercentage(1));
        }
        JsonNode orders = suspectOwnedBy(a, a.factString("orders.owner"));
        assertThat(orders.path("retainedBytes").asLong()).isEqualTo(a.fact("orders.retainedBytes"));
        // the stock suspect is the map of SKUs and the small map under each: its entries are the SKUs, one per small
        // map, not those plus the small maps' own entries again
        assertThat(suspectOwnedBy(a, a.factString("stock.owner")).path("entries").asLong())
                .isEqualTo(a.fact("stock.maps") - 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"unbounded-guava-cache", "unbounded-caffeine-cache", "lru-without-eviction"})
    void cachesWithoutABoundAreReportedWithTheirConfiguration(String scenario) {
        Analysis a = analysis(Jvm.JDK17, scenario);
        JsonNode s = suspect(a, 1);
        assertThat(s.path("severity").asText()).isEqualTo("high");
        JsonNode e = evidence(s, "unbounded-cache");
        JsonNode configuration = e.path("configuration");
        if (scenario.equals("lru-without-eviction")) {
            assertThat(configuration.path("accessOrder").asBoolean()).isTrue();
            assertThat(a.factString("accessOrder")).isEqualTo("true");
        } else {
            assertThat(configuration.path("bounded").asBoolean(true)).isFalse();
            assertThat(configuration.has("maximumSize")).isFalse();
            assertThat(configuration.has("maximumWeight")).isFalse();
            assertThat(configuration.path("expireAfterWriteNanos").asLong()).isZero();
            assertThat(configuration.path("expireAfterAccessNanos").asLong()).isZero();
        }
        // the numbers last: retained sizes depend on the whole graph stage, the rest on this detector
        assertBasics(a, s);
        assertSingleMap(a, s);
    }

    /**
     * Guava's strong interner of request ids (its map a {@code MapMakerInternalMap}, which MapMaker and the interners
     * share): the interner is suspect #1, high, keyed by UUIDs, with the fixture JVM's own numbers.
     */
    @Test
    void aStrongGuavaInternerOfRequestIdsIsALeak() {
        Analysis a = analysis(Jvm.JDK17, "guava-interner-leak");
        JsonNode s = suspect(a, 1);
        assertThat(s.path("severity").asText()).isEqualTo("high");
        assertThat(kinds(s)).contains("unique-keys", "unbounded-growth");
        assertThat(evidence(s, "unique-keys").path("pattern").asText()).isEqualTo("UUID");
        assertBasics(a, s);
        assertSingleMap(a, s);
        // an interner has no entries to remove: the remedy is to intern less, or weakly
        assertThat(s.path("fix").path("text").asText()).contains("Interners.newWeakInterner()")
                .doesNotContain("Remove each entry");
        assertThat(a.stdout()).contains("Interners.newWeakInterner()");
        for (JsonNode f : s.path("findings")) {
            if (f.path("kind").asText().equals("unbounded-growth")) {
                assertThat(f.path("advice").asText()).contains("Interners.newWeakInterner()")
                        .contains(String.format(java.util.Locale.ROOT, "%,d values", a.fact("entries")));
            }
        }
    }

    /**
     * Its healthy twin: the same ids through a weak interner, a strong one of a fixed vocabulary, a MapMaker map with
     * weak keys of the requests in flight. No suspect is any of them.
     */
    @Test
    void weakInternersAndAFixedVocabularyAreNoSuspects() {
        Analysis a = analysis(Jvm.JDK17, "guava-interner-healthy");
        List<String> owners = List.of(a.factString("weak.owner"), a.factString("codes.owner"),
                a.factString("tracked.owner"));
        for (JsonNode s : a.json().path("suspects")) {
            assertThat(s.path("owner").path("label").asText()).as(s.path("title").asText()).isNotIn(owners);
            assertThat(s.path("severity").asText()).as(s.path("title").asText()).isNotEqualTo("high");
        }
        // the maps are decoded all the same: the vocabulary's interner holds its 2,000 codes
        assertThat(a.json().path("mapCount").asLong()).isPositive();
    }

    /**
     * Two caches of weak values by request id, every value cleared: the one whose references have a queue and that
     * removes what the queue announces is on its way to empty (Log4j 2.25+'s logger registry), no suspect; the one
     * with no queue keeps every entry (Log4j 2.24's): #1 high, and its fix says why and what to do.
     */
    @Test
    void clearedWeakValuesLeakOnlyWhereNothingExpungesThem() {
        Analysis a = analysis(Jvm.JDK17, "weak-value-caches");
        assertThat(a.fact("leaking.cleared")).isEqualTo(a.fact("leaking.entries"));
        assertThat(a.fact("expunging.cleared")).isEqualTo(a.fact("expunging.entries"));
        JsonNode s = suspect(a, 1);
        assertThat(s.path("owner").path("label").asText()).isEqualTo(a.factString("leaking.owner"));
        assertThat(s.path("severity").asText()).isEqualTo("high");
        assertThat(kinds(s)).contains("unique-keys");
        assertThat(s.path("fix").path("text").asText()).contains("Its values are references the collector has "
                + "already cleared (100.0% of the 2,000 sampled), registered with no queue");
        for (JsonNode x : a.json().path("suspects")) {
            assertThat(x.path("owner").path("label").asText()).as(x.path("title").asText())
                    .isNotEqualTo(a.factString("expunging.owner"));
        }
    }

    // ---------------------------------------------------------------- healthy programs

    @ParameterizedTest
    @ValueSource(strings = {"bounded-caches", "legit-large-map", "ordinary-app", "class-name-index"})
    void healthyProgramsHaveNoHighSuspect(String scenario) {
        Analysis a = analysis(Jvm.JDK17, scenario);
        for (JsonNode s : a.json().path("suspects")) {
            assertThat(s.path("severity").asText()).as("#%d %s", s.path("rank").asInt(), s.path("title").asText())
                    .isNotEqualTo("high");
            assertThat(kinds(s)).as(s.path("title").asText()).doesNotContainAnyElementsOf(SPECIFIC_LEAKS);
        }
    }

    /**
     * A weak map stored as a value of a larger cache (Maven's resolver keeps its descriptor pool so): both hang from
     * the cache's field, but only the weak map can never forget. It is the suspect, alone, with the cache on its owner
     * path; the cache is not called a weak map and is no suspect of its own.
     */
    @Test
    void aWeakMapKeptAsAValueOfACacheIsTheSuspectNotTheCache() {
        Analysis a = analysis(Jvm.JDK17, "weak-map-in-cache");
        JsonNode s = a.json().path("suspects").get(0);
        assertThat(kinds(s)).contains("weak-map-no-release");
        assertThat(s.path("mapCount").asInt()).isEqualTo(1);
        assertThat(s.path("maps").get(0).path("className").asText()).isEqualTo(a.factString("weak.class"));
        assertThat(s.path("entries").asLong()).isEqualTo(a.fact("weak.entries"));
        // the title names the cache's field and the key the weak map sits under in it
        assertThat(s.path("title").asText()).isEqualTo("Collections$SynchronizedMap that can never forget: "
                + a.factString("owner") + "[\"" + a.factString("weak.cacheKey") + "\"]");
        assertThat(s.path("owner").path("label").asText()).isEqualTo(a.factString("owner"));
        assertThat(stream(s.path("ownerPath")).map(step -> step.path("label").asText()).toList())
                .as("the owner path runs through the cache").anySatisfy(l -> assertThat(l).contains("REPOSITORY_CACHE"));
        for (JsonNode other : a.json().path("suspects")) {
            for (JsonNode m : other.path("maps")) {
                assertThat(m.path("className").asText()).as(other.path("title").asText())
                        .isNotEqualTo("java.util.concurrent.ConcurrentHashMap");
            }
        }
    }

    /**
     * A startup index of every JDK class by simple name: tens of thousands of entries, a large share of the small
     * heap, nothing bounds it, so it is pointed out; but it holds under 1% of the JVM's max heap, so it is low, and
     * it is the max-heap rule that makes it so (without it, medium).
     */
    @Test
    void aHealthyIndexFarFromTheMaxHeapIsLowAndItIsTheMaxHeapThatSaysSo() {
        Analysis a = analysis(Jvm.JDK17, "class-name-index");
        long maxHeap = a.fact("maxHeapBytes");
        assertThat(a.json().at("/dump/process/maxHeapBytes").asLong()).isEqualTo(maxHeap);
        JsonNode s = suspect(a, 1);
        assertThat(s.path("entries").asLong()).isEqualTo(a.fact("entries")).isGreaterThan(10_000);
        assertThat(kinds(s)).contains("unbounded-growth").doesNotContainAnyElementsOf(SPECIFIC_LEAKS);
        assertThat(s.path("retainedBytes").asLong()).isLessThan(maxHeap / 100)
                .isGreaterThan(a.json().at("/dump/liveBytes").asLong() / 10);
        assertThat(s.path("severity").asText()).isEqualTo("low");

        Analysis without = analysis(Jvm.JDK17, "class-name-index", "--threshold", "severity.sizeOfMaxHeap=0");
        assertThat(suspect(without, 1).path("severity").asText()).isEqualTo("medium");
    }

    @Test
    void boundedCachesAreNotCalledUnboundedOrGrowing() {
        Analysis a = analysis(Jvm.JDK17, "bounded-caches");
        for (JsonNode s : a.json().path("suspects")) {
            assertThat(kinds(s)).as(s.path("title").asText()).doesNotContain("unbounded-growth", "unbounded-cache");
        }
    }

    // ---------------------------------------------------------------- command line

    @Test
    void ownerPathsNameTheKeyOfEachEntryTheyPassThroughUnlessRedacted() {
        // Spring's singleton map holds the cache manager under its bean name, the manager's map the cache under its
        // name: the path to the leaking store passes through both entries
        Analysis plain = analysis(Jvm.JDK17, "spring-cache-leak");
        List<String> path = texts(suspectOwnedBy(plain, plain.factString("leak.owner")).path("owner").path("path"));
        String bean = ".val (key \"" + plain.factString("leak.managerBean") + "\")";
        String cache = ".val (key \"" + plain.factString("leak.cacheName") + "\")";
        assertThat(path).containsSubsequence(bean, cache);
        assertThat(path.get(path.size() - 1)).isEqualTo(".store");

        Analysis redacted = analysis(Jvm.JDK17, "spring-cache-leak", "--redact");
        List<String> hidden = texts(suspectOwnedBy(redacted, plain.factString("leak.owner")).path("owner")
                .path("path"));
        assertThat(hidden).hasSameSizeAs(path).doesNotContain(bean, cache)
                .filteredOn(step -> step.equals(".val (key <java.lang.String>)")).hasSize(2);
        assertThat(redacted.jsonText()).doesNotContain(bean.replace("\"", "\\\""), cache.replace("\"", "\\\""));
        assertThat(redacted.stdout()).doesNotContain(bean, cache);
    }

    @Test
    void staleThreadLocalValuesCountOnlyFromTheirShareOfTheHeap() {
        // the pool's stale values are about half the live heap: a share threshold just above theirs silences them
        Analysis a = analysis(Jvm.JDK17, "pooled-thread-locals");
        double share = (double) a.fact("all.staleValueBytes") / a.json().path("dump").path("liveBytes").asLong();
        assertThat(share).isBetween(0.1, 0.9);
        Analysis above = analysis(Jvm.JDK17, "pooled-thread-locals", "--threshold",
                "threadLocals.heapShare=" + share * 1.01);
        Analysis below = analysis(Jvm.JDK17, "pooled-thread-locals", "--threshold",
                "threadLocals.heapShare=" + share * 0.99);
        assertThat(allKinds(above)).doesNotContain("stale-thread-locals");
        assertThat(kinds(suspect(below, 1))).contains("stale-thread-locals");
    }

    @Test
    void redactLeavesKeyContentsOutOfEveryOutput() {
        String tenant = analysis(Jvm.JDK17, "unbounded-guava-cache").factString("tenant");
        // without --redact the keys are shown (sample keys, the pattern's prefix): the checks below can fail
        Analysis plain = analysis(Jvm.JDK17, "unbounded-guava-cache", "--html");
        assertThat(plain.jsonText()).contains(tenant);
        assertThat(plain.stdout()).contains(tenant);
        assertThat(plain.html()).contains(tenant);

        Analysis redacted = analysis(Jvm.JDK17, "unbounded-guava-cache", "--html", "--redact");
        assertThat(redacted.json().path("redacted").asBoolean()).isTrue();
        assertThat(redacted.jsonText()).doesNotContain(tenant);
        assertThat(redacted.stdout()).doesNotContain(tenant);
        assertThat(redacted.stderr()).doesNotContain(tenant);
        assertThat(redacted.html()).doesNotContain(tenant);
        // the same leak is still found and gated on
        assertThat(redacted.exitCode()).isEqualTo(1);
        assertThat(kinds(suspect(redacted, 1))).contains("unique-keys", "unbounded-cache");
    }

    @Test
    void failOnHighGatesOnTheSessionLeakButNotOnBoundedCaches() {
        Analysis leak = analysis(Jvm.JDK17, "session-registry");
        assertThat(leak.exitCode()).isEqualTo(1);
        assertThat(leak.stderr()).contains("--fail-on high: suspect #1 is high");
        assertThat(analysis(Jvm.JDK17, "bounded-caches").exitCode()).isZero();
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The analysis of {@code scenario} made by {@code jvm}, with {@code --fail-on high} and {@code options};
     * {@code --html} among them writes the HTML report too (to a file of its own).
     */
    static Analysis analysis(Jvm jvm, String scenario, String... options) {
        String key = jvm.id() + "/" + scenario + " " + String.join(" ", options);
        return ANALYSES.computeIfAbsent(key, k -> run(jvm, scenario, options));
    }

    private static Analysis run(Jvm jvm, String scenario, String... options) {
        FixtureDump dump = FixtureDumps.get(jvm, scenario);
        String name = jvm.id() + "-" + scenario + String.join("", options).replace("--", "-");
        Path json = out.resolve(name + ".json");
        Path html = out.resolve(name + ".html");
        List<String> args = new ArrayList<>(List.of("analyze", dump.hprof().toString(), "--json", json.toString(),
                "--fail-on", "high"));
        for (String option : options) {
            args.add(option);
            if (option.equals("--html")) {
                args.add(html.toString());
            }
        }
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        assertThat(code).as("exit code of %s; stderr: %s", args, stderr).isIn(0, 1);
        try {
            String text = Files.readString(json, StandardCharsets.UTF_8);
            String htmlText = Files.isRegularFile(html) ? Files.readString(html, StandardCharsets.UTF_8) : null;
            return new Analysis(dump, code, stdout.toString(), stderr.toString(), text, JSON.readTree(text),
                    htmlText);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The suspect whose owner label is the scenario's {@code owner} fact; it must be ranked {@code maxRank} or better. */
    private static JsonNode suspect(Analysis a, int maxRank) {
        JsonNode s = suspectOwnedBy(a, a.factString("owner"));
        assertThat(s.path("rank").asInt()).as("rank of %s", s.path("title").asText()).isLessThanOrEqualTo(maxRank);
        return s;
    }

    private static JsonNode suspectOwnedBy(Analysis a, String owner) {
        for (JsonNode s : a.json().path("suspects")) {
            if (s.path("owner").path("label").asText().equals(owner)) {
                return s;
            }
        }
        throw new AssertionError("no suspect owned by " + owner + " in " + a.dump().hprof().getFileName() + "; owners: "
                + stream(a.json().path("suspects")).map(s -> s.path("owner").path("label").asText()).toList());
    }

    /** The suspect is the scenario's map alone, with its class, size, capacity and retained bytes as measured. */
    private static void assertSingleMap(Analysis a, JsonNode s) {
        assertThat(s.path("mapCount").asInt()).isEqualTo(1);
        JsonNode m = s.path("maps").path(0);
        assertThat(m.path("className").asText()).isEqualTo(a.factString("map.class"));
        assertThat(m.path("size").asLong()).isEqualTo(a.fact("entries"));
        assertThat(m.path("capacity").asLong()).isEqualTo(a.fact("capacity"));
        assertThat(m.path("retainedBytes").asLong())
                .as("retained bytes of %s: mapleak's dominator tree against the sizes of what only it reaches in the "
                        + "fixture JVM", m.path("className").asText())
                .isEqualTo(a.fact("retainedBytes"));
        assertThat(s.path("retainedBytes").asLong()).isEqualTo(a.fact("retainedBytes"));
    }

    /** The map's numbers as the suspect lists them, and its owner: what the fixture JVM measured. */
    private static void assertBasics(Analysis a, JsonNode suspect) {
        assertThat(suspect.path("owner").path("label").asText()).isEqualTo(a.factString("owner"));
        JsonNode m = suspect.path("maps").path(0);
        assertThat(m.path("owner").asText()).isEqualTo(a.factString("owner"));
        assertThat(m.path("size").asLong()).isEqualTo(a.fact("entries"));
        assertThat(m.path("capacity").asLong()).isEqualTo(a.fact("capacity"));
        assertThat(m.path("retainedBytes").asLong()).isEqualTo(a.fact("retainedBytes"));
    }

    private static JsonNode evidence(JsonNode suspect, String kind) {
        for (JsonNode f : suspect.path("findings")) {
            if (f.path("kind").asText().equals(kind)) {
                assertThat(f.path("advice").asText()).as("advice of " + kind).isNotBlank();
                return f.path("evidence");
            }
        }
        throw new AssertionError("no " + kind + " finding in " + suspect.path("title").asText() + "; kinds: "
                + kinds(suspect));
    }

    private static List<String> kinds(JsonNode suspect) {
        return stream(suspect.path("findings")).map(f -> f.path("kind").asText()).toList();
    }

    /** The finding kinds of every suspect of a report. */
    private static List<String> allKinds(Analysis a) {
        return stream(a.json().path("suspects")).flatMap(s -> kinds(s).stream()).toList();
    }

    private static List<String> texts(JsonNode array) {
        return stream(array).map(JsonNode::asText).toList();
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> l = new ArrayList<>();
        array.forEach(l::add);
        return l.stream();
    }
}
