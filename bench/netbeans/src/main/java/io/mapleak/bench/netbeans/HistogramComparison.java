package io.mapleak.bench.netbeans;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Puts the JVM's own histogram (the oracle: it knows the real object layout) next to NetBeans' and, when
 * available, mapleak's: totals per tool, then the classes where a tool's bytes differ most from the JVM's.
 */
final class HistogramComparison {

    private final ClassHistogram jvm;
    private final List<ClassHistogram> tools;

    HistogramComparison(ClassHistogram jvm, List<ClassHistogram> tools) {
        this.jvm = jvm;
        this.tools = tools;
    }

    void print(PrintStream out, int top) {
        out.println("Totals (objects, shallow bytes); the JVM histogram is the reference");
        out.printf("  %-9s %8s %14s %16s %10s %10s%n", "tool", "classes", "objects", "bytes", "objects/J", "bytes/J");
        printTotals(out, jvm);
        for (ClassHistogram t : tools) {
            printTotals(out, t);
        }
        for (ClassHistogram t : tools) {
            out.println();
            printAgreement(out, t);
            out.println();
            printLargestDifferences(out, t, top);
        }
    }

    private void printTotals(PrintStream out, ClassHistogram h) {
        out.printf("  %-9s %8d %,14d %,16d %10s %10s%n", h.tool(), h.classCount(), h.totalObjects(), h.totalBytes(),
                ratio(h.totalObjects(), jvm.totalObjects()), ratio(h.totalBytes(), jvm.totalBytes()));
    }

    /** How many of the JVM's classes the tool reports with the same instance count and the same bytes. */
    private void printAgreement(PrintStream out, ClassHistogram t) {
        int sameCount = 0;
        int sameBytes = 0;
        int missing = 0;
        List<ClassHistogram.Row> rows = jvm.rowsByBytes();
        for (ClassHistogram.Row j : rows) {
            if (!t.has(j.name())) {
                missing++;
                continue;
            }
            ClassHistogram.Row r = t.row(j.name());
            if (r.instances() == j.instances()) {
                sameCount++;
                if (r.bytes() == j.bytes()) {
                    sameBytes++;
                }
            }
        }
        int extra = 0;
        for (ClassHistogram.Row r : t.rowsByBytes()) {
            // NetBeans lists every loaded class, also those without instances; the JVM lists only the latter.
            if (r.instances() > 0 && !jvm.has(r.name())) {
                extra++;
            }
        }
        out.printf("%s vs jvm: of %d JVM classes, %d have the same instance count, %d also the same bytes;"
                + " %d missing in %s, %d with instances only in %s%n",
                t.tool(), rows.size(), sameCount, sameBytes, missing, t.tool(), extra, t.tool());
    }

    private void printLargestDifferences(PrintStream out, ClassHistogram t, int top) {
        Set<String> names = new LinkedHashSet<>();
        jvm.rowsByBytes().forEach(r -> names.add(r.name()));
        t.rowsByBytes().forEach(r -> names.add(r.name()));
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(Comparator.comparingLong((String n) -> -Math.abs(t.row(n).bytes() - jvm.row(n).bytes()))
                .thenComparing(n -> n));
        out.printf("The %d classes where %s's bytes differ most from the JVM's%n", top, t.tool());
        out.printf("  %-44s %12s %14s %12s %14s %14s %9s%n", "class", "jvm inst", "jvm bytes", t.tool() + " inst",
                t.tool() + " bytes", "difference", "bytes/J");
        for (String n : sorted.subList(0, Math.min(top, sorted.size()))) {
            ClassHistogram.Row j = jvm.row(n);
            ClassHistogram.Row r = t.row(n);
            out.printf("  %-44s %,12d %,14d %,12d %,14d %+,14d %9s%n", shorten(n, 44), j.instances(), j.bytes(),
                    r.instances(), r.bytes(), r.bytes() - j.bytes(), ratio(r.bytes(), j.bytes()));
        }
    }

    private static String ratio(long value, long reference) {
        return reference == 0 ? "-" : String.format("%.3f", (double) value / reference);
    }

    private static String shorten(String s, int width) {
        return s.length() <= width ? s : "…" + s.substring(s.length() - width + 1);
    }
}
