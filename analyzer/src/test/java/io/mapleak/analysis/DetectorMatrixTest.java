package io.mapleak.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.detect.Detectors;
import io.mapleak.detect.Finding;
import io.mapleak.heap.PhaseTimer;
import io.mapleak.maps.MapKind;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every detector, on real dumps: a scenario where it must fire on the map the fixture built for it, and one where
 * it must not fire at all although the dump has maps of the kind it examines. Raw findings, before ranking, so the
 * detectors that only give context (static root, value retention) are held to it too.
 */
class DetectorMatrixTest {
    /** Raw findings per scenario, made once: (detector id → owner labels of the maps it found something about). */
    private static final Map<String, Map<String, List<String>>> FOUND = new ConcurrentHashMap<>();
    /** Map kinds per scenario, to show a "must not fire" case had something to examine. */
    private static final Map<String, List<MapKind>> KINDS = new ConcurrentHashMap<>();

    @ParameterizedTest(name = "{0} fires in {1} on {2}")
    @CsvSource({
        "unbounded-growth,      session-registry,       owner",
        "static-root,           session-registry,       owner",
        "value-retention,       session-registry,       owner",
        "unique-keys,           session-registry,       owner",
        "weak-map-no-release,   weak-values-hold-keys,  owner",
        "stale-thread-locals,   pooled-thread-locals,   owner",
        "unbounded-cache,       unbounded-guava-cache,  owner",
        "unbounded-cache,       lru-without-eviction,   owner",
        "hollow-table,          purged-map,             owner",
        "small-map-overhead,    tiny-maps,              orders.owner",
        "collision-hotspot,     poor-hashcode,          owner",
        "concurrent-corruption, racy-hashmap,           owner",
        "mutated-keys,          mutated-keys,           owner",
        "session-lifetime,      tomcat-session-leak,    sessions.owner",
        "session-lifetime,      tomcat-sessions-expiring, sessions.owner",
        "session-lifetime,      jetty-session-leak,     leak.owner",
        "defined-classes,       groovy-scripts-leak,    leak.owner",
    })
    void detectorFiresOnTheMapItsScenarioBuilt(String detector, String scenario, String ownerFact) {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, scenario);
        List<String> owners = found(scenario).getOrDefault(detector, List.of());
        assertThat(owners).as("maps %s found something about in %s", detector, scenario)
                .contains(dump.factString(ownerFact));
    }

    @ParameterizedTest(name = "{0} is silent in {1}")
    @CsvSource({
        "unbounded-growth,      bounded-caches,         cache",
        "static-root,           pooled-thread-locals,   thread-local",
        "value-retention,       purged-map,             hash-table",
        "unique-keys,           bounded-caches,         cache",
        "weak-map-no-release,   ordinary-app,           weak-keyed",
        "stale-thread-locals,   ordinary-app,           thread-local",
        "stale-thread-locals,   real-lucene,            thread-local",
        "unbounded-cache,       bounded-caches,         cache",
        "hollow-table,          session-registry,       hash-table",
        "small-map-overhead,    session-registry,       hash-table",
        "collision-hotspot,     session-registry,       hash-table",
        "concurrent-corruption, purged-map,             hash-table",
        "mutated-keys,          ordinary-app,           hash-table",
        "session-lifetime,      session-registry,       hash-table",
        "defined-classes,       groovy-scripts-healthy, hash-table",
    })
    void detectorIsSilentOnAHealthyTwin(String detector, String scenario, String kindExamined) {
        Map<String, List<String>> found = found(scenario);
        assertThat(KINDS.get(scenario)).as("the dump has %s maps for %s to examine", kindExamined, detector)
                .anySatisfy(k -> assertThat(k.json()).isEqualTo(kindExamined));
        assertThat(found.getOrDefault(detector, List.of())).as("maps %s found something about in %s",
                detector, scenario).isEmpty();
    }

    @Test
    void theMatrixCoversEveryDetector() {
        assertThat(Detectors.ids()).hasSize(14);
    }

    private static Map<String, List<String>> found(String scenario) {
        return FOUND.computeIfAbsent(scenario, s -> {
            FixtureDump dump = FixtureDumps.get(Jvm.JDK17, s);
            try (Workbench wb = Workbench.open(dump.hprof(), io.mapleak.heap.ReadOptions.defaults(),
                    AnalysisListener.QUIET)) {
                Analysis.Detection d = Analysis.detect(wb, AnalysisOptions.defaults(), new PhaseTimer());
                List<MapKind> kinds = new ArrayList<>();
                d.live().forEach(v -> kinds.add(v.kind()));
                KINDS.put(s, kinds);
                Map<String, List<String>> byDetector = new java.util.HashMap<>();
                for (Finding f : d.run().findings()) {
                    List<String> owners = byDetector.computeIfAbsent(f.kind(), k -> new ArrayList<>());
                    for (int m : f.maps()) {
                        owners.add(f.kind().equals("stale-thread-locals") ? "java.lang.Thread.threadLocals"
                                : f.evidence() instanceof io.mapleak.detect.SmallMapsEvidence e ? e.owner()
                                : d.ctx().owner(m));
                    }
                }
                return byDetector;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
