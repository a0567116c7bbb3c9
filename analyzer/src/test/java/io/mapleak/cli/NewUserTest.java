package io.mapleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a new user trips over on the command line, each seen on the way to a first report: the first hint, values
 * out of range, ids that are not in the dump, filters that match nothing, plurals, the version, a launcher that
 * builds on first use.
 */
class NewUserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static String smoke() {
        return FixtureDumps.get(Jvm.JDK17, "smoke").hprof().toString();
    }

    @Test
    void mapleakAloneSuggestsAnalyzeFirst() {
        Run r = run();
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("start with 'mapleak analyze DUMP'").doesNotContain("histogram DUMP");
    }

    @Test
    void dumpZeroIsTheCommandsOwnUsageError() {
        Run r = run("analyze", smoke(), "--dump", "0");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--dump").contains("takes a number from 1, not 0")
                .contains("Usage: mapleak analyze").doesNotContain("<main class>");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"analyze", "histogram", "top", "maps"})
    void aNegativeTopIsRejectedByEveryCommand(String command) {
        Run r = run(command, smoke(), "--top", "-5");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("takes a number from 0, not -5");
    }

    @Test
    void anObjectIdNotInTheDumpIsOneLineNotAScreenOfUsage() {
        Run r = run("path", smoke(), "0x1");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().strip()).isEqualTo("mapleak: no object 0x1 in this dump (OBJECT_ID)");
    }

    @Test
    void anIdOfDigitsSaysHowItWasRead() throws Exception {
        Path json = dir.resolve("maps.json");
        assertThat(run("maps", smoke(), "--json", json.toString()).code()).isZero();
        String hex = JSON.readTree(json.toFile()).at("/maps/0/objectId").asText();
        long id = Long.parseUnsignedLong(hex.substring(2), 16);

        Run decimal = run("path", smoke(), Long.toString(id));
        assertThat(decimal.code()).as(decimal.err()).isZero();
        assertThat(decimal.err()).contains("reading " + id + " as the decimal id " + hex);
        Run prefixed = run("path", smoke(), hex);
        assertThat(prefixed.err()).doesNotContain("reading");
        assertThat(prefixed.out()).isEqualTo(decimal.out());
    }

    @Test
    void mapsClassMatchesTheOwnerFieldAndSaysWhyNothingMatched() {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "session-registry");
        Run owner = run("maps", dump.hprof().toString(), "--class", "SessionRegistry");
        assertThat(owner.code()).isZero();
        assertThat(owner.out()).contains("(1 shown)").contains("SessionRegistry.SESSIONS");
        Run none = run("maps", dump.hprof().toString(), "--class", "NoSuchThing");
        assertThat(none.out()).contains("(0 shown)").contains("No map matches --class 'NoSuchThing' (in the map's "
                + "class or in its owner");
    }

    @Test
    void countsHaveTheirNounInTheRightNumber() {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "session-registry");
        Run r = run("analyze", dump.hprof().toString());
        assertThat(r.out().lines().findFirst().orElse("")).contains("; 1 suspect (1 high, 0 medium);")
                .doesNotContain("1 suspects");
        // the counts add up to the suspects: low ones are named when there are any
        Run low = run("analyze", FixtureDumps.get(Jvm.JDK17, "tiny-maps").hprof().toString());
        assertThat(low.out().lines().findFirst().orElse("")).contains("; 2 suspects (0 high, 0 medium, 2 low);");
    }

    @Test
    void theVersionIsTheBuildsNotDev() throws Exception {
        Run r = run("--version");
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        String version = pom.substring(pom.indexOf("<version>", pom.indexOf("<parent>")) + "<version>".length());
        version = version.substring(0, version.indexOf('<'));
        assertThat(r.out().strip()).isEqualTo("mapleak " + version);
    }

    /** Through the real main(): its stdout is a buffered stream, flushed only if mapleak flushes it. */
    @Test
    void listThresholdsPrintsThemThroughTheRealMain() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "io.mapleak.cli.Main", "analyze", smoke(), "--list-thresholds").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).contains("growth.heapShare").contains("severity.highShare");
    }

    /** The launcher's first build: Maven's colour codes never reach the terminal, even when the build fails. */
    @Test
    void theLaunchersFirstBuildLeavesNoEscapeCodes() throws Exception {
        Path root = dir.resolve("repo");
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("..", "bin", "mapleak"), root.resolve("bin").resolve("mapleak"));
        Path fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
        Path mvn = fakeBin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\nprintf '\\033[0m\\033[0m\\033[1;31m[ERROR]\\033[m compilation failed\\n'\n"
                + "exit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("bin").resolve("mapleak").toString(), "--version");
        pb.environment().put("PATH", fakeBin + File.pathSeparator + System.getenv("PATH"));
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(4);
        assertThat(err).contains("[ERROR] compilation failed").contains("mapleak: build failed").doesNotContain("\u001b");
    }

    /**
     * The launcher runs commands that only re-render reports on the C1 compiler (a second less of JIT warm-up), and
     * keeps the optimising compiler, with a small fixed young generation, for anything that reads a dump;
     * MAPLEAK_JAVA_OPTS comes after, so it wins.
     */
    @Test
    void theLauncherPicksTheQuickCompilerOnlyForReportOnlyCommands() throws Exception {
        Path root = repoWithEchoingJava();
        Path report = dir.resolve("r.json");
        Files.writeString(report, "{\"schemaVersion\": \"2.1\"}");
        String dump = smoke();
        String c1 = "-XX:TieredStopAtLevel=1";

        assertThat(launch(root, "report", report.toString(), "--html", "x.html")).startsWith(c1 + " -jar");
        assertThat(launch(root, "growth", report.toString(), report.toString(), "--json", "g.json"))
                .startsWith(c1 + " -jar");
        String young = "-Xmn64m -XX:+UseParallelGC";
        assertThat(launch(root, "report", report.toString())).doesNotContain(young);
        // Commands that read a dump: the young generation and the JIT options the triage job's children get too.
        String reading = young + " " + String.join(" ", CompilerOptions.FOR_DUMPS) + " -jar";
        assertThat(launch(root, "growth", report.toString(), dump)).startsWith(reading).doesNotContain(c1);
        assertThat(launch(root, "analyze", dump)).startsWith(reading).doesNotContain(c1);
        assertThat(launch(root, "report", report.toString())).doesNotContain("InlineSmallCode");
        assertThat(launch(root, "growth", "--help")).startsWith(c1);
        assertThat(launch(root, "triage", dump, "--out", "out")).startsWith(c1 + " -XX:+UseSerialGC -jar");
        // A collector of the user's replaces the parallel one: the JVM refuses to start with two.
        for (String collector : List.of("-XX:+UseG1GC", "-XX:+UseSerialGC")) {
            assertThat(launch(root, Map.of("MAPLEAK_CDS", "0", "MAPLEAK_JAVA_OPTS", "-Xmx1g " + collector), "analyze",
                    dump)).doesNotContain("UseParallelGC").startsWith("-Xmn64m -XX:InlineSmallCode")
                    .contains(collector);
            assertThat(launch(root, Map.of("MAPLEAK_CDS", "0", "JAVA_TOOL_OPTIONS", collector), "analyze", dump))
                    .doesNotContain("UseParallelGC");
        }
        assertThat(launch(root, Map.of("MAPLEAK_CDS", "0", "MAPLEAK_JAVA_OPTS", "-XX:+UseParallelGC -Xmx1g"),
                "analyze", dump)).startsWith("-Xmn64m -XX:InlineSmallCode");
    }

    /**
     * A JDK of 23 or later, told by the release file beside its bin directory, gets the option that lets columns be
     * read by address and unmapped when closed (ColumnStore.JVM_OPTIONS, as the triage job's children get it); an
     * older one, or one without a release file, would refuse it or might, and gets nothing.
     */
    @Test
    void theLauncherAllowsUnsafeMemoryAccessOnlyToAJdkThatKnowsTheOption() throws Exception {
        Path root = repoWithEchoingJava();
        String dump = smoke();
        String allow = "--sun-misc-unsafe-memory-access=allow";

        assertThat(launch(root, "analyze", dump)).doesNotContain("memory-access");
        Path release = dir.resolve("jdk").resolve("release");
        for (String version : List.of("17.0.15", "22")) {
            Files.writeString(release, "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\nOS_NAME=\"Linux\"\n");
            assertThat(launch(root, "analyze", dump)).as(version).doesNotContain("memory-access");
        }
        for (String version : List.of("23", "25.0.3", "26-ea")) {
            Files.writeString(release, "JAVA_VERSION=\"" + version + "\"\n");
            assertThat(launch(root, "analyze", dump)).as(version).contains(allow).endsWith("-jar "
                    + root.resolve("analyzer").resolve("target").resolve("mapleak.jar") + " analyze " + dump);
        }
        // The user's options come after it: a --sun-misc-unsafe-memory-access of theirs is the one the JVM keeps.
        assertThat(launch(root, Map.of("MAPLEAK_CDS", "0", "MAPLEAK_JAVA_OPTS", "--sun-misc-unsafe-memory-access=deny"),
                "analyze", dump)).containsSubsequence(allow, "=deny");
    }

    /**
     * The launcher keeps one class-data-sharing archive per jar and JVM: the first analyze (or demo) without one has
     * the JVM write it at exit, under a name of its own renamed when complete; every command after uses it, with the
     * JVM's warnings about an archive it cannot use turned off (they go to standard output); a newer jar is trained
     * again; other commands never write one; MAPLEAK_CDS=0 leaves it out.
     */
    @Test
    void theLauncherTrainsAClassArchiveOnceAndUsesItAfter() throws Exception {
        Path root = dir.resolve("a repo"); // the archive's path passes as one word
        Files.createDirectories(root.resolve("bin"));
        Path target = Files.createDirectories(root.resolve("analyzer").resolve("target"));
        Files.copy(Path.of("..", "bin", "mapleak"), root.resolve("bin").resolve("mapleak"));
        Path jar = target.resolve("mapleak.jar");
        Files.writeString(jar, "");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Path jdk = Files.createDirectories(dir.resolve("jdk").resolve("bin"));
        // Echoes its options, and writes the archive it is asked for, as a JVM does when it exits; says so when the
        // archive it is to map is not there.
        Files.writeString(jdk.resolve("java"), "#!/bin/sh\necho \"$@\"\nfor a in \"$@\"; do case \"$a\" in "
                + "-XX:ArchiveClassesAtExit=*) echo archived > \"${a#*=}\" ;; "
                + "-XX:SharedArchiveFile=*) [ -f \"${a#*=}\" ] || echo NO-SUCH-ARCHIVE ;; esac; done\n");
        Files.setPosixFilePermissions(jdk.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        String dump = smoke();
        String quiet = "-Xlog:cds=off -Xlog:cds+dynamic=off";

        assertThat(launch(root, Map.of(), "info", dump)).doesNotContain("Archive").doesNotContain("-Xlog:cds");
        assertThat(archives(target)).isEmpty();
        String first = launch(root, Map.of(), "analyze", dump);
        assertThat(first).contains("-XX:ArchiveClassesAtExit=" + target.toAbsolutePath().normalize())
                .contains(quiet).doesNotContain("SharedArchiveFile");
        assertThat(archives(target)).hasSize(1).allMatch(p -> p.getFileName().toString().matches("mapleak-\\d+\\.jsa"));
        Path archive = archives(target).get(0);
        String use = "-XX:SharedArchiveFile=" + archive.toAbsolutePath().normalize() + " " + quiet;
        assertThat(launch(root, Map.of(), "analyze", dump)).contains(use).doesNotContain("ArchiveClassesAtExit")
                .doesNotContain("NO-SUCH-ARCHIVE");
        assertThat(launch(root, Map.of(), "report", dump)).contains(use);
        assertThat(launch(root, Map.of("MAPLEAK_CDS", "0"), "analyze", dump)).doesNotContain("Archive")
                .doesNotContain("-Xlog:cds");

        // A jar built after the archive: made again by the next run that trains.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 10_000));
        Files.setLastModifiedTime(archive,
                FileTime.fromMillis(System.currentTimeMillis() - 20_000));
        assertThat(launch(root, Map.of(), "info", dump)).doesNotContain("Archive");
        assertThat(launch(root, Map.of(), "demo")).contains("-XX:ArchiveClassesAtExit=");
        assertThat(archives(target)).containsExactly(archive);
        assertThat(launch(root, Map.of(), "analyze", dump)).contains(use);
    }

    /** A copy of the launcher beside an empty jar, and a JDK (JAVA_HOME is {@code dir/jdk}) that echoes its options. */
    private Path repoWithEchoingJava() throws java.io.IOException {
        Path root = dir.resolve("repo");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("analyzer").resolve("target"));
        Files.copy(Path.of("..", "bin", "mapleak"), root.resolve("bin").resolve("mapleak"));
        Files.writeString(root.resolve("analyzer").resolve("target").resolve("mapleak.jar"), "");
        Path java = Files.createDirectories(dir.resolve("jdk").resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return root;
    }

    private static List<Path> archives(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().contains(".jsa")).sorted().toList();
        }
    }

    private String launch(Path root, String... args) throws Exception {
        return launch(root, Map.of("MAPLEAK_CDS", "0"), args);
    }

    private String launch(Path root, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("bin").resolve("mapleak").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        pb.environment().remove("MAPLEAK_JAVA_OPTS");
        pb.environment().remove("MAPLEAK_CDS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theReadmeLinksOnlyWhatTheRepositoryHas() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        assertThat(readme).doesNotContain("shared/design/");
        List<String> missing = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`(docs/[^`]+\\.md)`").matcher(readme);
        while (m.find()) {
            if (!Files.isRegularFile(Path.of("..", m.group(1)))) {
                missing.add(m.group(1));
            }
        }
        assertThat(missing).isEmpty();
    }
}
