package io.mapleak.report;

import io.mapleak.growth.GrowthResult;
import io.mapleak.growth.GrowthResult.ClassGrowth;
import io.mapleak.growth.GrowthResult.MapGrowth;
import io.mapleak.growth.Trend;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The growth report as terminal text: the inputs in time order, the live heap's pace, then the maps that changed
 * (growing and new first, then shrinking and gone; stable ones counted), then the classes whose instance counts
 * grow fastest. Strings from the dumps go through {@link TerminalReport#safe}.
 */
public final class GrowthText {
    /** Classes listed. */
    static final int CLASSES = 10;

    private GrowthText() {
    }

    /** Prints the report; at most {@code top} maps are listed (the JSON has all). */
    public static void print(PrintWriter out, GrowthResult r, int top) {
        int n = r.inputs().size();
        GrowthResult.Input first = r.inputs().get(0);
        GrowthResult.Input last = r.inputs().get(n - 1);
        out.printf(Locale.ROOT, "%d inputs over %s, %s to %s%n", n, GrowthFormat.duration(last.minutes()),
                GrowthFormat.time(first.timestamp()), GrowthFormat.time(last.timestamp()));
        for (int i = 0; i < n; i++) {
            GrowthResult.Input in = r.inputs().get(i);
            out.printf(Locale.ROOT, "  %d  %-7s %s  live %-9s %s%n", i + 1, in.kind(), GrowthFormat.time(in.timestamp()),
                    GrowthFormat.bytes(in.liveBytes()), TerminalReport.safe(in.file()));
        }
        GrowthResult.Heap h = r.heap();
        out.printf(Locale.ROOT, "Live heap %s, %s; max heap %s%s%n",
                GrowthFormat.series(h.liveBytes(), GrowthFormat::bytes), GrowthFormat.bytesPerMinute(h.bytesPerMinute()),
                h.maxHeapBytes() > 0 ? GrowthFormat.bytes(h.maxHeapBytes()) : "not known",
                h.heapFullInMinutes() != null ? ": full in " + GrowthFormat.duration(h.heapFullInMinutes())
                        + " at that pace" : "");

        out.println();
        StringBuilder counts = new StringBuilder();
        r.trends().forEach((trend, c) -> counts.append(counts.length() == 0 ? "" : ", ").append(c).append(' ')
                .append(trend));
        out.printf(Locale.ROOT, "Maps followed: %d (%s)%n", r.maps().size(), counts);
        int shown = 0;
        int changed = 0;
        for (MapGrowth m : r.maps()) {
            if (m.trend() == Trend.STABLE) {
                continue;
            }
            changed++;
            if (shown < top) {
                map(out, m);
                shown++;
            }
        }
        if (changed > shown) {
            out.printf(Locale.ROOT, "  (%d more that changed; --top N lists more, the JSON has all)%n", changed - shown);
        }
        if (changed == 0) {
            out.println("  No map grew, shrank, appeared or went beyond the thresholds (--list-thresholds).");
        }
        int stable = r.trends().getOrDefault(Trend.STABLE.word(), 0);
        if (stable > 0) {
            out.printf(Locale.ROOT, "  %d stable (in the JSON and HTML reports)%n", stable);
        }

        out.println();
        int growing = 0;
        for (ClassGrowth c : r.classes()) {
            if (c.trend() != Trend.GROWING) {
                break;
            }
            if (growing == 0) {
                out.println("Classes whose instance counts grow fastest:");
            }
            if (growing++ < CLASSES) {
                out.printf(Locale.ROOT, "  %-16s %s  (%s)  %s%n", GrowthFormat.perMinute(c.instancesPerMinute()),
                        GrowthFormat.series(c.instances(), GrowthFormat::count),
                        GrowthFormat.bytesPerMinute(c.bytesPerMinute()), TerminalReport.safe(c.name()));
            }
        }
        if (growing > CLASSES) {
            out.printf(Locale.ROOT, "  (%d more growing classes in the JSON)%n", growing - CLASSES);
        }
        if (growing == 0) {
            out.println(r.classTrends().values().stream().mapToInt(Integer::intValue).sum() == 0
                    ? "Classes are not compared (see the warnings)."
                    : "No class's instance count grows beyond the thresholds.");
        }
    }

    private static void map(PrintWriter out, MapGrowth m) {
        String cls = m.mapCount() > 1 ? m.className() + " × " + m.mapCount() : m.className();
        out.printf(Locale.ROOT, "  %-9s %s  (%s)%n", m.trend().word(), TerminalReport.safe(m.owner().label()),
                TerminalReport.safe(cls));
        out.printf(Locale.ROOT, "            entries %s; retained %s%n", GrowthFormat.series(m.sizes(),
                GrowthFormat::count), GrowthFormat.series(m.retainedBytes(), GrowthFormat::bytes));
        if (m.trend() == Trend.GROWING) {
            out.printf(Locale.ROOT, "            %s, %s%s%n", GrowthFormat.perMinute(m.entriesPerMinute(), "entries"),
                    GrowthFormat.bytesPerMinute(m.bytesPerMinute()), m.heapFullInMinutes() == null ? ""
                            : "; alone at this pace it fills the heap in "
                                    + GrowthFormat.duration(m.heapFullInMinutes()));
        }
        if (!m.owner().path().isEmpty()) {
            out.printf(Locale.ROOT, "            path    %s%n", TerminalReport.safe(String.join(" ", m.owner().path())));
        }
    }
}
