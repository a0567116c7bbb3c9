package io.mapleak.cli;

import io.mapleak.detect.DetectContext;
import io.mapleak.detect.Detectors;
import io.mapleak.detect.Finding;
import io.mapleak.detect.Thresholds;
import io.mapleak.heap.PhaseTimer;
import io.mapleak.maps.MapCatalog;
import io.mapleak.maps.MapView;
import io.mapleak.maps.UserMapSpecs;
import io.mapleak.rank.Ranker;
import io.mapleak.rank.Suspect;
import io.mapleak.report.AnalysisReport;
import io.mapleak.report.Hex;
import io.mapleak.report.HtmlExtras;
import io.mapleak.report.HtmlExtrasCollector;
import io.mapleak.report.HtmlReport;
import io.mapleak.report.JsonReports;
import io.mapleak.graph.StrongPaths;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mapleak analyze}: which maps leak, why, with evidence, ranked, and how to fix each. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Finds the maps that leak or waste memory: ranked suspects, each with the owner path from a "
                + "GC root, the evidence read from the dump, and a concrete fix."})
final class AnalyzeCommand implements Callable<Integer> {
    @Mixin
    DumpOptions dump;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the report as JSON to FILE.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Write the report as one self-contained HTML file (no network, readable without scripts).")
    Path html;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR",
            description = "Write DIR/NAME.html and DIR/NAME.json, NAME being the dump's file name without .hprof or "
                    + ".hprof.gz (--json and --html still name their own files).")
    Path outputDir;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "Suspects to print (default: ${DEFAULT-VALUE}; the JSON has all).")
    int top;

    @Option(names = "--fail-on", paramLabel = "SEVERITY",
            description = "Exit with code 1 if a suspect of this severity or worse exists: high, medium or low.")
    String failOn;

    @Option(names = "--redact", description = "Leave every key and value text out of all output.")
    boolean redact;

    @Option(names = "--threshold", paramLabel = "NAME=VALUE", description = "Change a detector threshold (repeatable; --list-thresholds shows them).")
    List<String> thresholds = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file of thresholds (name=value).")
    Path config;

    @Option(names = "--list-thresholds", description = "Print the thresholds with their values and reasons, then exit.")
    boolean listThresholds;

    @Option(names = "--user-maps", paramLabel = "FILE", description = "Properties file describing your own maps.")
    Path userMaps;

    @Spec
    CommandSpec spec;

    private Map<String, Double> detectorSeconds = Map.of();

    @Override
    public Integer call() throws Exception {
        Thresholds t = thresholds();
        PrintWriter out = spec.commandLine().getOut();
        if (listThresholds) {
            out.print(t.describe());
            return ExitCodes.OK;
        }
        int failRank = failOn == null ? -1 : severityRank(failOn);
        MapCatalog catalog = MapCatalog.standard(userMaps != null ? UserMapSpecs.read(userMaps) : List.of());
        try (Workbench wb = Workbench.open(dump)) {
            PhaseTimer timer = new PhaseTimer();
            List<MapView> views;
            List<Suspect> suspects;
            try (Progress p = Progress.steps("Analysing maps")) {
                wb.paths = StrongPaths.compute(wb.graph);
                timer.lap("strong paths");
                views = catalog.findAll(wb.index, wb.dominators);
                timer.lap("decode maps");
                DetectContext ctx = new DetectContext(wb.index, wb.graph, wb.dominators, wb.paths, catalog, views, t,
                        redact);
                Map<String, Double> perDetector = new LinkedHashMap<>();
                List<Finding> findings = Detectors.run(ctx, perDetector);
                timer.lap("detectors");
                detectorSeconds = perDetector;
                suspects = Ranker.rank(ctx, findings);
                timer.lap("ranking");
            }
            wb.phases.putAll(timer.phases());
            Map<String, Double> detectorTimes = detectorSeconds;
            Text.warnings(spec.commandLine().getErr(), wb.index.facts().warnings());
            printSummary(out, wb, suspects, views.size());
            Path jsonFile = json != null ? json : outputDir != null ? outputDir.resolve(reportName(dump.dump) + ".json")
                    : null;
            Path htmlFile = html != null ? html : outputDir != null ? outputDir.resolve(reportName(dump.dump) + ".html")
                    : null;
            if (jsonFile != null || htmlFile != null) {
                Map<Integer, MapView> byObject = new HashMap<>();
                for (MapView v : views) {
                    byObject.put(v.object(), v);
                }
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("thresholds", t.values());
                extra.put("redacted", redact);
                extra.put("detectorSeconds", detectorTimes);
                Map<String, Object> report = AnalysisReport.build(wb.file, wb.index, wb.dominators, suspects,
                        views.size(), wb.phases, wb.seconds(), extra, o -> mapJson(wb, byObject.get(o), o));
                if (jsonFile != null) {
                    JsonReports.write(jsonFile, report);
                }
                if (htmlFile != null) {
                    HtmlExtras extras = HtmlExtrasCollector.collect(wb.index, wb.dominators, wb.paths, wb.namer, views,
                            suspects, redact);
                    HtmlReport.write(htmlFile, HtmlReport.render(report, extras));
                    out.printf("%nHTML report: %s%n", htmlFile.toAbsolutePath().normalize());
                }
            }
            if (failRank >= 0) {
                for (Suspect s : suspects) {
                    if (severityRank(s.severity()) >= failRank) {
                        spec.commandLine().getErr().printf("mapleak: --fail-on %s: suspect #%d is %s%n", failOn,
                                s.rank(), s.severity());
                        return ExitCodes.GATE_MET;
                    }
                }
            }
        }
        return ExitCodes.OK;
    }

    /** The name -o gives the reports: the dump's file name without .hprof, .hprof.gz or .gz. */
    static String reportName(Path dumpFile) {
        String name = dumpFile.getFileName().toString();
        for (String suffix : new String[] {".hprof.gz", ".hprof", ".gz"}) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private Thresholds thresholds() throws Exception {
        Thresholds t = new Thresholds();
        try {
            if (config != null) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                for (String k : p.stringPropertyNames()) {
                    t.set(k + "=" + p.getProperty(k));
                }
            }
            for (String a : thresholds) {
                t.set(a);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return t;
    }

    private int severityRank(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "low": return 0;
            case "medium": return 1;
            case "high": return 2;
            default:
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--fail-on takes high, medium or low, not '" + s + "'");
        }
    }

    private static Map<String, Object> mapJson(Workbench wb, MapView v, int object) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("objectId", Hex.id(wb.index.id(object)));
        m.put("className", wb.index.classOf(object).name());
        m.put("kind", v != null ? v.kind().json() : null);
        m.put("size", v != null ? v.size() : null);
        m.put("capacity", v != null ? v.capacity() : null);
        m.put("retainedBytes", wb.dominators.retainedSize(object));
        return m;
    }

    private void printSummary(PrintWriter out, Workbench wb, List<Suspect> suspects, int maps) {
        long high = suspects.stream().filter(s -> s.severity().equals("high")).count();
        long medium = suspects.stream().filter(s -> s.severity().equals("medium")).count();
        out.printf("%s: %s live in %,d objects; %,d maps; %d suspects (%d high, %d medium); %.1f s%n",
                wb.file.path().getFileName(), Text.bytes(wb.dominators.reachableBytes()),
                wb.dominators.reachableObjects(), maps, suspects.size(), high, medium, wb.seconds());
        int n = Math.min(top, suspects.size());
        for (int i = 0; i < n; i++) {
            Suspect s = suspects.get(i);
            out.println();
            out.printf("#%d %s  %s%n", s.rank(), s.severity().toUpperCase(Locale.ROOT), Text.safe(s.title()));
            out.printf("   %s%n", Text.safe(s.summary()));
            out.printf("   owner   %s%n", Text.safe(s.ownerPath().isEmpty() ? s.ownerLabel()
                    : String.join(" ", s.ownerPath())));
            out.printf("   numbers %s retained%s, %,d map%s%s%n", Text.bytes(s.retainedBytes()),
                    s.wastedBytes() > 0 ? ", " + Text.bytes(s.wastedBytes()) + " wasted" : "", s.mapCount(),
                    s.mapCount() == 1 ? "" : "s", entries(s));
            out.printf("   found   %s%n", String.join(", ", s.findings().stream().map(Finding::kind).distinct().toList()));
            out.printf("   fix     %s%n", Text.safe(s.findings().stream().max((a, b) -> Integer.compare(weight(a),
                    weight(b))).map(Finding::advice).orElse("")));
        }
        if (suspects.size() > n) {
            out.printf("%n(%d more suspects; --top N prints more, --json has all)%n", suspects.size() - n);
        }
        if (suspects.isEmpty()) {
            out.println("No map shows a leak, waste or damage beyond the thresholds (--list-thresholds).");
        }
    }

    private static String entries(Suspect s) {
        for (Finding f : s.findings()) {
            Object e = f.evidence().get("entries");
            if (e != null && s.mapCount() == 1) {
                return String.format(", %,d entries", ((Number) e).longValue());
            }
        }
        return "";
    }

    /** Which finding's advice leads: damage first, then the specific leak patterns, then the rest. */
    private static int weight(Finding f) {
        return switch (f.kind()) {
            case "concurrent-corruption" -> 100;
            case "mutated-keys" -> 90;
            case "weak-map-no-release", "stale-thread-locals" -> 80;
            case "unique-keys" -> 70;
            case "unbounded-cache" -> 65;
            case "unbounded-growth" -> 60;
            case "value-retention" -> 40;
            case "hollow-table", "small-map-overhead" -> 30;
            case "collision-hotspot" -> 20;
            default -> 10;
        };
    }
}
