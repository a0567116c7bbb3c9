package io.mapleak.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mapleak.cli.Main;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The framework knowledge in {@code io/mapleak/rank/known-maps.properties} is true of real dumps: every entry
 * is complete, and the map it describes (its declaring class and field) is one that {@code mapleak maps} finds, under
 * exactly that owner label, in the dump of the fixture scenario the entry names.
 */
class KnownMapsTest {
    static final String RESOURCE = "/io/mapleak/rank/known-maps.properties";
    static final List<String> KEYS = List.of("class", "field", "library", "role", "what", "fix", "scenario");
    /** Keys an entry may have: where the library keeps the map's configured bound (proven by the healthy twins). */
    static final List<String> OPTIONAL = List.of("bound");
    static final Set<String> ROLES = Set.of("sessions", "cache", "cache-manager", "container", "metrics", "loggers",
            "persistence-context", "query-cache", "thread-pool", "class-loader", "thread-locals", "other");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Owner labels of every map in a scenario's dump, by scenario: each dump is listed once per test run. */
    private static final Map<String, Set<String>> OWNERS = new ConcurrentHashMap<>();

    @TempDir
    static Path dir;

    /** One entry of the file: its id and its values by key. */
    record Entry(String id, Map<String, String> values) {
        String get(String key) {
            return values.get(key);
        }

        String label() {
            return get("class") + "." + get("field");
        }

        @Override
        public String toString() {
            return id + " (" + label() + " in " + get("scenario") + ")";
        }
    }

    static List<Entry> entries() {
        Properties p = new Properties();
        try (InputStream in = KnownMapsTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as(RESOURCE + " on the class path").isNotNull();
            try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> ids = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            ids.add(key.substring(0, key.lastIndexOf('.')));
        }
        List<Entry> entries = new ArrayList<>();
        for (String id : ids) {
            Map<String, String> values = new java.util.HashMap<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith(id + ".") && key.indexOf('.', id.length() + 1) < 0) {
                    values.put(key.substring(id.length() + 1), p.getProperty(key).trim());
                }
            }
            entries.add(new Entry(id, values));
        }
        return entries;
    }

    @Test
    void everyEntryIsCompleteWithAKnownRoleAndAnExistingScenario() {
        List<Entry> entries = entries();
        assertThat(entries).hasSizeGreaterThanOrEqualTo(20);
        for (Entry e : entries) {
            assertThat(e.values().keySet()).as(e.id()).containsAll(KEYS);
            assertThat(e.values().keySet()).as(e.id() + ": keys beyond the required").isSubsetOf(
                    java.util.stream.Stream.concat(KEYS.stream(), OPTIONAL.stream()).toList());
            if (e.get("bound") != null) {
                assertThat(e.get("bound")).as(e.id() + ".bound").matches("[\\w.$]+\\.[\\w$]+");
            }
            for (String key : KEYS) {
                assertThat(e.get(key)).as(e.id() + "." + key).isNotBlank();
            }
            assertThat(e.get("role")).as(e.id() + ".role").isIn(ROLES);
            assertThat(e.get("class")).as(e.id() + ".class").matches("[\\w.$]+\\.[\\w$]+");
            assertThat(e.get("field")).as(e.id() + ".field").matches("[\\w$]+");
            assertThat(e.get("fix")).as(e.id() + ".fix: one paragraph").doesNotContain("\n");
            assertThat(scenarioClass(e.get("scenario"))).as(e.id() + ".scenario " + e.get("scenario")).isNotNull();
        }
        assertThat(entries.stream().map(Entry::label).distinct().count()).as("one entry per map")
                .isEqualTo(entries.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void entryIsAMapOfItsScenarioDump(Entry entry) {
        Set<String> owners = OWNERS.computeIfAbsent(entry.get("scenario"), KnownMapsTest::ownersOfMaps);
        assertThat(owners).as("owner labels of the maps in %s", entry.get("scenario")).contains(entry.label());
    }

    /** The scenario's class, as {@code FixtureMain} names it ({@code spring-cache-leak} → SpringCacheLeak). */
    private static Class<?> scenarioClass(String scenario) {
        StringBuilder name = new StringBuilder("io.mapleak.fixtures.scenario.");
        for (String part : scenario.split("-")) {
            name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        try {
            return Class.forName(name.toString());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** Runs {@code mapleak maps DUMP --top 0 --json FILE} on the scenario's dump; returns every map's owner label. */
    private static Set<String> ownersOfMaps(String scenario) {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, scenario);
        Path json = dir.resolve(scenario + ".maps.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"maps", dump.hprof().toString(), "--top", "0", "--json", json.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as("exit code of maps %s%n--- stderr%n%s", dump.hprof(), err).isZero();
        Set<String> owners = new TreeSet<>();
        try {
            for (JsonNode m : JSON.readTree(json.toFile()).get("maps")) {
                owners.add(m.get("owner").get("label").asText());
            }
            Files.delete(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return owners;
    }
}
