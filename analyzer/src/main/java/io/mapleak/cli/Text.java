package io.mapleak.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Terminal formatting shared by the commands. */
final class Text {
    /** Warnings beyond this many are summarised in one line, so a corrupt dump cannot flood the terminal. */
    private static final int MAX_WARNINGS = 12;

    private Text() {
    }

    static String bytes(long b) {
        return io.mapleak.heap.ByteCounts.format(b);
    }

    /** A string from the dump made safe for a terminal: control characters (escape sequences) shown as '?'. */
    static String safe(String s) {
        return io.mapleak.report.TerminalReport.safe(s);
    }

    static void warnings(PrintWriter err, List<String> warnings) {
        int n = Math.min(MAX_WARNINGS, warnings.size());
        for (int i = 0; i < n; i++) {
            err.println("warning: " + safe(warnings.get(i)));
        }
        if (warnings.size() > n) {
            err.printf("warning: ... and %,d more warnings (in the JSON report)%n", warnings.size() - n);
        }
    }
}
