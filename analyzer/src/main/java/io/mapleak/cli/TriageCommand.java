package io.mapleak.cli;

import io.mapleak.detect.Severity;
import io.mapleak.triage.Durations;
import io.mapleak.triage.InventoryGrowth;
import io.mapleak.triage.Signatures;
import io.mapleak.triage.Store;
import io.mapleak.triage.StoreException;
import io.mapleak.triage.TriageJob;
import io.mapleak.triage.TriageOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mapleak triage}: the scheduled job over directories of dumps (docs/triage.md). */
@Command(name = "triage", mixinStandardHelpOptions = true,
        description = {"Analyses every new heap dump under the directories exactly once, however many jobs share the "
                + "work, and writes OUT/index.html and OUT/index.json: the dumps, newest first, and the leak "
                + "signatures across them (which leaks are new, which keep coming back).",
            "Each analysis runs in a child JVM of its own; the store (SQLite in OUT, or --db PostgreSQL) records "
                + "claims and results. See docs/triage.md."},
        footer = {"", "Exit codes: 0 done, 1 a --fail-on gate was met, 2 wrong usage, 3 a directory cannot be read, "
                + "4 internal error, 5 OUT, the store or --notify cannot be written to."})
public final class TriageCommand implements Callable<Integer> {
    /** How long a stopping job may take to hand back its dump (a service manager waits 30 s or more). */
    static final long STOP_WAIT_MS = 25_000;
    /** Below this a JVM cannot even load mapleak. */
    static final long MIN_HEAP = 64L << 20;

    @Parameters(arity = "1..*", paramLabel = "DIR",
            description = "Directories where services write their dumps; *.hprof and *.hprof.gz anywhere below.")
    List<Path> dirs;

    @Option(names = "--out", required = true, paramLabel = "OUT",
            description = "Where the reports (OUT/reports/), the index pages and the SQLite store go.")
    Path out;

    @ArgGroup(exclusive = true)
    Mode mode = new Mode();

    static final class Mode {
        @Option(names = "--once", description = "One pass, then exit (for cron, systemd timers, CronJobs); the default.")
        boolean once;

        @Option(names = "--watch", description = "A pass every --interval until SIGTERM or Ctrl-C.")
        boolean watch;
    }

    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time between passes with --watch (default: 1m).")
    Duration interval;

    @Option(names = "--db", paramLabel = "URL",
            description = "The store: jdbc:postgresql://HOST/DATABASE to share the work among machines (password in "
                    + "~/.pgpass or the URL). Default: SQLite in OUT/triage.db.")
    String db;

    @Option(names = "--max-heap", paramLabel = "SIZE", converter = ByteSize.class,
            description = "Heap of each child JVM, e.g. 4g. Default: sized from the dump, at most 3/4 of the memory.")
    Long maxHeap;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "1h",
            description = "Longest one analysis may take before its child is killed (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", converter = ReportOutputs.SeverityConverter.class,
            description = "Exit with code 1 if a leak signature of this severity or worse was seen first in this run.")
    Severity failOn;

    @Option(names = "--notify", paramLabel = "URL|COMMAND",
            description = "POST new leak signatures as JSON to an http(s) URL, or run COMMAND (sh -c) with them on "
                    + "its standard input.")
    String notify;

    @Option(names = "--after", paramLabel = "keep|gzip|delete", converter = AfterConverter.class, defaultValue = "keep",
            description = "What to do with a dump once its reports are written and recorded (default: ${DEFAULT-VALUE}).")
    TriageOptions.After after;

    @Option(names = "--quiet-period", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "1m", description = "A file is left alone until it has not changed for this long, as a dump "
                    + "still being written (default: ${DEFAULT-VALUE}).")
    Duration quiet;

    @Option(names = "--lease", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "2m",
            description = "How long a claim lasts without renewal: a dump whose job died on another machine is taken "
                    + "up again after this (default: ${DEFAULT-VALUE}).")
    Duration lease;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "3",
            description = "Attempts before a dump that keeps crashing or timing out is marked failed "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Option(names = "--retry-failed", description = "Put every failed dump back to be analysed (attempts reset).")
    boolean retryFailed;

    @Option(names = "--debug", description = "On an internal error, print the stack trace.")
    boolean debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (interval != null && !mode.watch) {
            throw new CommandLine.ParameterException(cl, "--interval goes with --watch");
        }
        if (maxAttempts < 1) {
            throw new CommandLine.ParameterException(cl, "--max-attempts takes a number from 1");
        }
        if (lease.toMillis() < 1000 || timeout.isZero() || timeout.isNegative()
                || interval != null && interval.isZero()) {
            throw new CommandLine.ParameterException(cl, "--lease takes at least 1s, --timeout and --interval more than 0");
        }
        if (maxHeap != null && maxHeap < MIN_HEAP) {
            throw new CommandLine.ParameterException(cl, "--max-heap takes at least 64m");
        }
        if (db != null && !Store.supports(db)) {
            throw new CommandLine.ParameterException(cl, "--db takes jdbc:postgresql://HOST/DATABASE (or jdbc:sqlite:FILE), "
                    + "not " + db);
        }
        TriageOptions options = new TriageOptions(dirs, out, mode.watch,
                interval != null ? interval : Duration.ofMinutes(1), db, maxHeap != null ? maxHeap : 0, timeout,
                failOn, notify, after, quiet, lease, maxAttempts, retryFailed);
        PrintWriter err = cl.getErr();
        TriageJob job = new TriageJob(options, Child.class.getName(), new InventoryGrowth(), cl.getOut(), err);
        Thread hook = new Thread(() -> job.stop(STOP_WAIT_MS), "mapleak-triage-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        TriageJob.Outcome outcome;
        try {
            outcome = job.run();
        } catch (StoreException e) {
            err.println("mapleak: " + e.getMessage());
            if (debug) {
                e.printStackTrace(err);
            }
            return ExitCodes.OUTPUT;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running and stops the job
            }
        }
        if (failOn != null) {
            for (Signatures.Sighting s : outcome.newSignatures()) {
                if (s.severity().atLeast(failOn)) {
                    err.printf("mapleak: --fail-on %s: new leak signature %s (%s): %s%n", failOn.word(), s.id(),
                            s.severity().word(), s.title());
                    return ExitCodes.GATE_MET;
                }
            }
        }
        return outcome.notifyError() != null ? ExitCodes.OUTPUT : ExitCodes.OK;
    }

    /**
     * What the triage job runs in its child JVMs: {@code mapleak} itself, ended as soon as its standard input
     * ends. The job holds that pipe open, so a child never outlives its job, even one killed with SIGKILL.
     */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) {
            Thread watch = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // the job never writes; anything read is ignored
                    }
                } catch (IOException e) {
                    // a broken pipe is an ended job too
                }
                Runtime.getRuntime().halt(ExitCodes.INTERNAL);
            }, "mapleak-job-watch");
            watch.setDaemon(true);
            watch.start();
            Main.main(args);
        }
    }

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

    static final class AfterConverter implements CommandLine.ITypeConverter<TriageOptions.After> {
        @Override
        public TriageOptions.After convert(String value) {
            for (TriageOptions.After a : TriageOptions.After.values()) {
                if (a.name().equalsIgnoreCase(value.trim())) {
                    return a;
                }
            }
            throw new CommandLine.TypeConversionException("takes keep, gzip or delete, not '" + value + "'");
        }
    }
}
