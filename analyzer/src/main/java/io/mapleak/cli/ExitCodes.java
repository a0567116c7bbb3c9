package io.mapleak.cli;

/** Exit codes of every command (the report contract). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int GATE_MET = 1;
    public static final int USAGE = 2;
    public static final int BAD_INPUT = 3;
    public static final int INTERNAL = 4;

    private ExitCodes() {
    }
}
