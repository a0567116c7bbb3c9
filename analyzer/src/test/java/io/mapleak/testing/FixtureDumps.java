package io.mapleak.testing;

import io.mapleak.fixtures.FixtureMain;
import io.mapleak.fixtures.Sizes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Heap dumps of fixture scenarios, made by a child JVM of a given {@link Jvm} configuration and shared by all tests.
 *
 * <p>{@link #get} runs {@code FixtureMain SCENARIO DIR} with the test JVM's class path into
 * {@code target/fixture-dumps/<jvm id>/} (relative to the working directory, which surefire sets to the module),
 * with the {@link Sizes} agent (a manifest-only jar written to {@code target/fixture-dumps/sizes-agent.jar}) and
 * the {@link #OPENS} it needs, so that scenarios can record the JVM's own object sizes.
 * Each (jvm, scenario) is generated at most once per test JVM, whichever test asks first; concurrent callers of
 * the same pair wait for it. Files from an earlier run are reused when they are complete, were made by the same
 * JDK with the same flags, and are newer than the fixtures' code. A missing JDK skips the test, or fails it when
 * the environment has {@code CI=true}.
 */
public final class FixtureDumps {

    /** Generous for a dump of a few hundred MB at most; a fixture that takes longer is stuck. */
    static final Duration TIMEOUT = Duration.ofMinutes(2);
    static final String HEAP = "-Xmx512m";
    /**
     * Class-data sharing off: with CDS the JVM maps mirrors of archived classes it has not loaded into the heap;
     * its histogram counts them as java.lang.Class instances, but a heap dump holds no record of them (HPROF
     * describes loaded classes only). Without CDS the histogram is an exact oracle for every class.
     */
    static final String NO_CDS = "-Xshare:off";
    /** {@link Sizes#reachableObjects} reads private fields of collections, strings, boxes and concurrent classes. */
    static final List<String> OPENS = List.of(
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED");
    private static final Path ROOT = Path.of("target", "fixture-dumps");
    /** The {@link Sizes} agent: a jar holding only a manifest, since the class is on the child's class path. */
    private static final Path AGENT_JAR = ROOT.resolve("sizes-agent.jar");
    /** Entry time of the manifest, fixed so the jar's bytes are always the same and an existing one can be kept. */
    private static final LocalDateTime AGENT_JAR_TIME = LocalDateTime.of(2025, 1, 1, 0, 0);
    /** Variables that would add flags to the child behind our back. */
    private static final List<String> JVM_OPTION_VARIABLES =
            List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
    private static final int LOG_TAIL_CHARS = 20_000;

    /** The dumps this test JVM has produced or checked, by {@code jvm-id/scenario}: the cache of one test run. */
    private static final ConcurrentMap<String, Slot> THIS_RUN = new ConcurrentHashMap<>();
    /** Guards the agent jar's creation, once per test JVM. */
    private static final Object AGENT_LOCK = new Object();
    private static boolean agentJarWritten;

    private FixtureDumps() {
    }

    /**
     * The dump of {@code scenario} (a name such as {@code layout-zoo}) made by {@code jvm}. May run a child JVM
     * for up to two minutes; safe to call from several threads.
     */
    public static FixtureDump get(Jvm jvm, String scenario) {
        requireAvailable(jvm);
        return THIS_RUN.computeIfAbsent(jvm.id() + "/" + scenario, k -> new Slot()).get(jvm, scenario);
    }

    /** Skips the test when {@code jvm} is not installed, or fails it when the environment has {@code CI=true}. */
    public static void requireAvailable(Jvm jvm) {
        if (jvm.isAvailable()) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(jvm.unavailableMessage() + " (CI=true: every configuration must run)");
        }
        Assumptions.assumeTrue(false, jvm.unavailableMessage());
    }

    /** One (jvm, scenario): its dump once made, or the failure, so a broken fixture fails fast the second time. */
    private static final class Slot {
        private FixtureDump dump;
        private Throwable failure;

        synchronized FixtureDump get(Jvm jvm, String scenario) {
            if (dump != null) {
                return dump;
            }
            if (failure != null) {
                throw new AssertionError("making " + scenario + " on " + jvm + " failed earlier in this run: "
                        + failure.getMessage(), failure);
            }
            try {
                dump = produce(jvm, scenario);
                return dump;
            } catch (RuntimeException | Error e) {
                failure = e;
                throw e;
            }
        }
    }

    private static FixtureDump produce(Jvm jvm, String scenario) {
        Path dir = ROOT.resolve(jvm.id());
        Outputs out = new Outputs(dir, scenario);
        String stamp = stamp(jvm);
        try {
            Files.createDirectories(dir);
            // Another test JVM (a second surefire fork, a parallel build) may be making the same files.
            try (FileChannel channel = FileChannel.open(out.lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                channel.lock(); // released when the channel closes
                if (!out.isUpToDate(stamp, fixturesCodeTime())) {
                    generate(jvm, scenario, out, stamp);
                }
                return out.load();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + scenario + " on " + jvm + " in " + dir, e);
        }
    }

    /** What made the files: a different JDK, version or flags means they must be made again. */
    private static String stamp(Jvm jvm) {
        Path home = jvm.home().orElseThrow(() -> new IllegalStateException(jvm.unavailableMessage()));
        return "java=" + jvm.java() + "\n"
                + "java.version=" + JdkLocator.javaVersion(home).orElse("unknown") + "\n"
                + "flags=" + String.join(" ", childFlags(jvm)) + "\n";
    }

    /** Everything given to the child before its class path: the layout's flags, then the harness's own. */
    private static List<String> childFlags(Jvm jvm) {
        List<String> flags = new ArrayList<>(jvm.flags());
        flags.add(HEAP);
        flags.add(NO_CDS);
        flags.addAll(OPENS);
        flags.add("-javaagent:" + agentJar().toAbsolutePath());
        return flags;
    }

    /**
     * The agent jar, written at most once per test JVM. Its bytes never vary, so a jar left by an earlier run or
     * another fork is kept as is; a new one is renamed into place whole, so a concurrent child never reads half.
     */
    static Path agentJar() {
        synchronized (AGENT_LOCK) {
            if (agentJarWritten) {
                return AGENT_JAR;
            }
            try {
                byte[] bytes = agentJarBytes();
                if (!Files.isRegularFile(AGENT_JAR) || !Arrays.equals(Files.readAllBytes(AGENT_JAR), bytes)) {
                    Files.createDirectories(AGENT_JAR.getParent());
                    Path tmp = AGENT_JAR.resolveSibling(AGENT_JAR.getFileName() + "." + ProcessHandle.current().pid());
                    Files.write(tmp, bytes);
                    Files.move(tmp, AGENT_JAR, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the agent jar " + AGENT_JAR.toAbsolutePath(), e);
            }
            agentJarWritten = true;
            return AGENT_JAR;
        }
    }

    private static byte[] agentJarBytes() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), Sizes.class.getName());
        manifest.getMainAttributes().put(new Attributes.Name("Agent-Class"), Sizes.class.getName());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes)) {
            JarEntry entry = new JarEntry(JarFile.MANIFEST_NAME);
            entry.setTimeLocal(AGENT_JAR_TIME); // local time: the bytes do not depend on the time zone
            jar.putNextEntry(entry);
            manifest.write(jar);
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static void generate(Jvm jvm, String scenario, Outputs out, String stamp) throws IOException {
        for (Path p : out.all()) {
            Files.deleteIfExists(p);
        }
        List<String> command = new ArrayList<>();
        command.add(jvm.java().toString());
        command.addAll(childFlags(jvm));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FixtureMain.class.getName());
        command.add(scenario);
        command.add(out.dir.toAbsolutePath().toString());
        Files.writeString(out.log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);

        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(out.log.toFile()));
        JVM_OPTION_VARIABLES.forEach(builder.environment()::remove);
        Process process = builder.start();
        process.getOutputStream().close();
        try {
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw failure(scenario + " on " + jvm + " did not finish within " + TIMEOUT.toSeconds() + " s", out);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making " + scenario + " on " + jvm, e);
        }
        if (process.exitValue() != 0) {
            throw failure(scenario + " on " + jvm + " exited with " + process.exitValue(), out);
        }
        for (Path p : out.results()) {
            if (!Files.isRegularFile(p)) {
                throw failure(scenario + " on " + jvm + " exited with 0 but did not write " + p, out);
            }
        }
        Files.writeString(out.stamp, stamp, StandardCharsets.UTF_8); // last: its presence means the rest is whole
    }

    private static AssertionError failure(String what, Outputs out) {
        String log;
        try {
            log = Files.readString(out.log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log = "(cannot read the log: " + e + ")";
        }
        if (log.length() > LOG_TAIL_CHARS) {
            log = "..." + log.substring(log.length() - LOG_TAIL_CHARS);
        }
        return new AssertionError(what + "; its output (" + out.log.toAbsolutePath() + "):\n" + log);
    }

    /**
     * When the fixtures' code last changed: the jar's time, or the newest file's in a classes directory
     * (a directory's own time does not change when a file deep inside it does).
     */
    private static FileTime fixturesCodeTime() throws IOException {
        Path location;
        try {
            location = Path.of(FixtureMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the fixtures' code", e);
        }
        if (!Files.isDirectory(location)) {
            return Files.getLastModifiedTime(location);
        }
        try (Stream<Path> files = Files.walk(location)) {
            FileTime newest = FileTime.fromMillis(0);
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                FileTime t = Files.getLastModifiedTime(f);
                if (t.compareTo(newest) > 0) {
                    newest = t;
                }
            }
            return newest;
        }
    }

    /** The files of one (jvm, scenario) in its directory. */
    private static final class Outputs {
        final Path dir;
        final Path hprof;
        final Path before;
        final Path after;
        final Path facts;
        final Path log;
        final Path stamp;
        final Path lock;

        Outputs(Path dir, String scenario) {
            this.dir = dir;
            hprof = dir.resolve(scenario + ".hprof");
            before = dir.resolve(scenario + ".histo-before.txt");
            after = dir.resolve(scenario + ".histo-after.txt");
            facts = dir.resolve(scenario + ".facts.properties");
            log = dir.resolve(scenario + ".log");
            stamp = dir.resolve(scenario + ".stamp");
            lock = dir.resolve(scenario + ".lock");
        }

        List<Path> results() {
            return List.of(hprof, before, after, facts);
        }

        List<Path> all() {
            return List.of(hprof, before, after, facts, log, stamp);
        }

        boolean isUpToDate(String expectedStamp, FileTime codeTime) throws IOException {
            if (!Files.isRegularFile(stamp) || !Files.readString(stamp, StandardCharsets.UTF_8).equals(expectedStamp)) {
                return false;
            }
            for (Path p : results()) {
                if (!Files.isRegularFile(p)) {
                    return false;
                }
            }
            return Files.getLastModifiedTime(stamp).compareTo(codeTime) > 0;
        }

        FixtureDump load() throws IOException {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(facts, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            Map<String, String> factMap = new HashMap<>();
            p.stringPropertyNames().forEach(k -> factMap.put(k, p.getProperty(k)));
            return new FixtureDump(hprof, JvmHistogram.read(before), JvmHistogram.read(after), factMap);
        }
    }
}
