package io.mapleak.cli;

import io.mapleak.hprof.HprofFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mapleak} command: finds the maps that leak memory in JVM heap dumps. */
@Command(name = "mapleak", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Finds the maps that leak memory in JVM heap dumps (HPROF).",
        subcommands = {HistogramCommand.class, InfoCommand.class, TopCommand.class, PathCommand.class, MapsCommand.class, AnalyzeCommand.class, ReportCommand.class, DemoCommand.class, TriageCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 done, 1 a --fail-on gate was met, 2 wrong usage, 3 the input cannot be read "
                + "(not a heap dump, or not a report), 4 internal error, 5 an output cannot be written."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs mapleak with the given streams and returns the exit code (used by tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(Main::handle);
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("mapleak: out of memory; give the JVM more, e.g. MAPLEAK_JAVA_OPTS=-Xmx4g");
            return ExitCodes.INTERNAL;
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command (try: mapleak histogram DUMP)");
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof io.mapleak.report.OutputException o) {
            err.println("mapleak: " + o.getMessage());
            if (debug(parsed)) {
                e.printStackTrace(err);
            }
            return ExitCodes.OUTPUT;
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
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
