package io.mapleak.cli;

import io.mapleak.analysis.AnalysisResult;
import io.mapleak.report.ResultJson;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mapleak report}: renders a JSON report of {@code analyze} again, as text, HTML or JSON; no dump needed. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Renders an analyze report (its JSON) again without the dump: the terminal summary, "
                + "--html for the HTML page, --fail-on as a gate. For reports kept after the dump is gone."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "REPORT", description = "A JSON report written by mapleak analyze --json.")
    Path report;

    @Mixin
    ReportOutputs outputs;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AnalysisResult result = ResultJson.read(report);
        return outputs.render(result, ReportOutputs.reportName(report), spec.commandLine().getOut(),
                spec.commandLine().getErr());
    }
}
