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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mapleak on dumps of real applications nobody here wrote (embedded Tomcat serving requests, an H2 database after a
 * workload, a Lucene index after searches): analysed without error and, where the program does not leak, without a
 * {@code high} suspect; and one real framework's own map leaking through its API (Tomcat's session map when
 * sessions never expire), found at the top and named by its field.
 */
class RealProgramsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The JDK alone makes a few hundred maps; a real application's dump has far more. */
    private static final int MIN_MAPS = 100;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"real-tomcat", "real-h2", "real-lucene"})
    void healthyRealProgramHasNoHighSuspect(String scenario) throws IOException {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, scenario);

        JsonNode report = analyze(dump);

        assertThat(report.get("mapCount").asInt()).as("maps found in %s", scenario).isGreaterThan(MIN_MAPS);
        List<String> high = new ArrayList<>();
        for (JsonNode s : report.get("suspects")) {
            if (s.get("severity").asText().equals("high")) {
                high.add(SuspectLines.describe(s));
            }
        }
        assertThat(high).as("high suspects in the healthy %s; all suspects:%n%s", scenario, SuspectLines.describeAll(report))
                .isEmpty();
    }

    @Test
    void healthyTomcatSessionMapIsNoSuspect() throws IOException {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "real-tomcat");
        assertThat(dump.fact("sessions.active")).as("sessions alive at the dump").isBetween(1L, dump.fact("users") * 2);

        JsonNode report = analyze(dump);

        List<String> owners = new ArrayList<>();
        report.get("suspects").forEach(s -> owners.add(s.get("owner").get("label").asText()));
        assertThat(owners).as(SuspectLines.describeAll(report)).doesNotContain(dump.factString("sessions.owner"));
    }

    @Test
    void tomcatSessionsThatNeverExpireAreFoundAndNamed() throws IOException {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "tomcat-session-leak");
        String owner = dump.factString("sessions.owner");
        long sessions = dump.fact("sessions.active");
        assertThat(sessions).as("sessions the manager holds").isGreaterThanOrEqualTo(20_000);
        assertThat(dump.fact("sessionTimeoutMinutes")).isNegative();

        JsonNode report = analyze(dump);

        JsonNode suspect = null;
        for (JsonNode s : report.get("suspects")) {
            if (s.get("rank").asInt() <= 3 && s.get("owner").get("label").asText().equals(owner)) {
                suspect = s;
                break;
            }
        }
        assertThat(suspect).as("a suspect of rank <= 3 owned by %s; all suspects:%n%s", owner, SuspectLines.describeAll(report))
                .isNotNull();
        String all = SuspectLines.describeAll(report);
        assertThat(suspect.get("severity").asText()).as(all).isIn("high", "medium");
        List<String> kinds = new ArrayList<>();
        suspect.get("findings").forEach(f -> kinds.add(f.get("kind").asText()));
        assertThat(kinds).as(all).containsAnyOf("unbounded-growth", "unique-keys");
        JsonNode map = suspect.get("maps").get(0);
        assertThat(map.get("className").asText()).isEqualTo("java.util.concurrent.ConcurrentHashMap");
        assertThat(map.get("size").asLong()).as("entries of the session map").isGreaterThanOrEqualTo(sessions);
        for (JsonNode f : suspect.get("findings")) {
            if (f.get("evidence").has("entries")) {
                assertThat(f.get("evidence").get("entries").asLong()).as(f.get("kind").asText())
                        .isGreaterThanOrEqualTo(sessions);
            }
        }
        // Sessions hold 2 KB each, so the map holds at least that much of the heap.
        assertThat(suspect.get("retainedBytes").asLong())
                .isGreaterThanOrEqualTo(sessions * dump.fact("profileBytes"));
        // every session sampled was read as one that never expires
        JsonNode lifetime = finding(suspect, "session-lifetime");
        assertThat(lifetime.get("container").asText()).isEqualTo("Tomcat");
        assertThat(lifetime.get("sampled").asLong()).isEqualTo(Math.min(2000, sessions));
        assertThat(lifetime.get("neverExpire").asLong()).isEqualTo(lifetime.get("sampled").asLong());
        assertThat(lifetime.get("timeoutSeconds").asLong()).isEqualTo(-1);
        assertThat(lifetime.get("expiring").asBoolean()).isFalse();
        assertThat(suspect.get("summary").asText()).as(all).contains("its sessions never expire");
        assertThat(suspect.get("severity").asText()).as(all).isEqualTo("high");
    }

    /**
     * Sessions of a 30-minute timeout, 8,000 of them from clients that never send their cookie back: their random ids
     * and their growth say only that this is a session map, which its timeout empties. Named as such, with the
     * timeout read from the sessions, none overdue, and high only for a size it does not have here.
     */
    @Test
    void tomcatSessionsThatExpireAreWeighedByTheirSize() throws IOException {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "tomcat-sessions-expiring");
        String owner = dump.factString("sessions.owner");
        long sessions = dump.fact("sessions.active");
        assertThat(sessions).as("sessions the manager holds").isGreaterThanOrEqualTo(8_000);

        JsonNode report = analyze(dump);

        String all = SuspectLines.describeAll(report);
        JsonNode suspect = SuspectLines.ownedBy(report, owner);
        assertThat(suspect).as("the session map's suspect; all suspects:%n%s", all).isNotNull();
        assertThat(suspect.get("severity").asText()).as(all).isIn("low", "medium");
        assertThat(suspect.get("title").asText()).isEqualTo(String.format(java.util.Locale.ROOT,
                "%,d Tomcat sessions (they expire after %d min idle): %s", sessions,
                dump.fact("sessionTimeoutMinutes"), owner));
        assertThat(suspect.get("summary").asText()).contains("its sessions expire after 30 min idle, none overdue")
                .doesNotContain("nothing bounds it");
        JsonNode lifetime = finding(suspect, "session-lifetime");
        assertThat(lifetime.get("timeoutSeconds").asLong()).isEqualTo(dump.fact("sessionTimeoutMinutes") * 60);
        assertThat(lifetime.get("sampled").asLong()).isEqualTo(Math.min(2000, sessions));
        assertThat(lifetime.get("neverExpire").asLong()).isZero();
        assertThat(lifetime.get("overdue").asLong()).isZero();
        assertThat(lifetime.get("expiring").asBoolean()).isTrue();
        assertThat(suspect.get("fix").get("text").asText()).startsWith("The sessions in " + owner + " expire after "
                + "30 min idle and none is overdue");
    }

    /**
     * Undertow's in-memory sessions (WildFly's too) with a 30-minute timeout, 8,000 of them: read as sessions that
     * expire, as Tomcat's are, not as a map keyed by random tokens that keeps growing (a busy Undertow server whose
     * session count was flat came out medium before).
     */
    @Test
    void undertowSessionsThatExpireAreWeighedByTheirSize() throws IOException {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "undertow-sessions-expiring");
        String owner = dump.factString("sessions.owner");
        long sessions = dump.fact("sessions.active");
        assertThat(sessions).as("sessions the manager holds").isEqualTo(dump.fact("requests"));

        JsonNode report = analyze(dump);

        String all = SuspectLines.describeAll(report);
        JsonNode suspect = SuspectLines.ownedBy(report, owner);
        assertThat(suspect).as("the session map's suspect; all suspects:%n%s", all).isNotNull();
        assertThat(suspect.get("severity").asText()).as(all).isEqualTo("low");
        assertThat(suspect.get("title").asText()).isEqualTo(String.format(java.util.Locale.ROOT,
                "%,d Undertow sessions (they expire after %d min idle): %s", sessions,
                dump.fact("sessionTimeoutMinutes"), owner));
        assertThat(suspect.get("known").get("library").asText()).isEqualTo("Undertow");
        JsonNode lifetime = finding(suspect, "session-lifetime");
        assertThat(lifetime.get("container").asText()).isEqualTo("Undertow");
        assertThat(lifetime.get("timeoutSeconds").asLong()).isEqualTo(dump.fact("sessionTimeoutMinutes") * 60);
        assertThat(lifetime.get("sampled").asLong()).isEqualTo(Math.min(2000, sessions));
        assertThat(lifetime.get("neverExpire").asLong()).isZero();
        assertThat(lifetime.get("overdue").asLong()).isZero();
        assertThat(lifetime.get("expiring").asBoolean()).isTrue();
        for (JsonNode s : report.get("suspects")) {
            assertThat(s.get("severity").asText()).as(all).isNotEqualTo("high");
        }
    }

    /** The evidence of the suspect's finding of this kind. */
    private static JsonNode finding(JsonNode suspect, String kind) {
        for (JsonNode f : suspect.get("findings")) {
            if (f.get("kind").asText().equals(kind)) {
                return f.get("evidence");
            }
        }
        throw new AssertionError("no " + kind + " finding in " + suspect.get("title").asText());
    }

    /** Runs {@code mapleak analyze DUMP --json FILE} and returns the report; any exit code but 0 fails. */
    private JsonNode analyze(FixtureDump dump) throws IOException {
        Path json = dir.resolve(dump.hprof().getFileName() + ".json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"analyze", dump.hprof().toString(), "--json", json.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as("exit code of analyze %s%n--- stdout%n%s--- stderr%n%s", dump.hprof(), out, err)
                .isZero();
        return JSON.readTree(json.toFile());
    }
}
