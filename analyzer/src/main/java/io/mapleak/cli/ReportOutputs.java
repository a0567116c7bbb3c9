package io.mapleak.cli;

import io.mapleak.analysis.AnalysisResult;
import io.mapleak.detect.Severity;
import io.mapleak.report.HtmlReport;
import io.mapleak.report.ResultJson;
import io.mapleak.report.TerminalReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What {@code analyze} and {@code report} render an analysis into, shared: the terminal text (its first
 * {@code --top} suspects), a JSON file, an HTML file, or both into a directory; and the {@code --fail-on} gate.
 */
final class ReportOutputs {
    @Option(names = "--json", paramLabel = "FILE", description = "Write the report as JSON to FILE.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Write the report as one self-contained HTML file (no network, readable without scripts).")
    Path html;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR",
            description = "Write DIR/NAME.html and DIR/NAME.json, NAME being the input's file name without .hprof, "
                    + ".hprof.gz or .json (--json and --html still name their own files).")
    Path outputDir;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", converter = Counts.NonNegative.class,
            description = "Suspects to print (default: ${DEFAULT-VALUE}; the JSON has all).")
    int top;

    @Option(names = "--fail-on", paramLabel = "SEVERITY", converter = SeverityConverter.class,
            description = "Exit with code 1 if a suspect of this severity or worse exists: high, medium or low.")
    Severity failOn;


    /** Prints the terminal text and writes the files asked for; returns the exit code the gate decides. */
    int render(AnalysisResult result, String inputName, PrintWriter out, PrintWriter err) throws IOException {
        TerminalReport.print(out, result, top);
        Path jsonFile = json != null ? json : outputDir != null ? outputDir.resolve(inputName + ".json") : null;
        Path htmlFile = html != null ? html : outputDir != null ? outputDir.resolve(inputName + ".html") : null;
        if (jsonFile != null) {
            ResultJson.write(jsonFile, result);
        }
        if (htmlFile != null) {
            HtmlReport.write(htmlFile, HtmlReport.render(result));
            out.printf("%nHTML report: %s%n", htmlFile.toAbsolutePath().normalize());
        }
        if (failOn != null) {
            for (AnalysisResult.Suspect top : result.suspects()) {
                for (AnalysisResult.Suspect s : top.andNested()) {
                    if (s.severity().atLeast(failOn)) {
                        err.printf("mapleak: --fail-on %s: suspect #%d is %s%n", failOn.word(), s.rank(),
                                s.severity().word());
                        return ExitCodes.GATE_MET;
                    }
                }
            }
        }
        return ExitCodes.OK;
    }

    /** The name -o gives the reports: the file name without .hprof, .hprof.gz, .gz or .json. */
    static String reportName(Path input) {
        String name = input.getFileName().toString();
        for (String suffix : new String[] {".hprof.gz", ".hprof", ".gz", ".json"}) {
            if (name.endsWith(suffix) && name.length() > suffix.length()) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    /** Parses high, medium or low; anything else is a usage error naming the choices. */
    static final class SeverityConverter implements CommandLine.ITypeConverter<Severity> {
        @Override
        public Severity convert(String value) {
            try {
                return Severity.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("takes high, medium or low, not '" + value + "'");
            }
        }
    }
}
