package io.mapleak.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the job makes of what it finds in a dump directory, with real child JVMs and the SQLite store: a garbage
 * file fails at once, a truncated dump and a gzipped dump are analysed, a file still being written is left alone
 * until it has been quiet, and nothing is analysed twice; an analysis that does not finish in time is killed,
 * tried again, then failed.
 */
class TriageInputsTest {
    private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");

    @TempDir
    Path root;

    @Test
    void garbageFailsTruncatedAndGzippedDumpsAreAnalysedAndAGrowingFileWaitsUntilItIsQuiet() throws Exception {
        Path dumps = root.resolve("dumps");
        Path out = root.resolve("out");
        Path smoke = FixtureDumps.get(Jvm.JDK17, "smoke").hprof();

        Path truncated = TriageFixtures.dump(smoke, dumps.resolve("truncated.hprof"), T0);
        try (FileChannel ch = FileChannel.open(truncated, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() * 6 / 10); // an OutOfMemoryError dump whose JVM died while writing it
        }
        TriageFixtures.settle(truncated);
        Path plain = TriageFixtures.dump(smoke, root.resolve("plain.hprof"), T0.plusSeconds(60));
        Path gzipped = dumps.resolve("sub/gzipped.hprof.gz");
        Files.createDirectories(gzipped.getParent());
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
            Files.copy(plain, gz);
        }
        TriageFixtures.settle(gzipped);
        Path garbage = Files.writeString(dumps.resolve("garbage.hprof"), "this is not a heap dump\n");
        TriageFixtures.settle(garbage);

        // A dump being written while the first run scans: 64 KB every 100 ms, stopping at 60% (its JVM died).
        Path growing = dumps.resolve("growing.hprof");
        byte[] bytes = Files.readAllBytes(TriageFixtures.dump(smoke, root.resolve("g.hprof"), T0.plusSeconds(120)));
        AtomicBoolean written = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try (OutputStream o = Files.newOutputStream(growing)) {
                for (int at = 0; at < bytes.length * 6 / 10; at += 64 << 10) {
                    o.write(bytes, at, Math.min(64 << 10, bytes.length * 6 / 10 - at));
                    o.flush();
                    Thread.sleep(100);
                }
                written.set(true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "dump writer");
        writer.start();
        while (!Files.exists(growing)) {
            Thread.sleep(10);
        }

        TriageFixtures.Run first = TriageFixtures.triage(dumps.toString(), "--out", out.toString(), "--once",
                "--quiet-period", "3s");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).as(first.toString()).contains("1 still being written");
        Map<String, JsonNode> byName = TriageFixtures.dumpsByName(TriageFixtures.index(out));
        assertThat(byName).as("the growing file is not touched").containsOnlyKeys("truncated.hprof",
                "gzipped.hprof.gz", "garbage.hprof");
        assertThat(byName.get("garbage.hprof").path("status").asText()).isEqualTo("failed");
        assertThat(byName.get("garbage.hprof").path("attempts").asInt()).as("not a dump: no second try").isEqualTo(1);
        assertThat(byName.get("garbage.hprof").path("error").asText()).contains("not an HPROF heap dump");
        assertThat(byName.get("truncated.hprof").path("status").asText()).isEqualTo("analysed");
        assertThat(byName.get("truncated.hprof").path("truncated").asBoolean()).isTrue();
        assertThat(byName.get("gzipped.hprof.gz").path("status").asText()).isEqualTo("analysed");
        assertThat(byName.get("gzipped.hprof.gz").path("time").asText()).isEqualTo("2026-11-02T09:01:00Z");
        assertThat(byName.get("gzipped.hprof.gz").path("heapBytes").asLong()).isPositive();
        JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                out.resolve(byName.get("gzipped.hprof.gz").path("report").path("json").asText()).toFile());
        assertThat(report.path("dump").path("compression").asText()).isEqualTo("gzip");
        assertThat(out.resolve(byName.get("gzipped.hprof.gz").path("report").path("html").asText())).isRegularFile();

        writer.join(120_000);
        assertThat(written).as("the writer finished").isTrue();
        long quietSince = Files.getLastModifiedTime(growing).toMillis();
        while (System.currentTimeMillis() - quietSince < 3_300) {
            Thread.sleep(100);
        }
        TriageFixtures.Run second = TriageFixtures.triage(dumps.toString(), "--out", out.toString(), "--once",
                "--quiet-period", "3s");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).as(second.toString()).contains("analysed " + growing)
                .doesNotContain("analysed " + truncated).doesNotContain("analysed " + gzipped)
                .doesNotContain("found " + garbage);
        byName = TriageFixtures.dumpsByName(TriageFixtures.index(out));
        assertThat(byName.get("growing.hprof").path("status").asText()).isEqualTo("analysed");
        assertThat(byName.get("growing.hprof").path("truncated").asBoolean()).as("a dump that never finished")
                .isTrue();
        String db = Store.sqliteUrl(out.resolve("triage.db"));
        assertThat(TriageFixtures.query(db, "SELECT d.file, a.outcome FROM triage_attempts a JOIN triage_dumps d ON "
                + "d.id = a.dump_id ORDER BY d.file")).as("each dump analysed once over both runs").containsExactly(
                        List.of(garbage.toString(), "unreadable"), List.of(growing.toString(), "analysed"),
                        List.of(gzipped.toString(), "analysed"), List.of(truncated.toString(), "analysed"));
        assertThat(TriageFixtures.leftovers(out, dumps)).isEmpty();
    }

    @Test
    void anAnalysisThatOutlivesTheTimeoutIsKilledTriedAgainByTheNextRunThenFailed() throws Exception {
        Path dumps = root.resolve("dumps");
        Path out = root.resolve("out");
        Path slow = TriageFixtures.dump(FixtureDumps.get(Jvm.JDK17, "smoke").hprof(), dumps.resolve("slow.hprof"), T0);
        String[] args = {dumps.toString(), "--out", out.toString(), "--timeout", "300ms", "--max-attempts", "2"};

        TriageFixtures.Run first = TriageFixtures.triage(args);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.err()).contains("took longer than 300ms").contains("attempt 1 of 2, will be tried again");
        JsonNode d = TriageFixtures.dumpsByName(TriageFixtures.index(out)).get("slow.hprof");
        assertThat(d.path("status").asText()).as("one attempt per run").isEqualTo("pending");
        assertThat(d.path("attempts").asInt()).isEqualTo(1);

        TriageFixtures.Run second = TriageFixtures.triage(args);
        assertThat(second.err()).contains("attempt 2 of 2, failed");
        d = TriageFixtures.dumpsByName(TriageFixtures.index(out)).get("slow.hprof");
        assertThat(d.path("status").asText()).isEqualTo("failed");
        assertThat(d.path("error").asText()).isEqualTo("the analysis took longer than 300ms and was stopped");

        TriageFixtures.Run third = TriageFixtures.triage(args);
        assertThat(third.out()).as("a failed dump is not tried again").contains("0 analysed, 0 failed");
        assertThat(TriageFixtures.query(Store.sqliteUrl(out.resolve("triage.db")), "SELECT outcome FROM "
                + "triage_attempts")).containsExactly(List.of("timeout"), List.of("timeout"));
        assertThat(TriageFixtures.leftovers(out, dumps)).isEmpty();
        assertThat(Files.readString(out.resolve("index.html"), StandardCharsets.UTF_8))
                .contains("the analysis took longer than 300ms and was stopped");
        assertThat(slow).exists();
    }
}
