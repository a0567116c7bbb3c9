package io.mapleak.cli;

import io.mapleak.heap.Histogram;
import io.mapleak.heap.HistogramBuilder;
import io.mapleak.hprof.DumpFile;
import io.mapleak.report.JsonReports;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mapleak histogram}: instances and shallow bytes per class, in one streaming pass. */
@Command(name = "histogram", mixinStandardHelpOptions = true,
        description = {"Instances and shallow bytes per class, as the JVM's own class histogram "
                + "(jcmd PID GC.class_histogram) counts them. One streaming pass; no index is built."})
final class HistogramCommand implements Callable<Integer> {
    @Mixin
    DumpOptions dump;

    @Option(names = "--top", paramLabel = "N", defaultValue = "30", converter = Counts.NonNegative.class,
            description = "Show the N classes with the most bytes (0: all; default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the histogram as JSON to FILE.")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DumpFile file = DumpFile.open(dump.dump);
        Histogram h;
        try (Progress p = Progress.bytes("Reading", file.fileBytes())) { // compressed bytes for gzip
            h = HistogramBuilder.build(file, dump.readOptions().withProgress(p.consumer()));
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Text.warnings(err, h.facts().warnings());
        out.printf("%s: %,d objects, %s in %,d classes; layout: %s%n", file.path().getFileName(), h.objects(),
                Text.bytes(h.heapBytes()), h.rows().size(), h.facts().layout().describe());
        int n = top <= 0 ? h.rows().size() : Math.min(top, h.rows().size());
        out.printf("%5s %14s %16s %6s  %s%n", "#", "instances", "bytes", "%", "class");
        for (int i = 0; i < n; i++) {
            Histogram.Row r = h.rows().get(i);
            out.printf("%5d %,14d %,16d %5.1f%%  %s%n", i + 1, r.instances(), r.shallowBytes(),
                    h.heapBytes() == 0 ? 0.0 : 100.0 * r.shallowBytes() / h.heapBytes(), Text.safe(r.name()));
        }
        if (n < h.rows().size()) {
            out.printf("%5s (%,d more classes; --top 0 shows all)%n", "", h.rows().size() - n);
        }
        if (json != null) {
            JsonReports.writeHistogram(json, file, h);
        }
        return ExitCodes.OK;
    }
}
