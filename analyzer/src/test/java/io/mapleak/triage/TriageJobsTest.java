package io.mapleak.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import io.mapleak.testing.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triage jobs as the scheduler runs them: processes of their own, started at once over one directory, killed with
 * SIGKILL mid-analysis, stopped with SIGTERM. Every dump is analysed exactly once, nothing is lost and nothing is
 * left behind.
 */
@ExtendWith(PostgresServer.class)
class TriageJobsTest {
    private static final Instant T0 = Instant.parse("2026-11-05T10:00:00Z");
    private static final Pattern ANALYSED = Pattern.compile("analysed (\\S+\\.hprof) in");

    @TempDir
    Path root;

    /** {@code n} distinct dumps of the smoke scenario (one program dumped at n times). */
    private List<Path> dumps(Path dir, int n) throws Exception {
        List<Path> out = new ArrayList<>();
        Path smoke = FixtureDumps.get(Jvm.JDK17, "smoke").hprof();
        for (int i = 1; i <= n; i++) {
            out.add(TriageFixtures.dump(smoke, dir.resolve("svc-" + i + ".hprof"), T0.plusSeconds(60L * i)));
        }
        return out;
    }

    @Test
    void twoJobsStartedAtOnceOnSqliteAnalyseEveryDumpOnceAndGzipIt() throws Exception {
        Path dir = root.resolve("dumps");
        Path out = root.resolve("out");
        List<Path> dumps = dumps(dir, 6);
        twoJobsAtOnce(dir, out, dumps, Store.sqliteUrl(out.resolve("triage.db")), "--after", "gzip");
        for (Path d : dumps) {
            assertThat(d).as("gzipped once its reports were written").doesNotExist();
            assertThat(Path.of(d + ".gz")).isRegularFile();
        }
        TriageFixtures.Run again = TriageFixtures.triage(dir.toString(), "--out", out.toString(), "--after", "gzip");
        assertThat(again.out()).as("the gzipped copies are the dumps already analysed").contains("0 analysed")
                .doesNotContain("found ");
        assertThat(TriageFixtures.query(Store.sqliteUrl(out.resolve("triage.db")), "SELECT COUNT(*) FROM "
                + "triage_dumps WHERE after_state = 'gzipped'")).containsExactly(List.of("6"));
    }

    @Test
    void twoJobsStartedAtOnceOnPostgresqlAnalyseEveryDumpOnceAndDeleteIt(PostgresServer pg) throws Exception {
        Path dir = root.resolve("dumps");
        Path out = root.resolve("out");
        List<Path> dumps = dumps(dir, 4);
        String db = pg.newDatabase();
        twoJobsAtOnce(dir, out, dumps, db, "--db", db, "--after", "delete");
        for (Path d : dumps) {
            assertThat(d).as("deleted once its reports were written").doesNotExist();
        }
        assertThat(out.resolve("triage.db")).as("the store is PostgreSQL").doesNotExist();
        assertThat(TriageFixtures.query(db, "SELECT COUNT(*) FROM triage_dumps WHERE after_state = 'deleted'"))
                .containsExactly(List.of("4"));
    }

    private void twoJobsAtOnce(Path dir, Path out, List<Path> dumps, String db, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of(dir.toString(), "--out", out.toString(), "--once"));
        args.addAll(List.of(more));
        Path logA = root.resolve("a.log");
        Path logB = root.resolve("b.log");
        Process a = null;
        Process b = null;
        try {
            a = TriageFixtures.start(logA, args.toArray(String[]::new));
            b = TriageFixtures.start(logB, args.toArray(String[]::new));
            assertThat(TriageFixtures.await(a, logA, 600)).as(TriageFixtures.read(logA)).isZero();
            assertThat(TriageFixtures.await(b, logB, 600)).as(TriageFixtures.read(logB)).isZero();
        } finally {
            TriageFixtures.kill(a);
            TriageFixtures.kill(b);
        }
        Set<String> byA = analysed(TriageFixtures.read(logA));
        Set<String> byB = analysed(TriageFixtures.read(logB));
        Set<String> all = new HashSet<>(byA);
        all.addAll(byB);
        assertThat(all).containsExactlyInAnyOrderElementsOf(dumps.stream().map(Path::toString).toList());
        assertThat(byA).as("no dump analysed by both jobs").doesNotContainAnyElementsOf(byB);
        assertThat(TriageFixtures.query(db, "SELECT outcome, COUNT(*) FROM triage_attempts GROUP BY outcome"))
                .as("one attempt per dump, each a success").containsExactly(List.of("analysed",
                        Integer.toString(dumps.size())));
        JsonNode index = TriageFixtures.index(out);
        assertThat(index.path("dumps")).hasSize(dumps.size());
        assertThat(index.path("counts").path("analysed").asInt()).isEqualTo(dumps.size());
        try (Stream<Path> reports = Files.list(out.resolve("reports"))) {
            assertThat(reports.count()).isEqualTo(2L * dumps.size());
        }
        assertThat(TriageFixtures.leftovers(out, dir)).isEmpty();
    }

    private static Set<String> analysed(String log) {
        Set<String> files = new HashSet<>();
        Matcher m = ANALYSED.matcher(log);
        while (m.find()) {
            assertThat(files.add(m.group(1))).as("analysed twice by one job: %s", m.group(1)).isTrue();
        }
        return files;
    }

    @Test
    void aJobKilledWithSigkillMidAnalysisLosesNothingDuplicatesNothingAndLeavesNothing() throws Exception {
        Path dir = root.resolve("dumps");
        Path out = root.resolve("out");
        Path leak = TriageFixtures.dump(FixtureDumps.get(Jvm.JDK17, "session-registry").hprof(),
                dir.resolve("leak.hprof"), T0);
        Path healthy = TriageFixtures.dump(FixtureDumps.get(Jvm.JDK17, "smoke").hprof(), dir.resolve("smoke.hprof"),
                T0.plusSeconds(60));
        Path log = root.resolve("killed.log");
        Process job = TriageFixtures.start(log, dir.toString(), "--out", out.toString(), "--once");
        ProcessHandle child;
        try {
            child = awaitChild(job, log);
            job.destroyForcibly(); // SIGKILL: no shutdown hook, no hand-back
            assertThat(job.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(job.exitValue()).isEqualTo(137);
            assertThat(child.onExit().get(30, TimeUnit.SECONDS).isAlive()).as("the child ends with its job").isFalse();
        } finally {
            TriageFixtures.kill(job);
        }
        assertThat(TriageFixtures.leftovers(out)).as("what the killed job left: its work directory").isNotEmpty();
        String db = Store.sqliteUrl(out.resolve("triage.db"));
        assertThat(TriageFixtures.query(db, "SELECT COUNT(*) FROM triage_dumps WHERE status = 'running'"))
                .as("the dump in hand is still claimed by the dead job").containsExactly(List.of("1"));

        TriageFixtures.Run rerun = TriageFixtures.triage(dir.toString(), "--out", out.toString(), "--once");
        assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
        JsonNode index = TriageFixtures.index(out);
        assertThat(index.path("dumps")).hasSize(2);
        assertThat(index.path("counts").path("analysed").asInt()).as(rerun.toString()).isEqualTo(2);
        assertThat(TriageFixtures.query(db, "SELECT d.file, a.outcome FROM triage_attempts a JOIN triage_dumps d ON "
                + "d.id = a.dump_id WHERE a.outcome = 'analysed' ORDER BY d.file"))
                .as("each dump analysed exactly once").containsExactly(List.of(leak.toString(), "analysed"),
                        List.of(healthy.toString(), "analysed"));
        assertThat(TriageFixtures.query(db, "SELECT COUNT(*) FROM triage_attempts WHERE outcome = 'abandoned'"))
                .as("the killed attempt, on record").containsExactly(List.of("1"));
        assertThat(index.path("signatures")).hasSize(1);
        assertThat(index.path("signatures").get(0).path("count").asInt()).isEqualTo(1);
        try (Stream<Path> reports = Files.list(out.resolve("reports"))) {
            assertThat(reports.count()).isEqualTo(4L);
        }
        assertThat(TriageFixtures.leftovers(out, dir)).isEmpty();
    }

    @Test
    void sigtermKillsTheChildHandsTheDumpBackUntouchedAndStopsTheWatch() throws Exception {
        Path dir = root.resolve("dumps");
        Path out = root.resolve("out");
        TriageFixtures.dump(FixtureDumps.get(Jvm.JDK17, "session-registry").hprof(), dir.resolve("leak.hprof"), T0);
        Path log = root.resolve("watch.log");
        Process job = TriageFixtures.start(log, dir.toString(), "--out", out.toString(), "--watch", "--interval", "1h");
        ProcessHandle child;
        try {
            child = awaitChild(job, log);
            job.destroy(); // SIGTERM
            assertThat(job.waitFor(60, TimeUnit.SECONDS)).as(TriageFixtures.read(log)).isTrue();
        } finally {
            TriageFixtures.kill(job);
        }
        assertThat(job.exitValue()).as("ended by the signal, cleanly").isEqualTo(143);
        assertThat(child.isAlive()).isFalse();
        assertThat(TriageFixtures.read(log)).contains("stopping: handed " + dir.resolve("leak.hprof") + " back");
        String db = Store.sqliteUrl(out.resolve("triage.db"));
        assertThat(TriageFixtures.query(db, "SELECT status, attempts FROM triage_dumps"))
                .as("back to pending, the attempt not counted").containsExactly(List.of("pending", "0"));
        assertThat(TriageFixtures.query(db, "SELECT COUNT(*) FROM triage_attempts")).containsExactly(List.of("0"));
        assertThat(TriageFixtures.query(db, "SELECT COUNT(*) FROM triage_runs WHERE finished_ms IS NULL"))
                .containsExactly(List.of("0"));
        assertThat(TriageFixtures.leftovers(out, dir)).isEmpty();
    }

    /**
     * The job's child JVM once it runs an analysis (the job is then mid-analysis). Other children come and go: the
     * SQLite driver runs {@code uname} when it loads.
     */
    private static ProcessHandle awaitChild(Process job, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            Optional<ProcessHandle> child = job.toHandle().children()
                    .filter(c -> commandLine(c).contains(" analyze ")).findFirst();
            if (child.isPresent()) {
                Thread.sleep(300); // into the analysis: the child's JVM is up and reading the dump
                return child.get();
            }
            if (!job.isAlive()) {
                throw new AssertionError("the job ended before starting a child:\n" + TriageFixtures.read(log));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no child JVM within 120 s:\n" + TriageFixtures.read(log));
    }

    /**
     * A process's command line, read from /proc: {@code ProcessHandle.Info} gives none for one longer than a page
     * (4 KB), which the child's test class path exceeds.
     */
    private static String commandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return ""; // the process ended
        }
    }
}
