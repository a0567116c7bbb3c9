package io.mapleak.report;

import io.mapleak.analysis.AnalysisResult;
import io.mapleak.detect.Severity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The analyze report as terminal text: one line about the dump, then per suspect its title, its one-sentence
 * summary, owner path, numbers, the one fix and the finding kinds, with nested suspects under their parent; then the
 * large holders that are not suspects. Every string from the dump goes through {@link #safe} (no terminal escape
 * sequences).
 */
public final class TerminalReport {
    private TerminalReport() {
    }

    /** Prints {@code top} ranked suspects (nested ones with their parent) and a line about the rest. */
    public static void print(PrintWriter out, AnalysisResult r, int top) {
        AnalysisResult.Dump d = r.dump();
        int[] bySeverity = new int[Severity.values().length];
        int all = 0;
        for (AnalysisResult.Suspect s : r.suspects()) {
            for (AnalysisResult.Suspect x : s.andNested()) {
                bySeverity[x.severity().ordinal()]++;
                all++;
            }
        }
        String name = d.file() == null ? "dump" : Path.of(d.file()).getFileName().toString();
        // the counts add up to the suspects (nested ones included); low ones named when there are any
        int low = bySeverity[Severity.LOW.ordinal()];
        out.printf(Locale.ROOT, "%s: %s live in %s; %s; %s (%d high, %d medium%s); %.1f s%n", safe(name),
                bytes(d.liveBytes()), Words.count(d.liveObjects(), "object", "objects"),
                Words.count(r.mapCount(), "map", "maps"), Words.count(all, "suspect", "suspects"),
                bySeverity[Severity.HIGH.ordinal()], bySeverity[Severity.MEDIUM.ordinal()],
                low > 0 ? ", " + low + " low" : "", r.seconds());
        if (d.truncation() != null) {
            out.printf(Locale.ROOT, "The dump is truncated: %s read in %s before the cut; %s point past it.%n",
                    bytes(d.truncation().heapBytesRead()), Words.count(d.truncation().objectsRead(), "object",
                            "objects"), Words.count(d.truncation().referencesToMissingObjects(), "reference",
                            "references"));
        }
        int n = Math.min(top, r.suspects().size());
        for (int i = 0; i < n; i++) {
            AnalysisResult.Suspect s = r.suspects().get(i);
            out.println();
            suspect(out, s, "#" + s.rank(), "   ");
            for (AnalysisResult.Suspect nested : s.nested()) {
                out.println();
                suspect(out, nested, "   inside #" + s.rank() + ":", "      ");
            }
        }
        int more = r.suspects().size() - n;
        if (more > 0) {
            out.printf(Locale.ROOT, "%n(%s more; --top N prints more, the JSON report has all)%n",
                    Words.count(more, "suspect", "suspects"));
        }
        if (r.suspects().isEmpty()) {
            out.println("No map shows a leak, waste or damage beyond the thresholds "
                    + "(mapleak analyze --list-thresholds shows them).");
        }
        if (!r.largestHolders().isEmpty()) {
            out.println();
            out.println("Large holders, not suspects (nothing wrong found about them):");
            for (AnalysisResult.Holder h : r.largestHolders().subList(0, Math.min(3, r.largestHolders().size()))) {
                out.printf(Locale.ROOT, "   %s retained in %s by %s%s%n", bytes(h.retainedBytes()),
                        Words.count(h.entries(), "entry", "entries"), safe(h.owner()),
                        h.note().isEmpty() ? "" : " (" + safe(h.note()) + ")");
            }
        }
        if (d.unreachable() != null && d.unreachable().objects() > 0) {
            out.printf(Locale.ROOT, "%nThe dump also holds %s in %s no GC root reaches (garbage it kept, or "
                    + "objects held only through java.lang.Class fields such as reflection caches, which HPROF does "
                    + "not record); they are not analysed.%n", bytes(d.unreachable().bytes()),
                    Words.count(d.unreachable().objects(), "object", "objects"));
        }
    }

    private static void suspect(PrintWriter out, AnalysisResult.Suspect s, String label, String indent) {
        out.printf("%s %s  %s%n", label, s.severity().word().toUpperCase(Locale.ROOT), safe(s.title()));
        out.printf("%s%s%n", indent, safe(s.summary()));
        out.printf("%sowner   %s%n", indent, safe(s.owner().path().isEmpty() ? s.owner().label()
                : String.join(" ", s.owner().path())));
        List<String> numbers = new ArrayList<>();
        numbers.add(bytes(s.retainedBytes()) + " retained");
        if (s.wastedBytes() > 0) {
            numbers.add(bytes(s.wastedBytes()) + " wasted");
        }
        numbers.add(Words.count(s.mapCount(), "map", "maps"));
        if (s.entries() > 0) {
            numbers.add(Words.count(s.entries(), "entry", "entries"));
        }
        out.printf("%snumbers %s%n", indent, String.join(", ", numbers));
        if (s.known() != null) {
            out.printf("%sknown   %s%s%n", indent, safe(s.known().what()), s.known().library().isEmpty() ? ""
                    : " (" + safe(s.known().library()) + ")");
        }
        out.printf("%sfix     %s%n", indent, safe(s.fix().text()));
        out.printf("%sfound   %s%n", indent, String.join(", ", s.findings().stream()
                .map(AnalysisResult.Finding::kind).distinct().toList()));
    }

    static String bytes(long b) {
        return io.mapleak.heap.ByteCounts.format(b);
    }

    /** A string from the dump made safe for a terminal: control characters (escape sequences) shown as '?'. */
    public static String safe(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) {
                if (b == null) {
                    b = new StringBuilder(s.substring(0, i));
                }
                b.append('?');
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
