package io.mapleak.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mapleak.cli.Main;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import io.mapleak.testing.SuspectLines;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mapleak on a corpus of real libraries' leaks and their healthy twins, each run in a real JVM: Spring's cache
 * behind its application context, Jetty's sessions, Hibernate's persistence context, Micrometer's meter registry,
 * Logback's logger cache and an Ehcache JCache cache. For each leaking one, the leaking map (named by the scenario
 * by reflection, as {@code leak.owner}) is suspect #1 and {@code high}; for each healthy twin, nothing is
 * {@code medium} or {@code high}; and in every real program's dump, no suspect is a map nothing reaches.
 */
class RealLibrariesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each dump is analysed once per test run, whichever test asks first. */
    private static final Map<String, JsonNode> REPORTS = new ConcurrentHashMap<>();

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"spring-cache-leak", "jetty-session-leak", "hibernate-session-leak",
        "micrometer-tag-leak", "logback-logger-leak", "ehcache-jcache-leak", "prometheus-label-leak",
        "javassist-pool-leak", "jul-logger-names"})
    void leakingMapIsTheFirstSuspectAndHigh(String scenario) {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, scenario);
        String owner = dump.factString("leak.owner");
        long entries = dump.fact("leak.entries");
        assertThat(entries).as("entries of the leaking map, measured in the fixture JVM")
                .isGreaterThanOrEqualTo(scenario.startsWith("javassist") ? 5_000 : 20_000);

        JsonNode report = report(scenario);

        String all = SuspectLines.describeAll(report);
        assertThat(report.get("suspects").size()).as("suspects of %s:%n%s", scenario, all).isPositive();
        JsonNode first = report.get("suspects").get(0);
        // The leaking map is suspect #1: its owner, or, where several maps index the same entries (Micrometer's
        // registry keeps three maps over its meters), one of the maps the suspect lists with what they hold together.
        JsonNode leak = null;
        for (JsonNode m : first.get("maps")) {
            if (m.get("owner").asText().equals(owner)) {
                leak = m;
            }
        }
        assertThat(leak).as("suspect #1 in %s is the leak %s (or a group holding it); all suspects:%n%s", scenario,
                owner, all).isNotNull();
        if (first.get("mapCount").asInt() == 1) {
            assertThat(first.get("owner").get("label").asText()).isEqualTo(owner);
        } else {
            // maps indexing the same entries (a shared group), or maps held by one field of several objects (a
            // Prometheus histogram's and a counter's data points)
            boolean oneField = true;
            for (JsonNode m : first.get("maps")) {
                oneField &= m.get("owner").asText().equals(owner);
            }
            assertThat(first.get("shared").isObject() || oneField && first.get("owner").get("label").asText()
                    .equals(owner)).as("a suspect of several maps here is a shared group or one field's maps; %s",
                    all).isTrue();
        }
        assertThat(first.get("severity").asText()).as("severity of suspect #1 in %s; all suspects:%n%s", scenario, all)
                .isEqualTo("high");
        assertThat(leak.get("size").asLong())
                .as("entries of the leaking map in %s; all suspects:%n%s", scenario, all)
                .isGreaterThanOrEqualTo(entries);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"spring-cache-healthy", "jetty-sessions-healthy", "hibernate-batch-healthy",
        "micrometer-tags-healthy", "logback-loggers-healthy", "ehcache-bounded-healthy", "prometheus-labels-healthy",
        "javassist-pool-healthy"})
    void healthyTwinHasNoMediumOrHighSuspect(String scenario) {
        FixtureDumps.get(Jvm.JDK17, scenario);

        JsonNode report = report(scenario);

        List<String> serious = new ArrayList<>();
        for (JsonNode s : withNested(report)) {
            if (List.of("high", "medium").contains(s.get("severity").asText())) {
                serious.add(SuspectLines.describe(s));
            }
        }
        assertThat(serious).as("medium or high suspects in the healthy %s; all suspects:%n%s", scenario,
                SuspectLines.describeAll(report)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"spring-cache-leak", "spring-cache-healthy", "jetty-session-leak",
        "jetty-sessions-healthy", "hibernate-session-leak", "hibernate-batch-healthy", "micrometer-tag-leak",
        "micrometer-tags-healthy", "logback-logger-leak", "logback-loggers-healthy", "ehcache-jcache-leak",
        "ehcache-bounded-healthy", "real-tomcat", "tomcat-session-leak", "real-h2", "real-lucene",
        "groovy-scripts-leak", "groovy-scripts-healthy", "tomcat-sessions-expiring", "prometheus-label-leak",
        "prometheus-labels-healthy", "javassist-pool-leak", "javassist-pool-healthy", "jul-logger-names",
        "undertow-sessions-expiring"})
    void noSuspectIsOnUnreachableObjects(String scenario) {
        FixtureDumps.get(Jvm.JDK17, scenario);

        JsonNode report = report(scenario);

        List<String> unreachable = new ArrayList<>();
        for (JsonNode s : withNested(report)) {
            if (s.get("owner").get("label").asText().equals("(unreachable)")) {
                unreachable.add(SuspectLines.describe(s));
            }
        }
        assertThat(unreachable).as("suspects on unreachable objects in %s; all suspects:%n%s", scenario,
                SuspectLines.describeAll(report)).isEmpty();
    }

    /**
     * Hibernate keeps each managed entity in the persistence context's two maps and in its list of entries, so neither
     * map alone frees an entity: the suspect is both maps with the persistence context that holds them, and it retains
     * at least the entities and what only they reach, as the fixture JVM measured them (each map alone retains less:
     * its own nodes, keys and wrappers).
     */
    @Test
    void hibernatesSuspectRetainsTheManagedEntities() {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "hibernate-session-leak");
        long entities = dump.fact("entities.bytes");
        JsonNode report = report("hibernate-session-leak");
        String all = SuspectLines.describeAll(report);
        JsonNode first = report.get("suspects").get(0);
        assertThat(first.get("retainedBytes").asLong()).as("retained by suspect #1; all suspects:%n%s", all)
                .isGreaterThanOrEqualTo(entities);
        assertThat(first.get("mapCount").asInt()).as("maps of suspect #1; all suspects:%n%s", all).isEqualTo(2);
        assertThat(first.get("shared").get("holder").get("className").asText())
                .isEqualTo("org.hibernate.engine.internal.StatefulPersistenceContext");
        List<String> owners = new ArrayList<>();
        first.get("maps").forEach(m -> owners.add(m.get("owner").asText()));
        assertThat(owners).containsExactlyInAnyOrder(dump.factString("leak.owner"), dump.factString("xref.owner"));
        for (JsonNode m : first.get("maps")) {
            assertThat(m.get("retainedBytes").asLong()).as("retained by %s alone", m.get("owner").asText())
                    .isLessThan(entities);
        }
    }

    /**
     * The cache that leaks belongs to the Spring context's cache manager bean, reached from a static field: the
     * suspect says it belongs to that bean, named as the fixture's context names it, not just to the static field.
     */
    @Test
    void aMapOfASpringSingletonIsNamedAfterItsBean() {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "spring-cache-leak");
        JsonNode first = report("spring-cache-leak").get("suspects").get(0);
        JsonNode root = null;
        for (JsonNode f : first.get("findings")) {
            if (f.get("kind").asText().equals("static-root")) {
                root = f.get("evidence");
            }
        }
        assertThat(root).as("static-root finding of suspect #1").isNotNull();
        String bean = dump.factString("leak.managerBean");
        assertThat(root.get("bean").asText()).isEqualTo(bean);
        assertThat(root.get("beanClass").asText())
                .isEqualTo("org.springframework.cache.concurrent.ConcurrentMapCacheManager");
        assertThat(first.get("summary").asText()).contains("belongs to the Spring bean '" + bean
                + "' (ConcurrentMapCacheManager), which lives as long as its application context")
                .doesNotContain("static field");
    }

    /**
     * Scripts parsed per request by one shared GroovyShell: its class loader's cache keeps every script class, each
     * in a class loader of its own. Little heap, much metaspace: suspect #1, medium, named after the cache's field,
     * with the fixture JVM's count of classes and Groovy's own remedy.
     */
    @Test
    void scriptClassesKeptByASharedGroovyShellAreFound() {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "groovy-scripts-leak");
        long classes = dump.fact("leak.entries");
        assertThat(classes).as("script classes in the shell's cache").isEqualTo(dump.fact("scripts"));
        JsonNode report = report("groovy-scripts-leak");
        String all = SuspectLines.describeAll(report);
        JsonNode first = report.get("suspects").get(0);
        assertThat(first.get("owner").get("label").asText()).as(all).isEqualTo(dump.factString("leak.owner"));
        assertThat(first.get("severity").asText()).as(all).isEqualTo("medium");
        JsonNode e = null;
        for (JsonNode f : first.get("findings")) {
            if (f.get("kind").asText().equals("defined-classes")) {
                e = f.get("evidence");
            }
        }
        assertThat(e).as("defined-classes finding of suspect #1; all suspects:%n%s", all).isNotNull();
        long sampled = Math.min(2000, classes);
        assertThat(e.get("sampled").asLong()).isEqualTo(sampled);
        assertThat(e.get("classes").asLong()).isEqualTo(sampled);
        assertThat(e.get("loaders").asLong()).as("a class loader per script").isEqualTo(sampled);
        assertThat(e.get("estimatedClasses").asLong()).isEqualTo(classes);
        assertThat(e.get("loaderClass").asText()).isEqualTo("groovy.lang.GroovyClassLoader$InnerLoader");
        e.get("sampleClasses").forEach(c -> assertThat(c.asText()).startsWith("Script"));
        assertThat(first.get("title").asText()).contains(String.format(java.util.Locale.ROOT, "keeps %,d classes "
                + "defined at run time", classes));
        assertThat(first.get("fix").get("text").asText()).contains("parse each distinct script text once");
        // the JDK's bean-info cache grows with the same classes: its fix is about what the application hands it
        JsonNode beans = null;
        for (JsonNode s : withNested(report)) {
            if (s.get("owner").get("label").asText().equals("java.beans.ThreadGroupContext.beanInfoCache")) {
                beans = s;
            }
        }
        assertThat(beans).as("the bean-info cache's suspect; all suspects:%n%s", all).isNotNull();
        assertThat(beans.get("fix").get("text").asText()).startsWith("java.beans.ThreadGroupContext.beanInfoCache "
                + "is the JDK's own map").contains("its keys are java.lang.Class").doesNotContain("Caffeine");
    }

    /** The same service compiling its 20 rules once: the cache holds 20 classes, no finding about classes. */
    @Test
    void scriptClassesCompiledOnceAreNoSuspect() {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "groovy-scripts-healthy");
        assertThat(dump.fact("cache.entries")).isEqualTo(dump.fact("rules"));
        JsonNode report = report("groovy-scripts-healthy");
        for (JsonNode s : withNested(report)) {
            assertThat(s.get("severity").asText()).as(SuspectLines.describe(s)).isNotEqualTo("high");
            s.get("findings").forEach(f -> assertThat(f.get("kind").asText()).isNotEqualTo("defined-classes"));
        }
    }

    /**
     * Prometheus series keyed by label values that hold a request id: both clients' maps are found, keyed by lists
     * whose first element (the path) holds a UUID, with the sampled keys shown as those lists, each map's fix the
     * client's own remedy; the histogram's and the counter's data maps share an owner label and are one suspect.
     */
    @Test
    void prometheusSeriesKeyedByRequestIdsAreFoundWithTheClientsRemedy() {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "prometheus-label-leak");
        JsonNode report = report("prometheus-label-leak");
        String all = SuspectLines.describeAll(report);
        JsonNode data = SuspectLines.ownedBy(report, dump.factString("leak.owner"));
        JsonNode children = SuspectLines.ownedBy(report, dump.factString("simple.owner"));
        assertThat(data).as("the 1.x client's suspect; all suspects:%n%s", all).isNotNull();
        assertThat(children).as("the simpleclient's suspect; all suspects:%n%s", all).isNotNull();
        assertThat(data.get("mapCount").asInt()).as("the histogram's and the counter's maps").isEqualTo(2);
        assertThat(data.get("entries").asLong())
                .isEqualTo(dump.fact("leak.entries") + dump.fact("counter.entries"));
        assertThat(children.get("entries").asLong()).isEqualTo(dump.fact("simple.entries"));
        for (JsonNode s : List.of(data, children)) {
            assertThat(s.get("severity").asText()).as(SuspectLines.describe(s)).isEqualTo("high");
            assertThat(s.get("known").get("library").asText()).startsWith("Prometheus");
            assertThat(s.get("fix").get("text").asText()).as(SuspectLines.describe(s))
                    .startsWith("Don't label with unbounded values").contains("remove(labelValues...)")
                    .doesNotContain("Caffeine");
            JsonNode keys = finding(s, "unique-keys");
            assertThat(keys).as("unique-keys finding of %s", SuspectLines.describe(s)).isNotNull();
            assertThat(keys.get("evidence").get("pattern").asText()).isEqualTo("UUID");
            assertThat(keys.get("evidence").get("sampleKeys").get(0).asText()).matches(
                    "\\[\"/orders/[0-9a-f-]{36}\", \"[0-9]{3}\"]|\\[\"/orders/[0-9a-f-]{36}\"]");
            assertThat(keys.get("advice").asText()).startsWith("Keys are lists whose first element looks like UUIDs");
        }
        // the summary says once what the two maps' values hold (a clause per finding said it once per map)
        assertThat(data.get("summary").asText().split("most of it sits below", -1)).as(SuspectLines.describe(data))
                .hasSize(2);
    }

    /** Javassist's class pool keyed by generated class names: high, with Javassist's own remedy (detach). */
    @Test
    void javassistPoolKeepingGeneratedClassesIsFoundWithItsRemedy() {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "javassist-pool-leak");
        JsonNode report = report("javassist-pool-leak");
        JsonNode first = report.get("suspects").get(0);
        String all = SuspectLines.describeAll(report);
        assertThat(first.get("owner").get("label").asText()).as(all).isEqualTo(dump.factString("leak.owner"));
        assertThat(first.get("entries").asLong()).isEqualTo(dump.fact("leak.entries"));
        // a few keys the pool holds itself (int, java.lang.Object...) share no prefix with the generated names
        JsonNode keys = finding(first, "unique-keys");
        assertThat(keys).as("unique-keys finding; all suspects:%n%s", all).isNotNull();
        assertThat(keys.get("evidence").get("pattern").asText()).isEqualTo("hex id");
        assertThat(keys.get("evidence").get("matchingPercent").asDouble()).isLessThan(100.0).isGreaterThan(99.0);
        assertThat(first.get("fix").get("text").asText()).contains("ctClass.detach()").doesNotContain("Caffeine");
    }

    /** The suspect's finding of {@code kind}, or null. */
    private static JsonNode finding(JsonNode suspect, String kind) {
        for (JsonNode f : suspect.get("findings")) {
            if (f.get("kind").asText().equals(kind)) {
                return f;
            }
        }
        return null;
    }

    /** Every suspect of the report, those nested inside another included. */
    private static List<JsonNode> withNested(JsonNode report) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode s : report.get("suspects")) {
            all.add(s);
            s.path("nested").forEach(all::add);
        }
        return all;
    }

    /** The report of {@code mapleak analyze DUMP --json FILE} on the scenario's dump, made once per test run. */
    private static JsonNode report(String scenario) {
        return REPORTS.computeIfAbsent(scenario, RealLibrariesTest::analyze);
    }

    /** Runs {@code mapleak analyze DUMP --json FILE}; any exit code but 0 fails. */
    private static JsonNode analyze(String scenario) {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, scenario);
        Path json = dir.resolve(scenario + ".json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"analyze", dump.hprof().toString(), "--json", json.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as("exit code of analyze %s%n--- stdout%n%s--- stderr%n%s", dump.hprof(), out, err)
                .isZero();
        try {
            return JSON.readTree(json.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
