package io.mapleak.hprof;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.fixtures.FixtureMain;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Histogram;
import io.mapleak.heap.HistogramBuilder;
import io.mapleak.heap.ReadOptions;
import io.mapleak.heap.ThreadInfo;
import io.mapleak.hprof.DumpFile.Compression;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.Jvm;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Gzipped dumps read exactly like the plain dump they hold: a real JDK 17 dump compressed here as one gzip member
 * and as the chunked gzip of {@code jcmd GC.heap_dump -gz}, a chunked gzip written by a real {@code jcmd}, and a gzip
 * cut in the middle.
 */
class GzipDumpsTest {
    /** Small blocks, so the chunked copy of a 5 MB dump has about 80 members. */
    private static final int BLOCK = 64 * 1024;
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    static Path shared;

    private static Path original;
    private static byte[] originalBytes;
    private static Path plainGz;
    private static Path chunkedGz;
    private static Histogram originalHistogram;

    @BeforeAll
    static void compressTheFixtureDump() throws IOException {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "smoke");
        original = dump.hprof();
        originalBytes = Files.readAllBytes(original);
        plainGz = Files.write(shared.resolve("smoke.hprof.gz"), HprofWriter.gzipPlain(originalBytes));
        chunkedGz = Files.write(shared.resolve("smoke-chunked.hprof.gz"), HprofWriter.gzipChunked(originalBytes, BLOCK));
        originalHistogram = HistogramBuilder.build(DumpFile.open(original), ReadOptions.defaults());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "GZIP_CHUNKED"})
    void gzipCopyIsRecognisedAndGivesTheSameHistogramAsTheOriginal(Compression compression) throws IOException {
        DumpFile file = DumpFile.open(copy(compression));

        assertThat(file.compression()).isEqualTo(compression);
        assertThat(file.blockSize()).isEqualTo(compression == Compression.GZIP_CHUNKED ? BLOCK : 0);
        assertThat(file.knownLength()).isEqualTo(-1);
        assertThat(originalBytes.length / BLOCK).as("gzip members beyond the first").isGreaterThan(50);
        Histogram h = HistogramBuilder.build(file, ReadOptions.defaults());
        assertThat(rows(h)).containsExactlyElementsOf(rows(originalHistogram));
        assertThat(h.objects()).isEqualTo(originalHistogram.objects());
        assertThat(h.heapBytes()).isEqualTo(originalHistogram.heapBytes());
        assertThat(h.facts().layout()).isEqualTo(originalHistogram.facts().layout());
        assertThat(h.facts().truncated()).isFalse();
        assertThat(h.facts().warnings()).isEqualTo(originalHistogram.facts().warnings());
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "GZIP_CHUNKED"})
    void indexOfAGzipCopyMatchesTheOriginalAndItsInflatedCopyHasNoNameOnDisk(Compression compression,
            @TempDir Path temp) throws IOException {
        ReadOptions options = new ReadOptions(1, null, null, temp);
        List<String> expectedRows;
        List<String> expectedThreads;
        long expectedReferences;
        try (HeapIndex plain = HeapIndex.build(DumpFile.open(original), options)) {
            expectedRows = rows(plain.histogram());
            expectedThreads = plain.threads().stream().map(ThreadInfo::name).toList();
            expectedReferences = plain.referenceCount();
            assertThat(filesIn(temp)).as("a plain dump is read in place").isEmpty();
        }
        assertThat(expectedThreads).contains("main");

        HeapIndex index = HeapIndex.build(DumpFile.open(copy(compression)), options);
        try (index) {
            // Deleted as soon as it was opened: nothing outlives the process, however it ends.
            assertThat(filesIn(temp)).as("the inflated copy while in use").isEmpty();
            assertThat(rows(index.histogram())).containsExactlyElementsOf(expectedRows);
            assertThat(rows(index.histogram())).containsExactlyElementsOf(rows(originalHistogram));
            assertThat(index.referenceCount()).isEqualTo(expectedReferences);
            // Thread names are strings read at random offsets of the inflated copy.
            assertThat(index.threads()).extracting(ThreadInfo::name).containsExactlyElementsOf(expectedThreads);
        }
        assertThat(filesIn(temp)).as("the inflated copy after close").isEmpty();
    }

    /**
     * Progress through a gzipped dump comes in bytes of the file on disk, whose end is known where the inflated
     * length is not: each of the index's two passes counts up to at most the file's size (the second scaled from the
     * inflated copy), and the histogram's one pass too; a bar can then say how much is left. The inflated offsets,
     * which it reported before, run past it (HPROF compresses 1.5 to 8 times).
     */
    @Test
    void progressThroughAGzipCountsTheFilesOwnBytes(@TempDir Path temp) throws IOException {
        // The demo shop's dump (47 MB; the reader reports every 32 MB), gzipped as one member
        byte[] inflated = Files.readAllBytes(FixtureDumps.get(Jvm.JDK17, "demo-shop").hprof());
        DumpFile file = DumpFile.open(Files.write(temp.resolve("demo-shop.hprof.gz"), HprofWriter.gzipPlain(inflated)));
        long size = file.fileBytes();
        assertThat((long) inflated.length).as("inflated, larger than the file").isGreaterThan(size * 5 / 4);
        List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (HeapIndex index = HeapIndex.build(file, new ReadOptions(1, null, seen::add, temp))) {
            assertThat(index.objectCount()).isPositive();
        }
        assertThat(seen).as("the file has %,d bytes", size).isNotEmpty().allMatch(v -> v >= 0 && v <= size)
                .anyMatch(v -> v > size / 2);

        List<Long> histogram = new ArrayList<>();
        HistogramBuilder.build(file, ReadOptions.defaults().withProgress(histogram::add));
        assertThat(histogram).as("the file has %,d bytes", size).isNotEmpty().allMatch(v -> v >= 0 && v <= size)
                .anyMatch(v -> v > size / 2);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "GZIP_CHUNKED"})
    void gzipCutInTheMiddleReadsAsATruncatedDumpWithAWarning(Compression compression, @TempDir Path temp)
            throws IOException {
        byte[] gz = Files.readAllBytes(copy(compression));
        Path cut = Files.write(temp.resolve("cut.hprof.gz"), Arrays.copyOf(gz, gz.length / 2));
        long inflatable = inflatableBytes(cut);
        assertThat(inflatable).isBetween(1L, originalBytes.length - 1L);
        Path prefix = Files.write(temp.resolve("prefix.hprof"), Arrays.copyOf(originalBytes, (int) inflatable));
        Histogram expected = HistogramBuilder.build(DumpFile.open(prefix), ReadOptions.defaults());

        DumpFile file = DumpFile.open(cut);
        assertThat(file.compression()).isEqualTo(compression);
        Histogram h = HistogramBuilder.build(file, ReadOptions.defaults());
        assertThat(h.facts().truncated()).isTrue();
        assertThat(h.facts().warnings()).anyMatch(w -> w.startsWith("the dump ends at offset " + inflatable + ", "));
        assertThat(rows(h)).containsExactlyElementsOf(rows(expected));
        assertThat(h.objects()).isPositive().isLessThan(originalHistogram.objects());

        Path indexTemp = Files.createDirectory(temp.resolve("index"));
        try (HeapIndex index = HeapIndex.build(file, new ReadOptions(1, null, null, indexTemp))) {
            assertThat(index.facts().truncated()).isTrue();
            assertThat(index.facts().warnings()).anyMatch(w -> w.startsWith("the dump ends at offset " + inflatable + ", "));
            assertThat(filesIn(indexTemp)).isEmpty();
            assertThat(index.histogram().objects()).isEqualTo(h.objects());
        }
        assertThat(filesIn(indexTemp)).isEmpty();
    }

    /**
     * Classes whose counts may differ between two {@code jcmd} dumps taken one after the other: call sites that
     * became garbage after linking keep a {@code CallSiteContext} through a {@code PhantomCleanableRef} until the
     * Common-Cleaner thread runs, which happens between the two dumps or not (measured on JDK 17.0.15: 5 and 5).
     */
    private static final List<String> CLEANER_RACE = List.of(
            "java.lang.invoke.MethodHandleNatives$CallSiteContext", "jdk.internal.ref.CleanerImpl$PhantomCleanableRef");

    /**
     * A chunked gzip written by the JVM itself: {@code jcmd PID GC.heap_dump -gz=1} of a fixture JVM that holds after
     * writing its own plain dump. Compared with a plain {@code jcmd} dump taken right after it, every class counts the
     * same (bar the cleaner race above). Compared with the fixture's own dump, the scenario's classes count the same;
     * about 65 JDK classes do not (measured on 17.0.15), because the JVM ran code between the two dumps: the fixture's
     * {@code ProcessHandle.current()} (ProcessHandleImpl, its reaper ThreadPoolExecutor and SynchronousQueue, two
     * lambdas), its {@code "READY " + pid} (invokedynamic string concatenation: LambdaForms, MethodTypes,
     * BoundMethodHandle species, MemberNames, Class objects for the spun classes), and jcmd's attach (the
     * "Attach Listener" thread), with the Strings, byte[] and Object[] all of that holds.
     */
    @Test
    void chunkedGzipFromJcmdIsRecognisedAndCountsMatchPlainDumpsOfTheSameJvm(@TempDir Path dir) throws Exception {
        Jvm jvm = Jvm.JDK17;
        FixtureDumps.get(jvm, "smoke"); // skips (or fails on CI) the way every fixture test does without a JDK 17
        Path jcmd = jvm.home().orElseThrow().resolve("bin").resolve("jcmd");
        Path gz = dir.resolve("jcmd.hprof.gz");
        Path jcmdPlain = dir.resolve("jcmd.hprof");
        dumpWithJcmd(jvm, jcmd, dir, gz, jcmdPlain);

        DumpFile file = DumpFile.open(gz);
        assertThat(file.compression()).isEqualTo(Compression.GZIP_CHUNKED);
        assertThat(file.blockSize()).isEqualTo(1 << 20); // HotSpot's block size for -gz
        assertThat(DumpFile.open(jcmdPlain).compression()).isEqualTo(Compression.NONE);
        Histogram fromGz = HistogramBuilder.build(file, ReadOptions.defaults());
        Histogram fromJcmdPlain = HistogramBuilder.build(DumpFile.open(jcmdPlain), ReadOptions.defaults());
        Histogram fromFixture = HistogramBuilder.build(DumpFile.open(dir.resolve("smoke.hprof")), ReadOptions.defaults());
        assertThat(fromGz.facts().truncated()).isFalse();
        assertThat(fromGz.facts().layout()).isEqualTo(fromJcmdPlain.facts().layout());
        // The index inflates the JVM's members on every core (ParallelInflate): the same classes as the stream.
        Path indexTemp = Files.createDirectory(dir.resolve("index-temp"));
        try (HeapIndex index = HeapIndex.build(file, new ReadOptions(1, null, null, indexTemp))) {
            assertThat(index.facts().truncated()).isFalse();
            assertThat(rows(index.histogram())).containsExactlyElementsOf(rows(fromGz));
        }

        Map<String, Long> gzCounts = instancesByName(fromGz);
        assertThat(differences(fromJcmdPlain, fromGz)).as("jcmd's plain dump against its gzip")
                .allSatisfy((name, change) -> assertThat(CLEANER_RACE).contains(name));

        Map<String, String> sinceFixtureDump = differences(fromFixture, fromGz);
        assertThat(gzCounts.get("java.util.HashMap$Node")).isGreaterThanOrEqualTo(1000);
        for (String scenarioClass : List.of("java.util.HashMap$Node", "java.util.HashMap$Node[]")) {
            assertThat(sinceFixtureDump).doesNotContainKey(scenarioClass);
        }
        assertThat(sinceFixtureDump.keySet()).as("only JDK classes changed since the fixture's own dump")
                .allMatch(GzipDumpsTest::isJdkClass);
        assertThat(sinceFixtureDump).containsEntry("java.lang.ProcessHandleImpl", "0 -> 1");
        assertThat(sinceFixtureDump).containsKey("java.lang.Thread");
        try (HeapIndex before = HeapIndex.build(DumpFile.open(dir.resolve("smoke.hprof")), new ReadOptions(1, null, null, dir));
                HeapIndex after = HeapIndex.build(file, new ReadOptions(1, null, null, dir))) {
            List<String> expected = new ArrayList<>(before.threads().stream().map(ThreadInfo::name).toList());
            expected.add("Attach Listener");
            assertThat(after.threads()).extracting(ThreadInfo::name).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /**
     * Runs the smoke fixture with {@code --hold} in {@code dir} (it writes {@code dir/smoke.hprof} itself), then has
     * jcmd dump it twice: chunked gzip into {@code gz}, plain into {@code plain}.
     */
    private static void dumpWithJcmd(Jvm jvm, Path jcmd, Path dir, Path gz, Path plain) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(jvm.java().toString());
        command.addAll(jvm.flags());
        command.addAll(List.of("-Xmx512m", "-Xshare:off", "-cp", System.getProperty("java.class.path"),
                FixtureMain.class.getName(), "smoke", dir.toString(), "--hold"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS").forEach(builder.environment()::remove);
        Process fixture = builder.start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(fixture.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder log = new StringBuilder();
            String ready = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        log.append(line).append('\n');
                        if (line.startsWith("READY ")) {
                            return line;
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                }
            }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(ready).as("the fixture's output:\n%s", log).isEqualTo("READY " + fixture.pid());
            run(jcmd.toString(), Long.toString(fixture.pid()), "GC.heap_dump", "-gz=1", gz.toString());
            run(jcmd.toString(), Long.toString(fixture.pid()), "GC.heap_dump", plain.toString());
        } finally {
            fixture.getOutputStream().close(); // the fixture exits when its stdin closes
            if (!fixture.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fixture.destroyForcibly();
            }
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("Heap dump file created");
    }

    // ---------------------------------------------------------------- helpers

    private static Path copy(Compression compression) {
        return compression == Compression.GZIP_CHUNKED ? chunkedGz : plainGz;
    }

    /** Each row as "name classId instances bytes", in the histogram's order. */
    private static List<String> rows(Histogram h) {
        return h.rows().stream().map(r -> r.name() + " 0x" + Long.toHexString(r.classId()) + " " + r.instances()
                + " " + r.shallowBytes()).toList();
    }

    /** A class of the JDK: in a JDK package, or an array of primitives or of such a class. */
    private static boolean isJdkClass(String name) {
        String element = name.replace("[]", "");
        return List.of("boolean", "char", "float", "double", "byte", "short", "int", "long").contains(element)
                || Stream.of("java.", "jdk.", "sun.", "com.sun.").anyMatch(element::startsWith);
    }

    /** Classes whose instance count differs from {@code a} to {@code b}, as "countA -> countB". */
    private static Map<String, String> differences(Histogram a, Histogram b) {
        Map<String, Long> aCounts = instancesByName(a);
        Map<String, Long> bCounts = instancesByName(b);
        Map<String, String> differ = new TreeMap<>();
        for (String name : aCounts.keySet()) {
            if (!aCounts.get(name).equals(bCounts.getOrDefault(name, 0L))) {
                differ.put(name, aCounts.get(name) + " -> " + bCounts.getOrDefault(name, 0L));
            }
        }
        for (String name : bCounts.keySet()) {
            if (!aCounts.containsKey(name)) {
                differ.put(name, "0 -> " + bCounts.get(name));
            }
        }
        return differ;
    }

    private static Map<String, Long> instancesByName(Histogram h) {
        Map<String, Long> m = new TreeMap<>();
        for (Histogram.Row r : h.rows()) {
            m.merge(r.name(), r.instances(), Long::sum);
        }
        return m;
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    /** How many bytes the JDK's own gzip stream inflates from {@code file} before its data ends. */
    private static long inflatableBytes(Path file) throws IOException {
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                n += r;
            }
        } catch (EOFException | ZipException e) {
            // the cut: everything before it has been counted
        }
        return n;
    }
}
