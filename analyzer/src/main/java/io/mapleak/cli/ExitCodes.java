package io.mapleak.cli;

/** Exit codes of every command (the report contract, docs/report-schema.md). */
public final class ExitCodes {
    public static final int OK = 0;
    /** Done, and a {@code --fail-on} gate was met. */
    public static final int GATE_MET = 1;
    /** Wrong usage: an unknown option, a missing argument, a value out of range. */
    public static final int USAGE = 2;
    /** The input (a dump, a report) cannot be read: missing, not HPROF, corrupt beyond recovery. */
    public static final int BAD_INPUT = 3;
    /** An internal error; {@code --debug} prints the stack trace. */
    public static final int INTERNAL = 4;
    /** An output (a report, a directory for it) cannot be written: permission, a full disk, a missing parent. */
    public static final int OUTPUT = 5;

    private ExitCodes() {
    }
}
