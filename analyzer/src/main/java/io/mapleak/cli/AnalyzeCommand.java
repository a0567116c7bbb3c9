package io.mapleak.cli;

import io.mapleak.analysis.Analysis;
import io.mapleak.analysis.AnalysisOptions;
import io.mapleak.analysis.AnalysisResult;
import io.mapleak.detect.Thresholds;
import io.mapleak.maps.UserMapSpecs;
import io.mapleak.rank.KnownMaps;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                + "GC root, the evidence read from the dump, and one concrete fix."})
final class AnalyzeCommand implements Callable<Integer> {
    @Mixin
    DumpOptions dump;

    @Mixin
    ReportOutputs outputs;

    @Option(names = "--redact", description = "Leave every key and value text out of all output.")
    boolean redact;

    @Option(names = "--threshold", paramLabel = "NAME=VALUE",
            description = "Change a detector threshold (repeatable; --list-thresholds shows them).")
    List<String> thresholds = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file: thresholds (name=value) and your own known maps (map.ID.class, "
                    + "map.ID.field, map.ID.role, map.ID.what, map.ID.fix; see docs/detectors.md).")
    Path config;

    // help = true: like --help, it needs no DUMP (picocli skips the check for required arguments)
    @SuppressWarnings("deprecation")
    @Option(names = "--list-thresholds", help = true,
            description = "Print the thresholds with their values and reasons, then exit (no DUMP needed).")
    boolean listThresholds;

    @Option(names = "--user-maps", paramLabel = "FILE", description = "Properties file describing your own maps.")
    Path userMaps;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Properties configFile = readConfig();
        Thresholds t = thresholds(configFile);
        PrintWriter out = spec.commandLine().getOut();
        if (listThresholds) {
            out.print(t.describe());
            out.flush();
            return ExitCodes.OK;
        }
        KnownMaps known;
        try {
            known = configFile == null ? KnownMaps.builtIn() : KnownMaps.builtIn().with(configFile, config.toString());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        AnalysisOptions options = new AnalysisOptions(dump.readOptions(), t, redact,
                userMaps != null ? UserMapSpecs.read(userMaps) : List.of(), known);
        AnalysisResult result = Analysis.run(dump.dump, options, new TerminalListener());
        Text.warnings(spec.commandLine().getErr(), result.warnings());
        return outputs.render(result, ReportOutputs.reportName(dump.dump), out, spec.commandLine().getErr());
    }

    /** The --config file, or null; a missing file is a usage error (it is an option's value, not the input). */
    private Properties readConfig() throws IOException {
        if (config == null) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--config: no such file " + config);
        }
        return p;
    }

    private Thresholds thresholds(Properties configFile) {
        Thresholds t = new Thresholds();
        try {
            if (configFile != null) {
                for (String k : configFile.stringPropertyNames()) {
                    if (!k.startsWith("map.")) {
                        t.set(k + "=" + configFile.getProperty(k));
                    }
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
}
