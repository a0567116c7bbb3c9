package io.mapleak.cli;

import io.mapleak.capture.CaptureException;
import io.mapleak.capture.CaptureOptions;
import io.mapleak.capture.Capturer;
import io.mapleak.capture.Destination;
import io.mapleak.capture.DumpListener;
import io.mapleak.capture.Durations;
import io.mapleak.capture.Failure;
import io.mapleak.capture.HeapDump;
import io.mapleak.capture.Series;
import io.mapleak.capture.Target;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mapleak capture PID}: dumps the heap of a running JVM through the Attach API, once or as a series, and
 * optionally analyses each dump as it lands. The work is {@link Capturer}'s; this class reads the options, prints,
 * shows progress and turns each {@link Failure} into its exit code.
 */
@Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Dumps the heap of a running JVM through the Attach API (the GC.heap_dump that jcmd runs): "
                + "live objects, or all with --all; gzipped with --gz. Files are named MAINCLASS-PID-TIMESTAMP.hprof"
                + "[.gz] (UTC, e.g. Shop-4711-20261205T114951Z.hprof) and never overwritten.",
                "The JVM writes the file itself, as its own user, and pauses while it does (a live dump starts with "
                + "a full GC). mapleak must run as the JVM's user (or root), on a JDK."},
        footer = {"", "Exit codes: 0 done; 2 wrong usage (also an option the JVM lacks: --gz needs JDK 15+); "
                + "3 (--analyze) a dump could not be read back; 4 internal error; " + CaptureCommand.NO_SUCH_PROCESS
                + " no such process (or it exited, also during a series); " + CaptureCommand.NOT_A_JVM
                + " not a JVM; " + CaptureCommand.ATTACH_REFUSED + " attach refused (another user, "
                + "-XX:+DisableAttachMechanism, no answer, mapleak on a JRE without jdk.attach, its own pid); "
                + CaptureCommand.NOT_ENOUGH_DISK + " not enough disk for the heap in use; "
                + CaptureCommand.FILE_EXISTS + " file exists; " + CaptureCommand.DUMP_FAILED
                + " the JVM could not write the dump (e.g. a directory its user may not write); "
                + CaptureCommand.INTERRUPTED + " stopped by Ctrl-C. Dumps already written are always kept."})
final class CaptureCommand implements Callable<Integer> {
    static final int NO_SUCH_PROCESS = 10;
    static final int NOT_A_JVM = 11;
    static final int ATTACH_REFUSED = 12;
    static final int NOT_ENOUGH_DISK = 13;
    static final int FILE_EXISTS = 14;
    static final int DUMP_FAILED = 15;
    /** 128 + SIGINT, what a shell reports for a program that Ctrl-C ended. */
    static final int INTERRUPTED = 130;

    /** How often the progress line reads the growing file's size. */
    private static final long PROGRESS_POLL_MILLIS = 200;
    /** How long a Ctrl-C between dumps waits for the series to print its last words. */
    private static final long STOP_GRACE_SECONDS = 5;
    /** Dump names have whole seconds: two dumps of a series must not share one. */
    private static final Duration MIN_EVERY = Duration.ofSeconds(1);

    @Parameters(index = "0", paramLabel = "PID", description = "Process id of the JVM to dump (jps or jcmd list them).")
    long pid;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "Directory for the dumps (created if missing; default: the current one). A name ending in "
                    + ".hprof or .hprof.gz is one dump's file instead.")
    Path output;

    @Option(names = "--gz", arity = "0..1", fallbackValue = "1", paramLabel = "LEVEL",
            description = "Write jcmd's chunked gzip, at LEVEL 1 (fastest, the default) to 9; mapleak reads it as is.")
    Integer gzipLevel;

    @Option(names = "--all", description = "Dump unreachable objects too (no GC before the dump).")
    boolean all;

    @Option(names = "--every", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Take a series, one dump every DURATION (30s, 5m, 1h); needs --count.")
    Duration every;

    @Option(names = "--count", paramLabel = "N", description = "How many dumps the series takes.")
    Integer count;

    @Option(names = "--analyze",
            description = "Analyse each dump as it lands: NAME.json and NAME.html beside it (as analyze -o does).")
    boolean analyze;

    @Option(names = "--no-disk-check",
            description = "Dump even when the disk has less free space than the JVM's heap in use (half with --gz).")
    boolean noDiskCheck;

    @Option(names = "--debug", description = "On an error, print the stack trace.")
    boolean debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int dumps = validatedCount();
        int gzip = validatedGzipLevel();
        Destination destination = destination(dumps, gzip);
        if (destination.file().isPresent() && destination.file().get().getFileName().toString().endsWith(".gz")) {
            gzip = Math.max(gzip, 1); // a .hprof.gz name asks for gzip
        }
        if (destination.file().isEmpty() && Files.exists(destination.directory())
                && !Files.isDirectory(destination.directory())) {
            return fail(err, new CaptureException(Failure.FILE_EXISTS, destination.directory() + " exists and is "
                    + "not a directory; capture never overwrites a file: give -o a directory, or a new NAME.hprof"));
        }
        try {
            Files.createDirectories(destination.directory());
        } catch (IOException e) {
            return fail(err, new CaptureException(Failure.DUMP_FAILED, "cannot create the directory "
                    + destination.directory() + ": " + e.getMessage(), e));
        }
        CaptureOptions options = new CaptureOptions(all, gzip, !noDiskCheck,
                analyze ? List.of(".json", ".html") : List.of());
        return new SeriesRun(new Series(every, dumps), new Capturer(Clock.systemUTC()), destination, options, out,
                err).run();
    }

    /**
     * Analyses {@code dump} into {@code outDir} ({@code NAME.json}, {@code NAME.html}) in this JVM, as
     * {@code mapleak analyze DUMP -o DIR} does, and returns its exit code. The one place capture reaches the
     * analysis.
     */
    static int analyzeInto(Path dump, Path outDir, PrintWriter out, PrintWriter err) {
        return Main.run(new String[] {"analyze", dump.toString(), "-o", outDir.toString()}, out, err);
    }

    /**
     * Waits, a few milliseconds at most, until the wall clock is past the second of the dump before: the series
     * spaces dumps by its own timer, which may disagree with the wall clock a little, and names have whole seconds.
     * A clock set back by more than this leaves the name taken, which the file-exists check then reports.
     */
    private static void awaitNextSecond(Instant last) {
        long next = (last.getEpochSecond() + 1) * 1000;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (long wait = next - System.currentTimeMillis(); wait > 0 && System.nanoTime() < deadline;
                wait = next - System.currentTimeMillis()) {
            try {
                Thread.sleep(Math.min(wait, 100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** {@code 45 ms}, {@code 3.2 s}, {@code 2m05s}. */
    static String time(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + " ms";
        }
        if (d.toSeconds() < 60) {
            return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        }
        return String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }

    private int fail(PrintWriter err, CaptureException e) {
        err.println("mapleak: " + e.getMessage());
        if (debug) {
            e.printStackTrace(err);
        }
        return exitCode(e.failure());
    }

    static int exitCode(Failure failure) {
        return switch (failure) {
            case NO_SUCH_PROCESS -> NO_SUCH_PROCESS;
            case NOT_A_JVM -> NOT_A_JVM;
            case ATTACH_REFUSED -> ATTACH_REFUSED;
            case NOT_ENOUGH_DISK -> NOT_ENOUGH_DISK;
            case FILE_EXISTS -> FILE_EXISTS;
            case DUMP_FAILED -> DUMP_FAILED;
            case UNSUPPORTED_OPTION -> ExitCodes.USAGE;
            case STOPPED -> INTERRUPTED;
        };
    }

    private int validatedCount() {
        if (pid <= 0) {
            throw usage("PID must be a process id (a positive number), not " + pid);
        }
        if (every != null && count == null) {
            throw usage("--every needs --count N: how many dumps to take");
        }
        int n = count == null ? 1 : count;
        if (n < 1) {
            throw usage("--count takes a number from 1, not " + n);
        }
        if (n > 1 && every == null) {
            throw usage("--count " + n + " needs --every DURATION: the time between the dumps");
        }
        if (every != null && every.compareTo(MIN_EVERY) < 0) {
            throw usage("--every must be at least 1s: dump names have whole seconds");
        }
        return n;
    }

    private int validatedGzipLevel() {
        if (gzipLevel == null) {
            return 0;
        }
        if (gzipLevel < 1 || gzipLevel > 9) {
            throw usage("--gz takes a level from 1 (fastest) to 9 (smallest), not " + gzipLevel);
        }
        return gzipLevel;
    }

    private Destination destination(int dumps, int gzip) {
        if (output == null) {
            return Destination.directory(Path.of(""));
        }
        if (Files.isDirectory(output) || !Destination.isDumpFileName(output)) {
            return Destination.directory(output);
        }
        if (dumps > 1) {
            throw usage("-o " + output + " names one file, and a series of " + dumps + " dumps needs a directory");
        }
        boolean gzName = output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
        if (gzip > 0 && !gzName) {
            throw usage("--gz writes gzip: name the file " + output.getFileName() + ".gz");
        }
        return Destination.file(output);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * One run of the command: the series' dumps, each printed and analysed as it lands, and what a Ctrl-C does
     * meanwhile (from the shutdown hook's thread; {@link #lock} keeps its view of the run consistent).
     */
    private final class SeriesRun {
        private final Series series;
        private final Capturer capturer;
        private final Destination destination;
        private final CaptureOptions options;
        private final PrintWriter out;
        private final PrintWriter err;
        private final List<Path> written = new ArrayList<>();
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Object lock = new Object();
        /** The dump the target writes right now, or null. Guarded by {@link #lock}. */
        private Path dumping;
        /** The dump being analysed right now, or null. Guarded by {@link #lock}. */
        private Path analysing;
        private Instant lastTakenAt;
        private int analysisCode = ExitCodes.OK;

        SeriesRun(Series series, Capturer capturer, Destination destination, CaptureOptions options, PrintWriter out,
                PrintWriter err) {
            this.series = series;
            this.capturer = capturer;
            this.destination = destination;
            this.options = options;
            this.out = out;
            this.err = err;
        }

        int run() throws IOException {
            Thread hook = new Thread(this::onShutdown, "mapleak-capture-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                int taken = series.run(this::step);
                return taken < series.count() ? stopped() : analysisCode;
            } catch (CaptureException e) {
                if (e.failure() == Failure.STOPPED) {
                    return stopped();
                }
                int code = fail(err, e);
                if (!written.isEmpty()) {
                    err.printf("mapleak: the series ends after %d of %d dumps; kept: %s%n", written.size(),
                            series.count(), String.join(", ", written.stream().map(p -> p.getFileName().toString())
                                    .toList()));
                }
                return code;
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down (Ctrl-C): the hook runs or ran
                }
            }
        }

        private void step(int index, Duration late) throws CaptureException, IOException {
            String prefix = series.count() > 1 ? "[" + (index + 1) + "/" + series.count() + "] " : "";
            if (late.compareTo(Duration.ofSeconds(1)) >= 0) {
                err.printf("mapleak: %sstarts %s late: the dump before took longer than --every %s%n", prefix,
                        Durations.format(late), Durations.format(every));
            }
            if (lastTakenAt != null) {
                awaitNextSecond(lastTakenAt);
            }
            HeapDump dump = dump(prefix);
            lastTakenAt = dump.takenAt();
            written.add(dump.file());
            out.println(dump.file());
            out.flush();
            err.printf("mapleak: %s%s in %s%n", prefix, Text.bytes(dump.bytes()), time(dump.took()));
            err.flush();
            if (analyze) {
                synchronized (lock) {
                    if (series.isStopped()) {
                        return; // Ctrl-C came during the dump's last moments: no analysis, the series ends
                    }
                    analysing = dump.file();
                }
                int code = analyzeInto(dump.file(), dump.file().getParent(), out, err);
                synchronized (lock) {
                    analysing = null;
                }
                if (code != ExitCodes.OK && analysisCode == ExitCodes.OK) {
                    analysisCode = code;
                }
            }
        }

        private HeapDump dump(String prefix) throws CaptureException, IOException {
            try (DumpProgress progress = new DumpProgress()) {
                DumpListener listener = new DumpListener() {
                    @Override
                    public boolean dumping(Target target, Path file, OptionalLong usedHeapBytes) {
                        synchronized (lock) {
                            if (series.isStopped()) {
                                return false; // Ctrl-C while attaching: leave the target alone
                            }
                            dumping = file;
                        }
                        err.printf("mapleak: %sdumping %s of %s (pid %d, Java %s%s) to %s%n", prefix,
                                options.all() ? "all objects" : "live objects", target.mainClass(), target.pid(),
                                target.javaVersion(), usedHeapBytes.isPresent() ? ", " + Text.bytes(
                                        usedHeapBytes.getAsLong()) + " of heap in use" : "", file);
                        err.flush();
                        progress.start(target.pid(), file);
                        return true;
                    }

                    @Override
                    public void warning(String message) {
                        err.println("warning: " + message);
                    }
                };
                return capturer.capture(pid, destination, options, listener);
            } finally {
                synchronized (lock) {
                    dumping = null;
                }
            }
        }

        private int stopped() {
            err.printf("mapleak: stopped after %d of %d dumps%s%n", written.size(), series.count(),
                    written.isEmpty() ? "" : "; the dumps written are kept");
            err.flush();
            return INTERRUPTED;
        }

        /**
         * Ctrl-C (or SIGTERM). Before or between dumps: the series stops, says so and ends within a few seconds.
         * During a dump: the target goes on writing the file on its own, which this says before the JVM ends.
         */
        private void onShutdown() {
            synchronized (lock) {
                if (dumping != null) {
                    err.printf("%nmapleak: interrupted while process %d writes %s: it goes on writing it (mapleak "
                            + "info FILE tells when it is whole)%n", pid, dumping);
                    err.flush();
                    return;
                }
                if (analysing != null) {
                    err.printf("%nmapleak: interrupted while analysing %s; the dump is kept%n", analysing);
                    err.flush();
                    return;
                }
                series.stop();
            }
            try {
                finished.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Parses --every. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * The growing dump's size and the time so far on stderr, while the target writes, when stderr is a terminal.
     * Polls the file's size from a daemon thread.
     */
    private static final class DumpProgress implements AutoCloseable {
        private Progress bar;
        private Thread poller;

        void start(long pid, Path file) {
            if (!Terminal.stderrIsTerminal()) {
                return;
            }
            bar = Progress.bytes("Dumping " + pid, -1);
            java.util.function.LongConsumer step = bar.consumer();
            poller = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        step.accept(Files.size(file));
                    } catch (IOException e) {
                        // not created yet, or a container's file system: the bar's clock still runs
                    }
                    try {
                        Thread.sleep(PROGRESS_POLL_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "mapleak-dump-progress");
            poller.setDaemon(true);
            poller.start();
        }

        @Override
        public void close() {
            if (poller != null) {
                poller.interrupt();
                try {
                    poller.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (bar != null) {
                bar.close();
            }
        }
    }
}
