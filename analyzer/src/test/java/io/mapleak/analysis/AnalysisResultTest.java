package io.mapleak.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.cli.Main;
import io.mapleak.report.ResultJson;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysis as one typed result: what {@code Analysis.run} returns is what the JSON report holds, record for
 * record, and a report rendered again from its JSON ({@code mapleak report}) is the page {@code analyze} wrote.
 */
class AnalysisResultTest {
    @TempDir
    Path dir;

    @Test
    void jsonReportReadsBackIntoTheSameResult() throws Exception {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "session-registry");
        AnalysisResult result = Analysis.run(dump.hprof(), AnalysisOptions.defaults(), AnalysisListener.QUIET);
        assertThat(result.suspects()).isNotEmpty();
        assertThat(result.suspects().get(0).findings()).isNotEmpty();

        Path json = dir.resolve("r.json");
        ResultJson.write(json, result);
        AnalysisResult back = ResultJson.read(json);

        assertThat(back).isEqualTo(result);
        assertThat(back.suspects().get(0).finding("unique-keys").evidence())
                .isInstanceOf(io.mapleak.detect.UniqueKeysEvidence.class);
    }

    /**
     * {@code Analysis.run} on a path decodes maps and computes strong paths in threads beside the dominator tree
     * (on more than one core); on an opened workbench it does both afterwards, in order. The results are the same.
     */
    @Test
    void workDoneBesideTheDominatorTreeGivesTheSameResultAsDoneAfterIt() throws Exception {
        for (String scenario : new String[] {"demo-shop", "library-maps", "map-zoo"}) {
            FixtureDump dump = FixtureDumps.get(Jvm.JDK17, scenario);
            AnalysisResult beside = Analysis.run(dump.hprof(), AnalysisOptions.defaults(), AnalysisListener.QUIET);
            AnalysisResult after;
            try (Workbench wb = Workbench.open(dump.hprof(), AnalysisOptions.defaults().read(),
                    AnalysisListener.QUIET)) {
                after = Analysis.run(wb, AnalysisOptions.defaults(), AnalysisListener.QUIET);
            }
            assertThat(withoutTimings(beside)).as(scenario).isEqualTo(withoutTimings(after));
            assertThat(beside.mapCount()).as(scenario + ": maps decoded").isGreaterThan(10);
            assertThat(beside.phases()).as(scenario).containsKeys("decode maps", "strong paths");
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode withoutTimings(AnalysisResult r) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode)
                ResultJson.mapper().readTree(ResultJson.toJson(r));
        tree.remove(java.util.List.of("seconds", "phases", "detectorSeconds"));
        return tree;
    }

    @Test
    void reportCommandRendersTheSamePageFromTheJsonAlone() throws Exception {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "demo-shop");
        Path json = dir.resolve("a.json");
        Path html = dir.resolve("a.html");
        assertThat(run("analyze", dump.hprof().toString(), "--json", json.toString(), "--html", html.toString()))
                .isZero();
        Path again = dir.resolve("again.html");
        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"report", json.toString(), "--html", again.toString(), "--fail-on", "high"},
                new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));

        assertThat(code).as("the demo's leak is high: the gate holds on a report too").isEqualTo(1);
        assertThat(Files.readString(again, StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(html, StandardCharsets.UTF_8));
        assertThat(out.toString()).contains("#1 HIGH").contains("DemoShop$SessionRegistry.SESSIONS");
    }

    @Test
    void aFileThatIsNotAReportIsUnreadableInputWithOneLine() throws Exception {
        Path notJson = dir.resolve("x.json");
        Files.writeString(notJson, "{\"classes\": []}");
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"report", notJson.toString()}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
        assertThat(code).isEqualTo(3);
        assertThat(err.toString().strip()).isEqualTo("mapleak: cannot read the input: " + notJson
                + ": not a mapleak analyze report (no schemaVersion and suspects)");
    }

    private static int run(String... args) {
        return Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
    }
}
