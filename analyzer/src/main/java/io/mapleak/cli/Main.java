package io.mapleak.cli;

import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.TempSpaceException;
import io.mapleak.hprof.HprofFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mapleak} command: finds the maps that leak memory in JVM heap dumps. */
@Command(name = "mapleak", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Finds the maps that leak memory in JVM heap dumps (HPROF).",
            "Start with: mapleak analyze java_pid1234.hprof --html report.html"},
        footer = {"", "Exit codes: 0 done, 1 a --fail-on gate was met, 2 wrong usage, 3 the input cannot be read "
                + "(not a heap dump, or not a report), 4 internal error (also out of memory or temp space), 5 an output cannot be written (triage: OUT, the store, --notify); capture: 10-15 (mapleak capture --help)."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Memory set aside at start and freed when the heap runs out, so that saying so does not fail for want of it
     * (on a full heap, printing the advice itself threw, and the JVM printed "Exception in thread main" instead).
     */
    private static volatile byte[] reserve = new byte[4 << 20];
    /**
     * The out-of-memory advice for this JVM's heap, made while there is memory to make it: with {@code --memory 0}
     * for a run that kept columns on the heap, without it for one that kept none there (the dump's size is not
     * known yet, and its columns may all be in temp files already).
     */
    private static final String OUT_OF_MEMORY = outOfMemory(maxHeap(), true);
    private static final String OUT_OF_MEMORY_COLUMNS_OUT = outOfMemory(maxHeap(), false);

    /**
     * The max heap as -Xmx set it: the parallel collector that bin/mapleak gives analyze reports one survivor space
     * less as {@link Runtime#maxMemory()} (61 MB of -Xmx64m), which the advice would then name.
     */
    static long maxHeap() {
        try {
            return Long.parseLong(java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("MaxHeapSize").getValue());
        } catch (RuntimeException | LinkageError e) {
            return Runtime.getRuntime().maxMemory(); // not HotSpot
        }
    }

    /** The advice that fits this run (see {@link #OUT_OF_MEMORY}); allocates nothing. */
    private static String outOfMemoryAdvice() {
        return ColumnStore.heapColumnsHeld() ? OUT_OF_MEMORY : OUT_OF_MEMORY_COLUMNS_OUT;
    }

    public static void main(String[] args) {
        watchGc();
        adviseOnOutOfMemoryInAnyThread();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Whether this run has given the out-of-memory advice: once, whichever thread ran out first. */
    private static final java.util.concurrent.atomic.AtomicBoolean ADVISED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Frees the reserve; true for the first caller of the run, the one to print the out-of-memory advice. */
    private static boolean firstToAdvise() {
        reserve = null;
        return ADVISED.compareAndSet(false, true);
    }

    /** The out-of-memory advice on stderr unless this run gave it already, then exit code 4. Allocates nothing. */
    private static void adviseAndExit() {
        if (firstToAdvise()) {
            System.err.println(outOfMemoryAdvice());
            System.err.flush();
        }
        System.exit(ExitCodes.INTERNAL);
    }

    /**
     * An out-of-memory error that ends a thread of its own (a worker of the common pool between tasks, say: the
     * parallel collector's overhead limit throws wherever the allocation is) ends the run as one in the main thread
     * does: the advice once and exit code 4, not the JVM's "Exception in thread" line beside the advice. Anything
     * else that ends a thread is one line (a heap nearly full makes other errors too: a class whose initialiser ran
     * out cannot be initialised after), with the stack trace under {@code --debug}. For the command line only.
     */
    static void adviseOnOutOfMemoryInAnyThread() {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof OutOfMemoryError) {
                adviseAndExit();
            }
            if (debugRequested) {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace(System.err);
            } else {
                System.err.println("mapleak: internal error in thread " + thread.getName() + ": " + e
                        + " (run with --debug for the stack trace)");
            }
        });
    }

    /** Whether the command line asks for stack traces (--debug), for errors outside picocli's handler. */
    private static volatile boolean debugRequested;

    /**
     * Starts the watch that ends a run thrashing on a full heap ({@link GcWatch}) as an out-of-memory error ends
     * it: the advice on stderr and exit code 4. For the command line only (tests call {@link #run} in their JVM).
     */
    static void watchGc() {
        GcWatch.start(Main::adviseAndExit);
    }

    /** The subcommands, in the order the usage lists them (then {@code help}). */
    static final Class<?>[] SUBCOMMANDS = {AnalyzeCommand.class, ReportCommand.class, MapsCommand.class,
        TopCommand.class, PathCommand.class, HistogramCommand.class, InfoCommand.class, CaptureCommand.class,
        GrowthCommand.class, TriageCommand.class, DemoCommand.class};
    /** Their names, as their {@code @Command} annotations give them (CliTest keeps the two equal). */
    static final String[] NAMES = {"analyze", "report", "maps", "top", "path", "histogram", "info", "capture",
        "growth", "triage", "demo"};

    /**
     * The command line for {@code args}: with only the subcommand they name when their first word is one, else with
     * every subcommand and {@code help}. picocli builds a subcommand's model by reflection over its annotations when
     * it is added, and loads its classes from the jar (picocli's own are too old a class version for the launcher's
     * class archive): building all eleven took 0.05-0.07 s more of every start than building the one a run uses.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        int only = args.length > 0 ? java.util.Arrays.asList(NAMES).indexOf(args[0]) : -1;
        for (int i = 0; i < SUBCOMMANDS.length; i++) {
            if (only < 0 || i == only) {
                cl.addSubcommand(SUBCOMMANDS[i]);
            }
        }
        if (only < 0) {
            cl.addSubcommand(CommandLine.HelpCommand.class);
        }
        return cl;
    }

    /** Runs mapleak with the given streams and returns the exit code (used by tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(args); // subcommands first: the settings below reach those added before them
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(Main::handle);
        ADVISED.set(false); // a new run (tests run several in one JVM)
        debugRequested = java.util.Arrays.asList(args).contains("--debug");
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // Threads beside this one may still hold the heap: the message is made before, and the reserve freed
            // now leaves room to print it (unless a thread that ran out first has, and is ending the JVM).
            if (firstToAdvise()) {
                err.println(outOfMemoryAdvice());
                err.flush();
            }
            return ExitCodes.INTERNAL;
        } catch (InternalError e) {
            // A write to a memory-mapped temp file the disk had no room for arrives as a fault in the JVM.
            if (String.valueOf(e.getMessage()).contains("unsafe memory access")) {
                err.println(TEMP_FULL + " (" + e.getMessage() + ")");
                return ExitCodes.INTERNAL;
            }
            throw e;
        } finally {
            // print() does not flush an auto-flushing PrintWriter: what a command printed last must not be lost
            out.flush();
            err.flush();
        }
    }

    private static final String TEMP_FULL = "mapleak: the temp directory is full; free space there or point"
            + " --temp-dir at a disk with room (or raise --memory to keep more in memory)";

    /**
     * The advice after an OutOfMemoryError: a heap larger than the one that failed and, when the run kept columns on
     * the heap ({@code columnsOnHeap}), {@code --memory 0}, which keeps every column in temp files (the default
     * already for dumps of {@link ColumnStore#LARGE_DUMP_BYTES} and more, where the heap holds the rest of the
     * analysis: decoded maps, findings, reports).
     */
    static String outOfMemory(long maxHeap, boolean columnsOnHeap) {
        long mb = maxHeap >> 20;
        long suggestGb = Math.max(1, (2 * mb + 1023) / 1024);
        String heap = String.format("mapleak: out of memory with a max heap of %,d MB; give the JVM more "
                + "(MAPLEAK_JAVA_OPTS=-Xmx%dg)", mb, suggestGb);
        if (!columnsOnHeap) {
            return heap + "; no column of the index was on the heap, so a lower --memory would not help";
        }
        return heap + String.format(", or keep every column of the index in temp files with --memory 0 (the"
                + " default for dumps of %d MB and more)", ColumnStore.LARGE_DUMP_BYTES >> 20);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: start with 'mapleak analyze "
                + "DUMP' (ranked leak suspects with fixes); 'mapleak help' lists every command");
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof UsageError u) {
            err.println("mapleak: " + u.getMessage());
            return ExitCodes.USAGE;
        }
        if (e instanceof io.mapleak.report.OutputException o) {
            err.println("mapleak: " + o.getMessage());
            if (debug(parsed)) {
                e.printStackTrace(err);
            }
            return ExitCodes.OUTPUT;
        }
        Throwable cause = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        if (cause instanceof TempSpaceException t) {
            err.println("mapleak: " + t.getMessage() + "; point --temp-dir at a directory with room, or raise"
                    + " --memory");
            return ExitCodes.INTERNAL;
        }
        if (cause instanceof IOException io && String.valueOf(io.getMessage()).contains("No space left on device")) {
            err.println(TEMP_FULL + " (" + io.getMessage() + ")");
            return ExitCodes.INTERNAL;
        }
        if (e instanceof io.mapleak.heap.DamagedDumpException d) {
            err.println("mapleak: the dump is damaged: " + d.getCause().getMessage());
            if (debug(parsed)) {
                e.printStackTrace(err);
            }
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof HprofFormatException f) {
            err.println("mapleak: " + f.describe());
            return ExitCodes.BAD_INPUT;
        }
        if (e instanceof IOException io) {
            err.println("mapleak: cannot read the input: " + io.getMessage());
            if (debug(parsed)) {
                e.printStackTrace(err);
            }
            return ExitCodes.BAD_INPUT;
        }
        err.println("mapleak: internal error: " + e + (debug(parsed) ? "" : " (run with --debug for the stack trace)"));
        if (debug(parsed)) {
            e.printStackTrace(err);
        }
        return ExitCodes.INTERNAL;
    }

    private static boolean debug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    /** The version from the jar's manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mapleak " + version()};
        }
    }

    static String version() {
        return io.mapleak.analysis.Version.get();
    }
}
