package io.mapleak.cli;

import io.mapleak.analysis.Analysis;
import io.mapleak.analysis.AnalysisListener;
import io.mapleak.analysis.AnalysisOptions;
import io.mapleak.analysis.AnalysisResult;
import io.mapleak.growth.Growth;
import io.mapleak.growth.GrowthGate;
import io.mapleak.growth.GrowthInput;
import io.mapleak.growth.GrowthOptions;
import io.mapleak.growth.GrowthResult;
import io.mapleak.growth.GrowthThresholds;
import io.mapleak.report.GrowthHtml;
import io.mapleak.report.GrowthJson;
import io.mapleak.report.GrowthText;
import io.mapleak.report.ReportFormatException;
import io.mapleak.report.ResultJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mapleak growth}: which maps grow between dumps of one process, how fast, and when the heap would be full;
 * from the dumps themselves or their analyze reports, mixed. Reads and analyses the inputs one at a time (a dump
 * costs one analysis, a report a JSON read); the comparison itself is {@link Growth}.
 */
@Command(name = "growth", mixinStandardHelpOptions = true,
        description = {"Compares dumps of one process taken over time, or their analyze JSON reports (mixed): each "
                + "map's entries and retained bytes per input, matched by owner path; its trend (growing, stable, "
                + "shrinking, new, gone), entries and bytes per minute, and when the heap would be full at that "
                + "pace; then the classes whose instance counts grow fastest. --fail-on growing is a soak-test gate."})
final class GrowthCommand implements Callable<Integer> {
    /** How an analyze report embedded in its HTML page starts. */
    static final String EMBEDDED_REPORT = "<script type=\"application/json\" id=\"mapleak-report\">";

    @Parameters(paramLabel = "INPUT", arity = "0..*",
            description = "Two or more heap dumps (.hprof, .hprof.gz) or analyze reports (JSON, or the HTML page "
                    + "that embeds it) of one process, in any order: they are put in the order they were taken.")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Write the growth report as JSON to FILE.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Write the growth report as one self-contained HTML page (a small chart per map).")
    Path html;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
            description = "Maps that changed to print (default: ${DEFAULT-VALUE}; the JSON has all).")
    int top;

    @Option(names = "--fail-on", paramLabel = "growing", converter = FailOnConverter.class,
            description = "Exit with code 1 if a map grows at --fail-rate or faster: a soak-test gate.")
    String failOn;

    @Option(names = "--fail-rate", paramLabel = "RATE",
            description = "With --fail-on growing: the rate that fails, in retained bytes (1MB/h, 512KB/min) or "
                    + "entries (1000/min, 5/s). Default: " + GrowthGate.DEFAULT_RATE + ".")
    String failRate;

    @Option(names = "--max-heap", paramLabel = "SIZE", converter = ByteSize.class,
            description = "The max heap 'full' means (e.g. 4g), when the dumps do not tell it or tell it wrong.")
    Long maxHeap;

    @Option(names = "--threshold", paramLabel = "NAME=VALUE",
            description = "Change a trend threshold (repeatable; --list-thresholds shows them).")
    List<String> thresholds = new ArrayList<>();

    @Option(names = "--list-thresholds", description = "Print the trend thresholds with their values and reasons, "
            + "then exit.")
    boolean listThresholds;

    @Option(names = "--save-reports", paramLabel = "DIR",
            description = "Also write each dump's analyze report to DIR/NAME.json, so that the next comparison can "
                    + "use the reports instead of the dumps.")
    Path saveReports;

    @Option(names = "--redact", description = "Analyse dumps with --redact (for --save-reports; the growth report "
            + "holds no key or value text anyway).")
    boolean redact;

    @Option(names = "--debug", description = "On an internal error, print the stack trace.")
    boolean debug;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        GrowthThresholds t = new GrowthThresholds();
        try {
            for (String a : thresholds) {
                t.set(a);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, "--threshold: " + e.getMessage());
        }
        if (listThresholds) {
            out.print(t.describe());
            return ExitCodes.OK;
        }
        if (inputs.size() < 2) {
            throw new CommandLine.ParameterException(cl, "growth compares at least two inputs (dumps or analyze "
                    + "reports of one process), not " + inputs.size());
        }
        if (top < 0) {
            throw new CommandLine.ParameterException(cl, "--top takes a number from 0, not " + top);
        }
        if (maxHeap != null && maxHeap <= 0) {
            throw new CommandLine.ParameterException(cl, "--max-heap takes a size above 0 (e.g. 4g)");
        }
        if (failRate != null && failOn == null) {
            throw new CommandLine.ParameterException(cl, "--fail-rate is the rate of --fail-on growing; give both");
        }
        GrowthGate gate = null;
        if (failOn != null) {
            try {
                gate = GrowthGate.parse(failRate != null ? failRate : GrowthGate.DEFAULT_RATE);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--fail-rate: " + e.getMessage());
            }
        }

        for (Path p : inputs) {
            checkReadable(p);
        }
        String twice = givenTwice();
        if (twice != null) {
            err.println("mapleak: " + twice);
            return ExitCodes.USAGE;
        }
        // Reports first (a JSON read each), so that a dump given twice, or with its own report, is caught before
        // minutes of analysis.
        Sniffed[] kinds = new Sniffed[inputs.size()];
        GrowthInput[] loaded = new GrowthInput[inputs.size()];
        String[] stamps = new String[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            Path p = inputs.get(i);
            kinds[i] = sniff(p);
            if (kinds[i] == Sniffed.DUMP) {
                stamps[i] = dumpStamp(p);
            } else {
                loaded[i] = new GrowthInput(p, GrowthInput.Kind.REPORT, i + 1, kinds[i] == Sniffed.JSON
                        ? ResultJson.read(p) : embedded(p));
                AnalysisResult.Dump d = loaded[i].result().dump();
                stamps[i] = d.timestamp() + " " + d.fileBytes();
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            for (int j = i + 1; j < inputs.size(); j++) {
                if (stamps[i] != null && stamps[i].equals(stamps[j])) {
                    err.printf("mapleak: %s and %s are the same dump (taken %s): give each dump once, as a dump or "
                            + "as its report%n", inputs.get(i), inputs.get(j), stamps[i].split(" ")[0]);
                    return ExitCodes.USAGE;
                }
            }
        }
        AnalysisOptions options = AnalysisOptions.defaults().withRedact(redact);
        for (int i = 0; i < inputs.size(); i++) {
            if (kinds[i] == Sniffed.DUMP) {
                Path p = inputs.get(i);
                AnalysisResult r = Analysis.run(p, options, new Numbered(i + 1, inputs.size()));
                if (saveReports != null) {
                    ResultJson.write(saveReports.resolve(ReportOutputs.reportName(p) + ".json"), r);
                }
                loaded[i] = new GrowthInput(p, GrowthInput.Kind.DUMP, i + 1, r);
            }
        }
        String same = Growth.sameDump(List.of(loaded));
        if (same != null) {
            err.println("mapleak: " + same);
            return ExitCodes.USAGE;
        }
        GrowthResult result = Growth.compare(List.of(loaded), new GrowthOptions(t, maxHeap == null ? -1 : maxHeap));

        GrowthText.print(out, result, top);
        Text.warnings(err, result.warnings());
        if (json != null) {
            GrowthJson.write(json, result);
        }
        if (html != null) {
            GrowthHtml.write(html, GrowthHtml.render(result));
            out.printf("%nHTML report: %s%n", html.toAbsolutePath().normalize());
        }
        if (gate != null) {
            List<GrowthResult.MapGrowth> met = gate.met(result);
            if (!met.isEmpty()) {
                GrowthResult.MapGrowth m = met.get(0);
                err.printf(Locale.ROOT, "mapleak: --fail-on growing: %d map%s grow%s at %s or faster; the fastest: "
                        + "%s (%s)%n", met.size(), met.size() == 1 ? "" : "s", met.size() == 1 ? "s" : "",
                        gate.text(), Text.safe(m.owner().label()), rate(m, gate));
                return ExitCodes.GATE_MET;
            }
        }
        return ExitCodes.OK;
    }

    private static String rate(GrowthResult.MapGrowth m, GrowthGate gate) {
        if (gate.bytes()) {
            return m.bytesPerMinute() == null ? "rate not measurable" : Text.bytes(m.bytesPerMinute()) + "/min";
        }
        return m.entriesPerMinute() == null ? "rate not measurable"
                : String.format(Locale.ROOT, "%,.1f entries/min", m.entriesPerMinute());
    }

    /** A missing file or a directory is unreadable input: one line, exit 3 (by Main's handler). */
    private static void checkReadable(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            throw new IOException(p + ": a directory, not a dump or a report (give the files in it, e.g. "
                    + p.resolve("*.hprof") + ")");
        }
        if (!Files.exists(p)) {
            throw new IOException(p + ": no such file");
        }
        if (!Files.isReadable(p)) {
            throw new IOException(p + ": permission denied");
        }
    }

    /** A sentence naming a file given twice, or null. */
    private String givenTwice() throws IOException {
        for (int i = 0; i < inputs.size(); i++) {
            for (int j = i + 1; j < inputs.size(); j++) {
                if (Files.isSameFile(inputs.get(i), inputs.get(j))) {
                    return inputs.get(j) + " is given twice (inputs " + (i + 1) + " and " + (j + 1) + "): give each "
                            + "dump once";
                }
            }
        }
        return null;
    }

    /**
     * A plain dump's timestamp (as the analysis writes it) and file size, from its header: what its report's
     * {@code dump.timestamp} and {@code dump.fileBytes} would say. Null for a gzipped dump (its header is inside).
     */
    private static String dumpStamp(Path p) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(p)) {
            head = in.readNBytes(64);
        }
        int zero = 0;
        while (zero < head.length && head[zero] != 0) {
            zero++;
        }
        if (head.length < 2 || (head[0] & 0xFF) == 0x1F || zero + 13 > head.length) {
            return null;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(head, zero + 5, 8); // after the NUL and the id size
        long millis = ((b.getInt() & 0xFFFF_FFFFL) << 32) | (b.getInt() & 0xFFFF_FFFFL);
        return java.time.Instant.ofEpochMilli(millis) + " " + Files.size(p);
    }

    private enum Sniffed { DUMP, JSON, HTML }

    /** What a file is, from its first bytes: HPROF (or gzip), JSON, or HTML. */
    private static Sniffed sniff(Path p) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(p)) {
            head = in.readNBytes(256);
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (text.startsWith("JAVA PROFILE") || (head.length >= 2 && (head[0] & 0xFF) == 0x1F
                && (head[1] & 0xFF) == 0x8B)) {
            return Sniffed.DUMP;
        }
        String start = text.replaceFirst("^(\u00EF\u00BB\u00BF)?\\s*", "");
        if (start.startsWith("{")) {
            return Sniffed.JSON;
        }
        if (start.startsWith("<")) {
            return Sniffed.HTML;
        }
        throw new ReportFormatException(p, head.length == 0 ? "empty" : "neither a heap dump (HPROF) nor a mapleak "
                + "analyze report (JSON)");
    }

    /** The analyze report embedded in an HTML report. */
    private static AnalysisResult embedded(Path p) throws IOException {
        String page = Files.readString(p, StandardCharsets.UTF_8);
        int start = page.indexOf(EMBEDDED_REPORT);
        if (start < 0) {
            throw new ReportFormatException(p, page.contains("id=\"mapleak-growth\"")
                    ? "a growth page, not an analyze report" : "an HTML page without an analyze report in it");
        }
        start += EMBEDDED_REPORT.length();
        int end = page.indexOf("</script>", start);
        try {
            return ResultJson.fromTree(p, ResultJson.mapper().readTree(page.substring(start, end < 0 ? page.length()
                    : end)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ReportFormatException(p, "its embedded report is not JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /** Progress of one dump's analysis, its phases named with the input's number ("[2/3] Indexing"). */
    private static final class Numbered implements AnalysisListener {
        private final TerminalListener terminal = new TerminalListener();
        private final String prefix;

        Numbered(int argument, int of) {
            this.prefix = "[" + argument + "/" + of + "] ";
        }

        @Override
        public void phase(String name, long total) {
            terminal.phase(prefix + name, total);
        }

        @Override
        public void progress(long done) {
            terminal.progress(done);
        }

        @Override
        public void phaseDone() {
            terminal.phaseDone();
        }
    }

    /** Accepts {@code growing}, the one condition growth gates on. */
    static final class FailOnConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!"growing".equals(value.trim().toLowerCase(Locale.ROOT))) {
                throw new CommandLine.TypeConversionException("takes growing, not '" + value + "'");
            }
            return "growing";
        }
    }
}
