package io.mapleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mapleak.testing.HeldJvm;
import io.mapleak.testing.Jvm;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code mapleak capture} against real child JVMs ({@code FixtureMain capture-target DIR --hold}) on JDK 17 and 25:
 * what it writes, and one test per way it can fail, each with its exit code and one line on stderr. mapleak runs in
 * this JVM (JDK 17) through {@link Main#run}, or in a child JVM where the test needs another runtime, user or a
 * signal. Every process a test starts is stopped in a finally block or by try-with-resources.
 */
class CaptureCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCENARIO = "capture-target";
    private static final String KEPT = "io.mapleak.fixtures.scenario.CaptureTarget$Kept";
    private static final String SCRAP = "io.mapleak.fixtures.scenario.CaptureTarget$Scrap";
    /** CaptureTarget.KEPT: the scenario's objects that every dump, live or not, must hold. */
    private static final long KEPT_COUNT = 1234;
    private static final Pattern NAME = Pattern.compile("FixtureMain-(\\d+)-(\\d{8}T\\d{6}Z)\\.hprof(\\.gz)?");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String ADD_EXPORTS = "--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED";
    /** A child mapleak that takes longer than this is stuck. */
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    @TempDir
    static Path sharedDir;
    /** Targets that tests only read from, started on first use and stopped after the last test. */
    private static final Map<Jvm, HeldJvm> SHARED = new HashMap<>();

    @TempDir
    Path dir;

    private static synchronized HeldJvm shared(Jvm jvm) {
        return SHARED.computeIfAbsent(jvm, j -> HeldJvm.start(j, SCENARIO, sharedDir.resolve(j.id()), List.of()));
    }

    @AfterAll
    static void stopSharedTargets() {
        SHARED.values().forEach(HeldJvm::close);
        SHARED.clear();
    }

    // ---------------------------------------------------------------- dumps

    @ParameterizedTest
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void liveDumpOfARunningJvmIsNamedForItAndHoldsItsObjects(Jvm jvm) throws IOException {
        HeldJvm target = shared(jvm);
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        Run run = mapleak("capture", pid(target), "-o", dir.toString());

        assertThat(run.code).as(run.toString()).isZero();
        Path dump = onlyDumpIn(run, dir);
        Matcher name = NAME.matcher(dump.getFileName().toString());
        assertThat(name.matches()).as(dump.toString()).isTrue();
        assertThat(name.group(1)).isEqualTo(pid(target));
        Instant stamp = STAMP.parse(name.group(2), Instant::from);
        assertThat(stamp).isBetween(before, Instant.now());
        assertThat(name.group(3)).isNull();
        assertThat(run.err).contains("live objects of FixtureMain").contains("Java " + jvm.featureVersion() + ".");
        Map<String, Long> classes = instances(dump);
        assertThat(classes.get(KEPT)).isEqualTo(KEPT_COUNT);
        // live: the scrap in CaptureTarget.last, and the one the scrapper thread may hold in a frame while it stores it
        assertThat(classes.getOrDefault(SCRAP, 0L)).as("garbage, and a live dump has none").isLessThanOrEqualTo(2);
    }

    @Test
    void gzipIsJcmdsChunkedGzipThatMapleakReads() throws IOException {
        Run run = mapleak("capture", pid(shared(Jvm.JDK17)), "-o", dir.toString(), "--gz");

        assertThat(run.code).as(run.toString()).isZero();
        Path dump = onlyDumpIn(run, dir);
        assertThat(dump.getFileName().toString()).endsWith(".hprof.gz");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dump))) {
            assertThat(new String(in.readNBytes(18), StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE 1.0.2");
        }
        assertThat(instances(dump).get(KEPT)).isEqualTo(KEPT_COUNT);
    }

    @Test
    void allKeepsTheUnreachableObjectsThatALiveDumpLeavesOut() throws IOException {
        String pid = pid(shared(Jvm.JDK17));

        Run live = mapleak("capture", pid, "-o", dir.resolve("live").toString());
        Run all = mapleak("capture", pid, "-o", dir.resolve("all").toString(), "--all");

        assertThat(live.code).as(live.toString()).isZero();
        assertThat(all.code).as(all.toString()).isZero();
        assertThat(all.err).contains("all objects of FixtureMain");
        Map<String, Long> liveClasses = instances(onlyDumpIn(live, dir.resolve("live")));
        Map<String, Long> allClasses = instances(onlyDumpIn(all, dir.resolve("all")));
        assertThat(allClasses.get(KEPT)).isEqualTo(liveClasses.get(KEPT)).isEqualTo(KEPT_COUNT);
        // the target makes 100,000 scraps a second and drops each at once: young-GC food until the next GC
        assertThat(allClasses.getOrDefault(SCRAP, 0L)).isGreaterThan(100);
        assertThat(liveClasses.getOrDefault(SCRAP, 0L)).isLessThanOrEqualTo(2); // last, and one being stored
    }

    @Test
    void seriesTakesItsDumpsAnIntervalApartInTimeOrder() throws IOException {
        long start = System.nanoTime();

        Run run = mapleak("capture", pid(shared(Jvm.JDK17)), "-o", dir.toString(), "--every", "1s", "--count", "2");

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(1000);
        List<String> lines = run.out.lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines).isSorted(); // same program and pid: the names sort by their timestamps
        Path first = Path.of(lines.get(0));
        Path second = Path.of(lines.get(1));
        assertThat(stampOf(second)).isAfter(stampOf(first));
        assertThat(Files.getLastModifiedTime(second)).isGreaterThanOrEqualTo(Files.getLastModifiedTime(first));
        assertThat(run.err).contains("[1/2] dumping").contains("[2/2] dumping");
        assertThat(instances(second).get(KEPT)).isEqualTo(KEPT_COUNT);
    }

    @Test
    void analyzeWritesTheReportsBesideEachDump() throws IOException {
        Run run = mapleak("capture", pid(shared(Jvm.JDK17)), "-o", dir.toString(), "--analyze");

        assertThat(run.code).as(run.toString()).isZero();
        Path dump = Path.of(run.out.lines().findFirst().orElseThrow());
        String name = dump.getFileName().toString().replace(".hprof", "");
        Path json = dir.resolve(name + ".json");
        Path html = dir.resolve(name + ".html");
        assertThat(json).isRegularFile();
        assertThat(html).isRegularFile();
        JsonNode report = JSON.readTree(json.toFile());
        assertThat(report.path("dump").path("file").asText()).endsWith(dump.getFileName().toString());
        assertThat(Files.readString(html)).contains("<html").contains(dump.getFileName().toString());
        assertThat(run.out).contains("HTML report: " + html);
    }

    @Test
    void namedFileIsWrittenWhereAsked() throws IOException {
        Path file = dir.resolve("sub/before-deploy.hprof.gz");

        Run run = mapleak("capture", pid(shared(Jvm.JDK17)), "-o", file.toString());

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.out.strip()).isEqualTo(file.toString());
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE");
        }
    }

    @Test
    void pathWithSpacesReachesTheTargetWhole() throws IOException {
        Path spaced = dir.resolve("with space");

        Run run = mapleak("capture", pid(shared(Jvm.JDK17)), "-o", spaced.toString());

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(onlyDumpIn(run, spaced)).isRegularFile();
    }

    // ---------------------------------------------------------------- failures, each with its exit code

    @Test
    void processThatDoesNotExistIsExit5() {
        Run run = mapleak("capture", Integer.toString(Integer.MAX_VALUE), "-o", dir.toString()); // above pid_max

        assertOneLineFailure(run, CaptureCommand.NO_SUCH_PROCESS, "no process has pid " + Integer.MAX_VALUE);
    }

    @Test
    void processThatIsNoJvmIsExit6AndIsLeftAlone() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            Run run = mapleak("capture", Long.toString(sleep.pid()), "-o", dir.toString());

            assertOneLineFailure(run, CaptureCommand.NOT_A_JVM, "(sleep) is not a Java virtual machine");
            assertThat(sleep.isAlive()).as("no SIGQUIT was sent, which would have ended it").isTrue();
        } finally {
            sleep.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void jvmWithAttachDisabledIsExit7AndSaysWhatStillWorks() {
        try (HeldJvm target = HeldJvm.start(Jvm.JDK17, SCENARIO, dir.resolve("target"),
                List.of("-XX:+DisableAttachMechanism"))) {
            Run run = mapleak("capture", pid(target), "-o", dir.resolve("out").toString());

            assertOneLineFailure(run, CaptureCommand.ATTACH_REFUSED, "-XX:+DisableAttachMechanism");
            assertThat(run.err).contains("jhsdb jmap --binaryheap");
            assertThat(target.isAlive()).isTrue();
        }
    }

    @Test
    void ownProcessIsExit7() {
        Run run = mapleak("capture", Long.toString(ProcessHandle.current().pid()), "-o", dir.toString());

        assertOneLineFailure(run, CaptureCommand.ATTACH_REFUSED, "mapleak's own process");
    }

    @Test
    void existingFileIsExit9AndUntouched() throws IOException {
        Path existing = Files.writeString(dir.resolve("incident.hprof"), "precious");
        Path notADirectory = Files.writeString(dir.resolve("notes.txt"), "mine");

        Run named = mapleak("capture", pid(shared(Jvm.JDK17)), "-o", existing.toString());
        Run other = mapleak("capture", pid(shared(Jvm.JDK17)), "-o", notADirectory.toString());

        assertOneLineFailure(named, CaptureCommand.FILE_EXISTS, existing + " exists");
        assertOneLineFailure(other, CaptureCommand.FILE_EXISTS, notADirectory + " exists and is not a directory");
        assertThat(existing).hasContent("precious");
        assertThat(notADirectory).hasContent("mine");
    }

    @Test
    void notEnoughDiskIsExit8BeforeDumpingAndAfterTheDiskFilledUp() throws Exception {
        Path tiny = Files.createDirectories(dir.resolve("tiny"));
        assumeMounted(tiny, "1m");
        try {
            String pid = pid(shared(Jvm.JDK17));

            Run checked = mapleak("capture", pid, "-o", tiny.toString());
            Run unchecked = mapleak("capture", pid, "-o", tiny.toString(), "--no-disk-check");

            assertOneLineFailure(checked, CaptureCommand.NOT_ENOUGH_DISK, "not enough disk for the dump: " + tiny);
            assertThat(checked.err).doesNotContain("dumping");
            assertThat(unchecked.code).as(unchecked.toString()).isEqualTo(CaptureCommand.NOT_ENOUGH_DISK);
            assertThat(unchecked.err).contains("the disk filled up").contains("deleted the incomplete file");
            try (Stream<Path> left = Files.list(tiny)) {
                assertThat(left).as("the disk is free again").isEmpty();
            }
        } finally {
            new ProcessBuilder("umount", tiny.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void jvmOfAnotherUserIsDumpedOnlyWhereThatUserMayWrite() throws Exception {
        assumeRootWithSetpriv();
        Path targetDir = worldWritable(dir.resolve("target"));
        Path rootOnly = Files.createDirectories(dir.resolve("root-only"));
        Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwx------"));
        Path shared = worldWritable(dir.resolve("shared"));
        try (HeldJvm target = HeldJvm.start(Jvm.JDK17, SCENARIO, targetDir, List.of(), AS_NOBODY)) {
            Run refused = mapleak("capture", pid(target), "-o", rootOnly.toString());
            Run written = mapleak("capture", pid(target), "-o", shared.toString());

            assertLastLineFailure(refused, CaptureCommand.DUMP_FAILED, "process " + pid(target)
                    + " runs as 'nobody'");
            assertThat(refused.err).contains("may not create").contains(rootOnly.toString())
                    .contains("mode rwx------");
            assertThat(written.code).as(written.toString()).isZero();
            Path dump = onlyDumpIn(written, shared);
            assertThat(Files.getAttribute(dump, "unix:uid")).as("written by the target as its user").isEqualTo(65534);
        }
    }

    @Test
    void mapleakOfAnotherUserIsRefusedWithTheUserToRunAs() throws Exception {
        assumeRootWithSetpriv();
        Path readable = worldReadable(dir.resolve("cp"));
        String classPath = copiedClassPath(readable);
        Run run = child(Jvm.JDK17.java(), List.of(ADD_EXPORTS), AS_NOBODY, readable, classPath,
                "capture", pid(shared(Jvm.JDK17)), "-o", readable.toString());

        assertOneLineFailure(run, CaptureCommand.ATTACH_REFUSED, "runs as 'root' (uid 0) and mapleak as 'nobody'");
        assertThat(run.err).contains("sudo -u root");
    }

    @Test
    void mapleakOnAJreWithoutJdkAttachIsExit7AndNamesAJdkAndJcmd() throws Exception {
        HeldJvm target = shared(Jvm.JDK17);
        // --limit-modules java.se: the Java SE modules only, as in a JRE without the JDK's tools
        Run run = child(Jvm.JDK17.java(), List.of("--limit-modules", "java.se"), List.of(), dir,
                System.getProperty("java.class.path"), "capture", pid(target), "-o", dir.toString());

        assertOneLineFailure(run, CaptureCommand.ATTACH_REFUSED, "which has no jdk.attach module");
        String home = Jvm.JDK17.home().orElseThrow().toRealPath().toString();
        assertThat(run.err).contains("JAVA_HOME=" + home).contains(home + "/bin/jcmd " + pid(target)
                + " GC.heap_dump " + dir.resolve("FixtureMain-" + pid(target) + "-"));
    }

    @Test
    void mapleakStartedWithoutTheExportIsExit7AndSaysHowToStartIt() throws Exception {
        Run run = child(Jvm.JDK17.java(), List.of(), List.of(), dir, System.getProperty("java.class.path"),
                "capture", pid(shared(Jvm.JDK17)), "-o", dir.toString());

        assertOneLineFailure(run, CaptureCommand.ATTACH_REFUSED, "--add-exports jdk.attach/sun.tools.attach");
    }

    @Test
    void seriesEndsWhenTheTargetExitsAndKeepsItsDumps() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int[] code = {-1};
        Thread capture;
        try (HeldJvm target = HeldJvm.start(Jvm.JDK17, SCENARIO, dir.resolve("target"), List.of())) {
            capture = new Thread(() -> code[0] = Main.run(new String[] {"capture", pid(target), "-o",
                    dir.resolve("out").toString(), "--every", "5s", "--count", "3"}, new PrintWriter(out, true),
                    new PrintWriter(err, true)), "capture-series");
            capture.start();
            awaitLine(out, capture);
        } // the target exits here, before the second dump is due
        capture.join(TimeUnit.SECONDS.toMillis(CHILD_TIMEOUT_SECONDS));
        Run run = new Run(code[0], out.toString(), err.toString());

        assertThat(run.code).as(run.toString()).isEqualTo(CaptureCommand.NO_SUCH_PROCESS);
        assertThat(run.err).containsPattern("process \\d+ (has exited|exited)|no process has pid")
                .contains("the series ends after 1 of 3 dumps; kept: FixtureMain-");
        assertThat(onlyDumpIn(run, dir.resolve("out"))).isRegularFile();
    }

    @Test
    void ctrlCBetweenDumpsStopsTheSeriesAndKeepsItsDumps() throws Exception {
        Assumptions.assumeFalse(sigintIgnored(), "SIGINT is ignored in this process (started in the background), "
                + "so a child mapleak could not receive it");
        List<String> command = new ArrayList<>(List.of(Jvm.JDK17.java().toString(), ADD_EXPORTS, "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "capture", pid(shared(Jvm.JDK17)), "-o",
                dir.toString(), "--every", "1m", "--count", "3"));
        Process mapleak = new ProcessBuilder(command).redirectError(dir.resolve("err.txt").toFile()).start();
        Thread watchdog = new Thread(() -> {
            try {
                if (!mapleak.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    mapleak.destroyForcibly(); // a stuck child must not hang the build: readLine then ends
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ctrl-c-test-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(mapleak.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = stdout.readLine(); // the first dump has landed; the series waits a minute for the next
            new ProcessBuilder("kill", "-INT", Long.toString(mapleak.pid())).start().waitFor(10, TimeUnit.SECONDS);
            assertThat(mapleak.waitFor(30, TimeUnit.SECONDS)).as("mapleak ended on Ctrl-C").isTrue();
            String err = Files.readString(dir.resolve("err.txt"));

            assertThat(mapleak.exitValue()).as(err).isEqualTo(CaptureCommand.INTERRUPTED);
            assertThat(err).contains("mapleak: stopped after 1 of 3 dumps; the dumps written are kept");
            assertThat(first).isNotNull();
            assertThat(Path.of(first)).isRegularFile();
            assertThat(stdout.readLine()).isNull();
        } finally {
            mapleak.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void mapleakOnJdk25CapturesTargetsOnJdk17And25() throws Exception {
        shared(Jvm.JDK25); // first: skips the test, or fails it under CI=true, without a JDK 25
        Path java25 = Jvm.JDK25.java();
        for (Jvm targetJvm : List.of(Jvm.JDK17, Jvm.JDK25)) {
            Path out = dir.resolve(targetJvm.id());
            Run run = child(java25, List.of(ADD_EXPORTS), List.of(), dir, System.getProperty("java.class.path"),
                    "capture", pid(shared(targetJvm)), "-o", out.toString());

            assertThat(run.code).as(targetJvm + ": " + run).isZero();
            assertThat(instances(onlyDumpIn(run, out)).get(KEPT)).isEqualTo(KEPT_COUNT);
        }
    }

    // ---------------------------------------------------------------- usage

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--every 1s                          | --every needs --count",
        "--count 2                           | --count 2 needs --every",
        "--every 500ms --count 2             | at least 1s",
        "--every 5x --count 2                | not a duration",
        "--gz=10                             | from 1 (fastest) to 9",
        "--count 0                           | --count takes a number from 1",
        "-o x.hprof --every 1s --count 2     | names one file",
        "-o x.hprof --gz                     | name the file x.hprof.gz",
    })
    void wrongUsageIsExit2WithTheRule(String options, String expected) {
        List<String> args = new ArrayList<>(List.of("capture", "1"));
        args.addAll(List.of(options.trim().split("\\s+")));

        Run run = mapleak(args.toArray(String[]::new));

        assertThat(run.code).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err).contains(expected).doesNotContain("\tat ");
    }

    @Test
    void helpDocumentsEveryExitCode() {
        Run run = mapleak("capture", "--help");

        assertThat(run.code).isZero();
        assertThat(run.out.replaceAll("\\s+", " ")).contains("10 no such process").contains("11 not a JVM")
                .contains("12 attach refused").contains("13 not enough disk").contains("14 file exists")
                .contains("15 the JVM could not write the dump").contains("130 stopped by Ctrl-C");
    }

    // ---------------------------------------------------------------- helpers

    private static final List<String> AS_NOBODY =
            List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

    private static String pid(HeldJvm jvm) {
        return Long.toString(jvm.pid());
    }

    private static void assertOneLineFailure(Run run, int code, String expected) {
        assertThat(run.code).as(run.toString()).isEqualTo(code);
        List<String> lines = run.err.lines().filter(l -> !l.startsWith("WARNING:")).toList();
        assertThat(lines).as(run.toString()).hasSize(1);
        assertThat(lines.get(0)).startsWith("mapleak: ").contains(expected);
        assertThat(run.err).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out).isEmpty();
    }

    /** A failure found when the target answered: the line before it says what was asked of the target. */
    private static void assertLastLineFailure(Run run, int code, String expected) {
        assertThat(run.code).as(run.toString()).isEqualTo(code);
        List<String> lines = run.err.lines().toList();
        assertThat(lines).as(run.toString()).hasSize(2);
        assertThat(lines.get(0)).startsWith("mapleak: dumping ");
        assertThat(lines.get(1)).startsWith("mapleak: ").contains(expected);
        assertThat(run.out).isEmpty();
    }

    /** The one dump in {@code dir}, which must be the one line mapleak printed on stdout. */
    private static Path onlyDumpIn(Run run, Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> dumps = files.filter(f -> f.getFileName().toString().contains(".hprof")).toList();
            assertThat(dumps).as(run.toString()).hasSize(1);
            assertThat(run.out.lines().filter(l -> l.contains(".hprof")).toList()).as(run.toString())
                    .containsExactly(dumps.get(0).toString());
            return dumps.get(0);
        }
    }

    private static Instant stampOf(Path dump) {
        Matcher m = NAME.matcher(dump.getFileName().toString());
        assertThat(m.matches()).as(dump.toString()).isTrue();
        return STAMP.parse(m.group(2), Instant::from);
    }

    /** Instances per class name, as {@code mapleak histogram --json} counts them. */
    private Map<String, Long> instances(Path dump) throws IOException {
        Path json = Files.createTempFile(dir, "histogram", ".json");
        Run run = mapleak("histogram", dump.toString(), "--json", json.toString());
        assertThat(run.code).as(run.toString()).isZero();
        Map<String, Long> counts = new HashMap<>();
        for (JsonNode c : JSON.readTree(json.toFile()).path("classes")) {
            counts.put(c.path("name").asText(), c.path("instances").asLong());
        }
        return counts;
    }

    /** Waits for the first line on {@code out}, failing if {@code writer} ends first. */
    private static void awaitLine(StringWriter out, Thread writer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
        while (!out.toString().contains("\n")) {
            assertThat(writer.isAlive()).as("capture ended before its first dump").isTrue();
            assertThat(System.nanoTime()).as("the first dump within the timeout").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void assumeMounted(Path dir, String size) throws Exception {
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "a " + size + " tmpfs cannot be mounted here (needs root): " + output.strip());
    }

    private static void assumeRootWithSetpriv() throws IOException {
        Assumptions.assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "only root can run processes as another user");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv"))
                || Files.isExecutable(Path.of("/bin/setpriv")), "setpriv (util-linux) is not installed");
    }

    private static boolean sigintIgnored() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseLong(line.substring(7).trim(), 16) & (1L << 1)) != 0; // SIGINT is signal 2
            }
        }
        return false;
    }

    private static Path worldWritable(Path d) throws IOException {
        Files.createDirectories(d);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        openAncestors(d);
        return d;
    }

    private static Path worldReadable(Path d) throws IOException {
        Files.createDirectories(d);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        openAncestors(d);
        return d;
    }

    /** JUnit's temporary directories are private (rwx------): let other users through the test's own ones. */
    private static void openAncestors(Path d) throws IOException {
        for (Path p = d.getParent(); p != null && p.getFileName() != null
                && p.getFileName().toString().startsWith("junit"); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /**
     * The test class path with its jars copied into {@code into}, for a child that runs as another user: the local
     * Maven repository is usually private to its owner, the build's class directories are not.
     */
    private static String copiedClassPath(Path into) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p)) {
                Path copy = into.resolve((n++) + "-" + p.getFileName());
                Files.copy(p, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Runs mapleak in a child JVM: {@code prefix java jvmOptions -cp classPath Main args}. */
    private static Run child(Path java, List<String> jvmOptions, List<String> prefix, Path workDir, String classPath,
            String... args) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().put("MAPLEAK_PROGRESS", "0");
        Process p = builder.start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException e) {
                // the child is gone
            }
        });
        errReader.start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("mapleak " + command).isTrue();
            errReader.join(10_000);
            return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    private static Run mapleak(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
