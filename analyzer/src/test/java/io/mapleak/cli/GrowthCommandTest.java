package io.mapleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mapleak.growth.Growth;
import io.mapleak.growth.GrowthInput;
import io.mapleak.growth.GrowthOptions;
import io.mapleak.growth.GrowthResult;
import io.mapleak.growth.SeriesFixture;
import io.mapleak.report.GrowthJson;
import io.mapleak.report.ResultJson;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mapleak growth} on the command line: over the growth-series fixture's analyze reports (and, where it is
 * the point, its dumps): the terminal text, the JSON contract, the soak-test gate, and one clear line with the
 * documented exit code for every input it cannot use.
 */
class GrowthCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static SeriesFixture series;
    static String[] reports;

    @TempDir
    Path dir;

    @BeforeAll
    static void series() {
        series = SeriesFixture.get();
        reports = series.reports.stream().map(Path::toString).toArray(String[]::new);
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static String[] growth(String... args) {
        List<String> all = new ArrayList<>(List.of("growth"));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    static String[] withReports(String... more) {
        List<String> all = new ArrayList<>(List.of(reports));
        all.addAll(List.of(more));
        return growth(all.toArray(String[]::new));
    }

    @Test
    void overReportsItPrintsTheGrowingMapFirstAndWritesJsonAndHtml() throws IOException {
        Path json = dir.resolve("g.json");
        Path html = dir.resolve("g.html");
        Run r = run(withReports("--json", json.toString(), "--html", html.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        String orders = series.fixture.factString("orders.owner");
        assertThat(r.out()).contains("3 inputs over ").contains("Maps followed: ")
                .contains("growing   " + orders + "  (java.util.HashMap)")
                .contains("entries 20,000 → 40,000 → 60,000; retained ")
                .contains("Classes whose instance counts grow fastest:")
                .contains("HTML report: " + html.toAbsolutePath().normalize());
        assertThat(r.out().indexOf("growing   " + orders)).isLessThan(r.out().indexOf("\n  new "));
        assertThat(Files.readString(html, StandardCharsets.UTF_8)).contains("id=\"mapleak-growth\"");
        // The JSON reads back into exactly what growth computes over these reports.
        List<GrowthInput> inputs = new ArrayList<>();
        for (int i = 0; i < reports.length; i++) {
            inputs.add(new GrowthInput(Path.of(reports[i]), GrowthInput.Kind.REPORT, i + 1,
                    ResultJson.read(Path.of(reports[i]))));
        }
        assertThat(GrowthJson.read(json)).isEqualTo(Growth.compare(inputs, GrowthOptions.defaults()));
    }

    /** The names of shared/design/REPORT-CONTRACT.md's growth report, with their types. */
    @Test
    void theJsonKeepsTheContractsNamesAndShapes() throws IOException {
        Path json = dir.resolve("contract.json");
        assertThat(run(withReports("--json", json.toString())).code()).isZero();
        JsonNode root = JSON.readTree(json.toFile());
        assertThat(fieldNames(root)).startsWith("schemaVersion", "tool", "inputs");
        assertThat(fieldNames(root)).contains("maps", "classes", "warnings");
        assertThat(root.path("schemaVersion").asText()).isEqualTo("1.0");
        assertThat(root.at("/tool/name").asText()).isEqualTo("mapleak");
        assertThat(root.at("/tool/version").isTextual()).isTrue();
        assertThat(root.path("inputs")).hasSize(3);
        for (JsonNode in : root.path("inputs")) {
            assertThat(in.path("file").isTextual()).isTrue();
            assertThat(in.path("kind").asText()).isEqualTo("report");
            assertThat(in.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
            assertThat(in.path("heapBytes").isIntegralNumber()).isTrue();
        }
        JsonNode first = root.at("/maps/0");
        assertThat(first.at("/owner/label").asText()).isEqualTo(series.fixture.factString("orders.owner"));
        assertThat(first.at("/owner/root").asText()).isEqualTo("static-field");
        assertThat(first.at("/owner/path").isArray()).isTrue();
        assertThat(first.path("className").asText()).isEqualTo("java.util.HashMap");
        assertThat(first.path("mapCount").asInt()).isEqualTo(1);
        assertThat(first.path("sizes").toString()).isEqualTo("[20000,40000,60000]");
        assertThat(first.path("retainedBytes")).hasSize(3).allMatch(JsonNode::isIntegralNumber);
        assertThat(first.path("trend").asText()).isEqualTo("growing");
        assertThat(first.path("entriesPerMinute").isNumber()).isTrue();
        assertThat(first.path("bytesPerMinute").isIntegralNumber()).isTrue();
        assertThat(first.path("heapFullIn").asText()).matches("PT(\\d+H)?(\\d+M)?(\\d+S)?");
        JsonNode scratch = null;
        for (JsonNode m : root.path("maps")) {
            assertThat(m.path("trend").asText()).isIn("growing", "stable", "shrinking", "new", "gone");
            assertThat(m.has("heapFullIn")).isTrue();
            if (m.at("/owner/key").asText().contains("ledger-worker-#")) {
                scratch = m;
            }
        }
        assertThat(scratch).isNotNull();
        assertThat(scratch.path("sizes").toString()).isEqualTo("[null,null,500]");
        assertThat(scratch.path("entriesPerMinute").isNull()).isTrue();
        assertThat(scratch.path("heapFullIn").isNull()).isTrue();
        JsonNode cls = root.at("/classes/0");
        assertThat(cls.path("name").isTextual()).isTrue();
        assertThat(cls.path("instances")).hasSize(3);
        assertThat(cls.path("shallowBytes")).hasSize(3);
        assertThat(root.path("warnings").isArray()).isTrue();
    }

    @Test
    void failOnGrowingIsASoakGateWithADefaultRateThatCanBeSet() {
        Run met = run(withReports("--fail-on", "growing"));
        assertThat(met.code()).isEqualTo(1);
        assertThat(met.err().strip()).startsWith("mapleak: --fail-on growing: 1 map grows at 1MB/h or faster; the "
                + "fastest: " + series.fixture.factString("orders.owner") + " (").doesNotContain("\n");
        assertThat(run(withReports("--fail-on", "growing", "--fail-rate", "10GB/min")).code())
                .as("ORDERS grows by some 100 MB a minute: below 10 GB").isZero();
        assertThat(run(withReports("--fail-on", "growing", "--fail-rate", "100000/min")).code()).isEqualTo(1);
        assertThat(run(withReports("--fail-on", "growing", "--fail-rate", "100000000/min")).code()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--fail-on=shrinking", "--fail-rate=1MB/h", "--top=-1", "--threshold=trend.nope=1",
        "--max-heap=0"})
    void badOptionsAreUsageErrors(String option) {
        Run r = run(withReports(option.split("=", 2)));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aBadFailRateSaysWhatARateLooksLike() {
        Run r = run(withReports("--fail-on", "growing", "--fail-rate", "3 apples"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--fail-rate: '3 apples' is not a rate: give bytes or entries per time, "
                + "e.g. 1MB/h, 512KB/min, 1000/min, 5/s");
    }

    @Test
    void oneInputIsAUsageError() {
        Run r = run(growth(reports[0]));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("growth compares at least two inputs");
    }

    @Test
    void theSameFileTwiceIsOneLineAndExit2() {
        Run r = run(growth(reports[0], reports[1], "./" + reports[0]));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("mapleak: ./" + reports[0] + " is given twice (inputs 1 and 3): give each dump "
                + "once" + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aDumpWithItsOwnReportIsOneLineAndExit2BeforeAnyAnalysis() {
        long started = System.nanoTime();
        Run r = run(growth(reports[0], series.dumps.get(2).toString(), reports[2]));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("mapleak: " + series.dumps.get(2) + " and " + reports[2] + " are the same dump "
                + "(taken ").endsWith("): give each dump once, as a dump or as its report" + System.lineSeparator());
        assertThat(r.out()).isEmpty();
        assertThat((System.nanoTime() - started) / 1e9).as("seconds: the dump was not analysed").isLessThan(5);
    }

    @Test
    void unreadableInputsAreOneLineAndExit3() throws IOException {
        Path missing = dir.resolve("missing.hprof");
        assertOneLine(run(growth(reports[0], missing.toString())), "mapleak: cannot read the input: " + missing
                + ": no such file");
        assertOneLine(run(growth(reports[0], dir.toString())), "mapleak: cannot read the input: " + dir
                + ": a directory, not a dump or a report (give the files in it, e.g. " + dir.resolve("*.hprof")
                + ")");
        Path old = dir.resolve("old.json");
        Files.writeString(old, "{\"schemaVersion\": \"1.0\", \"suspects\": [], \"dump\": {}}");
        assertOneLine(run(growth(reports[0], old.toString())), "mapleak: cannot read the input: " + old
                + ": a report of schema 1.0; this mapleak reads 2.x (analyse the dump again to get one)");
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "heap dumps go here");
        assertOneLine(run(growth(reports[0], text.toString())), "mapleak: cannot read the input: " + text
                + ": neither a heap dump (HPROF) nor a mapleak analyze report (JSON)");
    }

    private static void assertOneLine(Run r, String line) {
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).isEqualTo(line + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void theHtmlPageOfAnAnalyzeReportIsAnInputToo() {
        Path html = dir.resolve("series-1.html");
        assertThat(run("report", reports[0], "--html", html.toString()).code()).isZero();
        Path json = dir.resolve("a.json");
        Path viaHtml = dir.resolve("b.json");
        assertThat(run(withReports("--json", json.toString())).code()).isZero();
        assertThat(run(growth(html.toString(), reports[1], reports[2], "--json", viaHtml.toString())).code()).isZero();
        try {
            assertThat(GrowthJson.read(viaHtml).maps()).isEqualTo(GrowthJson.read(json).maps());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void dumpsOfAnotherProgramAreComparedWithAWarningNamingWhatDiffers() {
        Path other = dir.resolve("other.json");
        Run a = run("analyze", FixtureDumps.get(Jvm.JDK17, "session-registry").hprof().toString(), "--json",
                other.toString());
        assertThat(a.code()).as(a.err()).isZero();
        Run r = run(growth(reports[2], other.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        // which of the two was dumped first depends on which fixture dump the suite made first
        assertThat(r.err()).containsPattern("warning: (series-3\\.json and other\\.json|other\\.json and series-3\\.json) "
                + "look like dumps of different processes: the JVM's per-run salt").contains("sun.java.command is \"io.mapleak.fixtures.FixtureMain ")
                .contains("\"io.mapleak.fixtures.FixtureMain growth-series").contains("session-registry").doesNotContain("restarted");
    }

    @Test
    void listThresholdsNeedsNoInputAndMaxHeapOverridesTheDumps() throws IOException {
        Run list = run("growth", "--list-thresholds");
        assertThat(list.code()).isZero();
        assertThat(list.out().lines()).hasSize(4).allMatch(l -> l.startsWith("trend."));
        Path json = dir.resolve("m.json");
        assertThat(run(withReports("--max-heap", "2g", "--json", json.toString())).code()).isZero();
        GrowthResult r = GrowthJson.read(json);
        assertThat(r.heap().maxHeapBytes()).isEqualTo(2L << 30);
        assertThat(r.heap().maxHeapFrom()).isEqualTo("given with --max-heap");
    }

    @Test
    void overDumpsItSavesTheirReportsForNextTime() throws IOException {
        Path saved = dir.resolve("saved");
        Path json = dir.resolve("d.json");
        Run r = run(growth(series.dumps.get(0).toString(), reports[1], reports[2], "--save-reports", saved.toString(),
                "--json", json.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        Path report = saved.resolve("growth-series.1.json");
        assertThat(ResultJson.read(report).dump().timestamp()).isEqualTo(series.analyses.get(0).dump().timestamp());
        assertThat(GrowthJson.read(json).inputs()).extracting(GrowthResult.Input::kind)
                .containsExactly("dump", "report", "report");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        return names;
    }
}
