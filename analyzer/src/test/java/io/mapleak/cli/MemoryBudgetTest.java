package io.mapleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --memory} and {@code --temp-dir} from the command line: a budget far below what the index needs gives the
 * same report (suspects, retained sizes, owner paths) with every column in temp files, and no temp file outlives
 * the process, even one interrupted with Ctrl-C.
 */
class MemoryBudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void analyzeWithNoMemoryBudgetGivesTheSameSuspectsSizesAndPaths() throws IOException {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "session-registry");
        Path temp = Files.createDirectory(dir.resolve("temp"));
        Path plain = dir.resolve("plain.json");
        Path spilled = dir.resolve("spilled.json");
        assertThat(mapleak("analyze", dump.hprof().toString(), "--json", plain.toString())).isZero();
        String before = System.getProperty("mapleak.chunkShift");
        System.setProperty("mapleak.chunkShift", "10"); // chunk boundaries every 1,024 objects and references
        try {
            assertThat(mapleak("analyze", dump.hprof().toString(), "--json", spilled.toString(), "--memory", "0",
                    "--temp-dir", temp.toString())).isZero();
        } finally {
            if (before == null) {
                System.clearProperty("mapleak.chunkShift");
            } else {
                System.setProperty("mapleak.chunkShift", before);
            }
        }
        JsonNode a = withoutTimings(JSON.readTree(plain.toFile()));
        JsonNode b = withoutTimings(JSON.readTree(spilled.toFile()));
        assertThat(a.path("suspects").size()).isPositive();
        assertThat(a.path("suspects").get(0).path("retainedBytes").asLong()).isPositive();
        assertThat(b).isEqualTo(a);
        assertThat(list(temp)).isEmpty();
    }

    @Test
    void tempFilesAreGoneAfterAnInterruptedRun() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc to see the child's mappings");
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "session-registry");
        Path temp = Files.createDirectory(dir.resolve("temp"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-Dmapleak.chunkShift=10",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "analyze",
                dump.hprof().toString(), "--memory", "0", "--temp-dir", temp.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            Path maps = Path.of("/proc", Long.toString(p.pid()), "maps");
            boolean sawTempFile = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (p.isAlive() && System.nanoTime() < deadline && !sawTempFile) {
                try {
                    sawTempFile = Files.readString(maps).contains(temp.toString() + "/mapleak-");
                } catch (IOException e) {
                    break; // the child ended between the two checks
                }
                if (sawTempFile) {
                    // A temp file has a name only between its creation and its deletion a few microseconds later:
                    // whatever one listing catches must be gone from the directory a moment after.
                    List<Path> named = list(temp);
                    Thread.sleep(200);
                    assertThat(named).as("mapped temp files have no name on disk").noneMatch(Files::exists);
                } else {
                    Thread.sleep(5);
                }
            }
            assertThat(sawTempFile).as("the child mapped a temp file (log: %s)", dir.resolve("child.log")).isTrue();
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly(); // a failed assertion must not leave the child running
        }
        assertThat(list(temp)).isEmpty();
    }

    @Test
    void aHeapTooSmallForTheDumpIsOneLineOfAdviceAndExit4() throws Exception {
        // 16 MB cannot hold what analysing this dump needs beside the JVM's own classes: the heap runs out in
        // whichever thread allocates next. The user gets the advice alone, not a JVM message or a stack trace. (On
        // the 10 GB benchmark dump at -Xmx512m, with helper threads still holding the heap, printing the advice once
        // failed itself, and a helper's error went to the JVM's default handler: docs/PERFORMANCE.md. That needs a
        // dump too large for a test; WorkbenchTest covers the helper's part.)
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "demo-shop");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("oom.log");
        Process p = new ProcessBuilder(java.toString(), "-Xmx16m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "analyze", dump.hprof().toString(), "--temp-dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly(); // a child that hung must not outlive the test
        }
        List<String> lines = Files.readAllLines(log);
        assertThat(p.exitValue()).as("output: %s", lines).isEqualTo(ExitCodes.INTERNAL);
        assertThat(lines).hasSize(1);
        // Whether --memory 0 is offered depends on whether a column had reached the heap when it ran out.
        assertThat(lines.get(0)).startsWith("mapleak: out of memory with a max heap of 16 MB")
                .contains("MAPLEAK_JAVA_OPTS=-Xmx1g")
                .isIn(Main.outOfMemory(16L << 20, true), Main.outOfMemory(16L << 20, false));
    }

    @Test
    void anUnusableTempDirectoryIsOneLineAndExit4() throws IOException {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "session-registry");
        Path gz = dir.resolve("dump.hprof.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(dump.hprof(), out); // a gzipped dump is inflated into the temp directory
        }
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"analyze", gz.toString(), "--temp-dir", file.resolve("temp").toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).isEqualTo(ExitCodes.INTERNAL);
        assertThat(err.toString().lines().toList()).hasSize(1);
        assertThat(err.toString()).startsWith("mapleak: cannot use the temp directory " + file.resolve("temp"))
                .contains("--temp-dir");
    }

    @Test
    void helpDescribesMemoryAndTempDirWithoutFormatWarnings() {
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        StringWriter out = new StringWriter();
        System.setErr(new java.io.PrintStream(stderr, true)); // picocli warns about bad format strings there
        try {
            assertThat(Main.run(new String[] {"analyze", "--help"}, new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true))).isZero();
        } finally {
            System.setErr(saved);
        }
        assertThat(stderr.toString()).doesNotContain("WARN");
        assertThat(out.toString()).contains("--memory=SIZE").contains("60% of").contains("--temp-dir=DIR");
    }

    @Test
    void outOfMemoryAdviceNamesALargerHeapThanTheOneThatFailedAndMemory() {
        assertThat(Main.outOfMemory(512L << 20, true)).contains("max heap of 512 MB").contains("-Xmx1g")
                .contains("--memory 0").contains("dumps of 256 MB and more");
        assertThat(Main.outOfMemory(16L << 20, true)).contains("-Xmx1g").contains("--memory 0");
        assertThat(Main.outOfMemory(2L << 30, true)).contains("-Xmx4g");
        assertThat(Main.outOfMemory(6L << 30, true)).contains("-Xmx12g");
        // A run whose columns were all in temp files: --memory 0 would change nothing, so it is not offered.
        assertThat(Main.outOfMemory(1L << 30, false)).contains("max heap of 1,024 MB").contains("-Xmx2g")
                .doesNotContain("--memory 0").contains("no column of the index was on the heap");
    }

    private static List<Path> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }

    private static JsonNode withoutTimings(JsonNode report) {
        ObjectNode o = report.deepCopy();
        o.remove(List.of("seconds", "phases", "detectorSeconds"));
        return o;
    }

    private static int mapleak(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(err.toString()).doesNotContain("internal error");
        return code;
    }
}
