package io.mapleak.triage;

import io.mapleak.cli.CompilerOptions;
import io.mapleak.cli.ExitCodes;
import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.hprof.DumpFile;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code mapleak analyze DUMP --json FILE} in a child JVM with a heap of its own, so a huge, hostile or
 * crashing dump takes down only its child: the job records the failure and goes on.
 *
 * <p>The child is mapleak's own main class run by this JVM's {@code java} with this JVM's class path, through an
 * entry point that halts the child when its standard input ends: the job holds that pipe open, so a job that dies,
 * even by SIGKILL, takes its child with it. Its exit code says what happened: 0 done, 3 the file is not a heap
 * dump (failed for good), anything else (4 internal error or out of memory, 5, a crash, the timeout) is worth
 * another attempt. Its output goes to {@code child.log} in the work directory; the error recorded is the line
 * the analyzer wrote about it. Flags that the environment would add to every JVM
 * ({@code JAVA_TOOL_OPTIONS}...) are removed: an inherited {@code -XX:HeapDumpPath} would make the child's own
 * out-of-memory a dump to triage.
 */
final class ChildAnalysis {
    /** Leave the machine a quarter of its memory (page cache for the dump, the job itself, the system). */
    static final double MACHINE_SHARE = 0.75;
    /** Smallest heap: what a small dump needs with the JVM's own overhead. */
    static final long MIN_HEAP = 512L << 20;
    /** Added to the estimate for the analyzer's fixed costs (classes, report building, buffers). */
    static final long BASE_HEAP = 256L << 20;
    /**
     * Below this (inflated) size, the child compiles with C1 alone: its analysis is over before C2's compilations
     * pay off. Measured on 2 shared cores with the children's class archive: an 8 MB dump analysed in 0.7 s
     * instead of 1.5 s, 82 MB in 2.5 s instead of 5.1 s, 322 MB (4.3 million objects) in 8 s instead of 12 s.
     */
    static final long C1_ONLY_BELOW = 1L << 30;
    private static final List<String> JVM_OPTION_VARIABLES =
            List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
    private static final int ERROR_CHARS = 500;

    /** How to start mapleak: the java launcher, the class path, and the child entry point's class. */
    record Launcher(Path java, String classPath, String mainClass) {
        /** This JVM's java and class path. */
        static Launcher current(String mainClass) {
            return new Launcher(Path.of(System.getProperty("java.home"), "bin", "java"),
                    System.getProperty("java.class.path"), mainClass);
        }
    }

    /** How an analysis ended. */
    sealed interface Outcome {
    }

    /** The report is written to {@code json}. */
    record Done(Path json, double seconds) implements Outcome {
    }

    /**
     * It failed: {@code kind} is {@code unreadable} (permanent), {@code timeout}, {@code out-of-memory},
     * {@code internal}, {@code output} or {@code crashed}; {@code error} one line for the index.
     */
    record Failed(String kind, String error, boolean permanent, double seconds) implements Outcome {
    }

    /** The job is stopping and killed the child: the dump goes back untouched. */
    record Stopped(double seconds) implements Outcome {
    }

    private final Launcher launcher;
    private final ClassArchive archive;
    private final Object lock = new Object();
    private Process running;
    private boolean stopping;

    /** The young generation of a child, in MB, at most a quarter of its heap (see bin/mapleak). */
    static final long YOUNG_MB = 64;

    /** Children started by {@code launcher}, sharing a class-data archive in {@code cache}. */
    ChildAnalysis(Launcher launcher, Path cache) {
        this.launcher = launcher;
        this.archive = ClassArchive.in(cache, launcher);
    }

    /** The JIT options of a child analysing a dump of {@code bytes} (inflated): C1 alone for a small one. */
    static List<String> compilerOptions(long bytes) {
        return bytes < C1_ONLY_BELOW ? List.of("-XX:TieredStopAtLevel=1") : CompilerOptions.FOR_DUMPS;
    }

    /**
     * Analyses {@code dump} in a child with {@code heapBytes} of heap, writing into {@code work}; blocks until the
     * child ends, {@code timeout} passes, or {@link #stop} is called.
     */
    Outcome run(Path dump, Path work, long heapBytes, Duration timeout) throws IOException {
        long size;
        try {
            size = Files.size(dump);
        } catch (java.nio.file.NoSuchFileException e) {
            return new Failed("unreadable", "the dump is gone: no such file " + dump, true, 0);
        }
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Path json = work.resolve("report.json");
        Path log = work.resolve("child.log");
        List<String> command = new ArrayList<>();
        command.add(launcher.java().toString());
        long heapMb = Math.max(1, heapBytes >> 20);
        command.add("-Xmx" + heapMb + "m");
        // A fixed young generation, as bin/mapleak gives analyze: fewer fresh pages touched, less resident memory.
        command.add("-Xmn" + Math.max(1, Math.min(YOUNG_MB, heapMb / 4)) + "m");
        command.add("-XX:+UseParallelGC"); // as bin/mapleak gives analyze: less resident memory, cheaper barriers
        command.add("-XX:-UsePerfData"); // no hsperfdata file in /tmp for a child that may be killed
        command.add("-XX:-HeapDumpOnOutOfMemoryError");
        command.addAll(compilerOptions(estimatedBytes(size, isGzipped(dump))));
        command.addAll(ColumnStore.JVM_OPTIONS); // the child runs this JVM's java
        List<String> cds = archive.options(work);
        command.addAll(cds);
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-cp");
        command.add(launcher.classPath());
        command.add(launcher.mainClass());
        command.addAll(List.of("analyze", dump.toString(), "--json", json.toString(), "--temp-dir", tmp.toString(),
                "--top", "0"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        JVM_OPTION_VARIABLES.forEach(pb.environment()::remove);
        long started = System.nanoTime();
        Process p;
        synchronized (lock) {
            if (stopping) {
                return new Stopped(0);
            }
            p = pb.start(); // its stdin stays open: the child halts when this JVM, and so the pipe, is gone
            running = p;
        }
        boolean ended;
        try {
            ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        if (!ended) {
            kill(p);
        }
        synchronized (lock) {
            running = null;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (ended && p.exitValue() == ExitCodes.OK && Files.isRegularFile(json)) {
            archive.keep(work);
            return new Done(json, seconds); // finished before a stop could kill it: the result counts
        }
        if (isStopping()) {
            return new Stopped(seconds);
        }
        if (!ended) {
            return new Failed("timeout", String.format(Locale.ROOT, "the analysis took longer than %s and was "
                    + "stopped", Durations.format(timeout)), false, seconds);
        }
        int code = p.exitValue();
        String said = lastWords(log);
        if (code == 1 && archive.writes(cds)) {
            // analyze without --fail-on never exits with 1: the JVM refused to write the class archive
            archive.disable();
            return run(dump, work, heapBytes, timeout);
        }
        if (code == ExitCodes.BAD_INPUT) {
            return new Failed("unreadable", said, true, seconds);
        }
        if (code == ExitCodes.INTERNAL && said.contains("out of memory")) {
            return new Failed("out-of-memory", "out of memory with -Xmx" + (heapBytes >> 20) + "m", false, seconds);
        }
        if (code == ExitCodes.INTERNAL || code == ExitCodes.OUTPUT) {
            return new Failed(code == ExitCodes.INTERNAL ? "internal" : "output", said, false, seconds);
        }
        String signal = code > 128 ? " (signal " + (code - 128) + ")" : "";
        return new Failed("crashed", "the analysis ended with exit code " + code + signal
                + (said.isEmpty() ? "" : ": " + said), false, seconds);
    }

    /** A dump's size as HPROF: its file's, or {@link DumpFile#GZIP_RATIO} times that for a gzipped one. */
    static long estimatedBytes(long fileBytes, boolean gzipped) {
        return gzipped ? fileBytes * DumpFile.GZIP_RATIO : fileBytes;
    }

    static boolean isGzipped(Path dump) {
        return dump.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    /** Kills the running child, if any, and every later one: the job is stopping. Safe from any thread. */
    void stop() {
        Process p;
        synchronized (lock) {
            stopping = true;
            p = running;
        }
        if (p != null) {
            kill(p);
        }
    }

    boolean isStopping() {
        synchronized (lock) {
            return stopping;
        }
    }

    /** The child and anything it started, at once: nothing it would do on a gentle stop is needed. */
    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The analyzer's own line about what went wrong ("mapleak: ..."), or the log's last line. */
    static String lastWords(Path log) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
        String last = "";
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i).strip();
            if (l.startsWith("mapleak: ")) {
                last = l.substring("mapleak: ".length());
                break;
            }
            if (last.isEmpty() && !l.isEmpty()) {
                last = l;
            }
        }
        return last.length() > ERROR_CHARS ? last.substring(0, ERROR_CHARS - 1) + "…" : last;
    }

    /**
     * The heap for a child analysing a dump of {@code fileBytes} ({@code gzipped}: inflated size estimated),
     * doubled for each earlier attempt: the dump's size plus a base, at least {@link #MIN_HEAP}, at most
     * {@link #MACHINE_SHARE} of the machine's memory (the container's limit inside a container).
     */
    static long heapFor(long fileBytes, boolean gzipped, int attempt) {
        long machine = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        long cap = Math.max(MIN_HEAP, (long) (machine * MACHINE_SHARE));
        long estimate = estimatedBytes(fileBytes, gzipped) + BASE_HEAP;
        long want = Math.max(MIN_HEAP, estimate) << Math.min(4, Math.max(0, attempt - 1));
        return Math.min(cap, want);
    }
}
