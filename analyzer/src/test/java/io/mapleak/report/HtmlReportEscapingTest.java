package io.mapleak.report;

import static io.mapleak.report.HostileDump.FIELD;
import static io.mapleak.report.HostileDump.HOLDER;
import static io.mapleak.report.MapleakRun.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.mapleak.analysis.AnalysisResult;
import io.mapleak.detect.RawEvidence;
import io.mapleak.detect.Severity;
import io.mapleak.detect.UniqueKeysEvidence;
import io.mapleak.detect.ValueRetentionEvidence;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strings from the dump are data, never markup: keys, values, class and field names reach the page escaped, and the
 * embedded JSON cannot end its script element.
 */
class HtmlReportEscapingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVIL = "</script><script>alert(3)</script>\"'><img src=x onerror=alert(4)>&amp;";

    @TempDir
    Path dir;

    @Test
    void markupInKeysClassAndFieldNamesOfADumpIsRenderedAsText() throws Exception {
        Path dump = HostileDump.write(dir.resolve("hostile.hprof"));
        MapleakRun run = MapleakRun.of("analyze", dump.toString(), "-o", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String html = Files.readString(dir.resolve("hostile.html"), StandardCharsets.UTF_8);

        // The map is the first suspect, and its keys are shown as sample entries, escaped.
        JsonNode report = MapleakRun.embeddedJson(html);
        assertThat(report.at("/suspects/0/owner/label").asText()).isEqualTo(HOLDER + "." + FIELD);
        assertThat(html).contains("&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;")
                .contains("&quot;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&quot;")
                .contains("t.Reg&lt;b&gt;istry")
                .contains("SESSIONS&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;");
        assertThat(html).doesNotContain("<script>alert").doesNotContain("<img").doesNotContain("<b>istry")
                .doesNotContain("</title><script>");
        // Two script elements: the JSON and the sorting script; nothing the dump wrote.
        assertThat(count(html, "<script")).isEqualTo(2);
        assertThat(count(html, "</title>")).isEqualTo(count(html, "<title>"));
        // The embedded JSON is the JSON report, to the byte of every value.
        assertThat(report).isEqualTo(JSON.readTree(dir.resolve("hostile.json").toFile()));
    }

    @Test
    void redactedReportShowsNoKeyOrValueText() throws Exception {
        Path dump = HostileDump.write(dir.resolve("hostile.hprof"));
        Path html = dir.resolve("redacted.html");
        MapleakRun run = MapleakRun.of("analyze", dump.toString(), "--redact", "--html", html.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertThat(page).contains("the report was made with --redact").doesNotContain("alert(1)")
                .doesNotContain("k-1");
    }

    @Test
    void everyStringOfTheResultIsEscaped() throws Exception {
        AnalysisResult result = hostileResult();

        String html = HtmlReport.render(result);

        assertThat(html).doesNotContain("<script>alert").doesNotContain("<img").doesNotContain("</script><script>");
        assertThat(html).contains("&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x "
                + "onerror=alert(4)&gt;&amp;amp;");
        assertThat(count(html, "<script")).isEqualTo(2);
        String embedded = MapleakRun.embeddedText(html);
        assertThat(embedded).doesNotContain("<").doesNotContain(">").doesNotContain("&")
                .contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(3)");
        assertThat(ResultJson.fromTree(Path.of("embedded"), JSON.readTree(embedded))).isEqualTo(result);
    }

    /** A result with markup in every string a dump can supply, nested suspects and every chart drawn. */
    static AnalysisResult hostileResult() {
        AnalysisResult.Owner owner = new AnalysisResult.Owner(EVIL, "static-field", List.of("static " + EVIL,
                "." + EVIL), EVIL);
        AnalysisResult.MapRef map = new AnalysisResult.MapRef("0x1", EVIL, "hash-table", 3, 16, 100, EVIL);
        ValueRetentionEvidence values = new ValueRetentionEvidence("values", 10, 90,
                List.of(new ValueRetentionEvidence.ClassRetained(EVIL, 2, 50)),
                List.of(new ValueRetentionEvidence.ClassRetained(EVIL, 4, 40)), 3, 3,
                List.of(new ValueRetentionEvidence.ChainStep(EVIL, EVIL, 40),
                        new ValueRetentionEvidence.ChainStep(EVIL, EVIL, 30)));
        UniqueKeysEvidence keys = new UniqueKeysEvidence(EVIL, 100.0, 3, 3, List.of(EVIL, EVIL), EVIL, EVIL);
        List<AnalysisResult.Finding> findings = List.of(
                new AnalysisResult.Finding("value-retention", List.of("0x1"), "leak", 90, values, EVIL, List.of(EVIL)),
                new AnalysisResult.Finding("unique-keys", List.of("0x1"), "leak", 100, keys, EVIL, List.of()),
                new AnalysisResult.Finding("from-the-future", List.of("0x1"), "leak", 1,
                        new RawEvidence(Map.of(EVIL, EVIL)), EVIL, List.of()));
        AnalysisResult.Suspect nested = new AnalysisResult.Suspect(1, Severity.MEDIUM, 2.0, EVIL, EVIL, owner,
                List.of(new AnalysisResult.PathStep("static " + EVIL, EVIL, 10, EVIL)), List.of(map), 1, 3, 50, 0,
                new AnalysisResult.Fix(EVIL, List.of("unique-keys")), null, null, findings, List.of(), List.of(), 1,
                List.of(EVIL));
        AnalysisResult.Suspect suspect = new AnalysisResult.Suspect(1, Severity.HIGH, 1.0, EVIL, EVIL, owner,
                List.of(new AnalysisResult.PathStep("static " + EVIL, EVIL, 10, EVIL)), List.of(map, map), 2, 6, 100,
                0, new AnalysisResult.Fix(EVIL, List.of("known map " + EVIL)),
                new AnalysisResult.Known(EVIL, EVIL, EVIL, EVIL), new AnalysisResult.Shared(2, 100, 50, EVIL,
                        new AnalysisResult.EntryHolder(EVIL, EVIL, EVIL)),
                findings, List.of(new AnalysisResult.Sample(EVIL, EVIL, 5)), List.of(nested), 0, List.of(EVIL));
        AnalysisResult.Dump dump = new AnalysisResult.Dump("/tmp/" + EVIL + ".hprof", 1000, EVIL, EVIL, 8, EVIL, 1, 1,
                10, 3, 1000, true, new AnalysisResult.Layout(true, 12, 4, 8, false, EVIL, true, EVIL, 0), 900, 9,
                new AnalysisResult.Garbage(1, 100), Map.of("java.runtime.name", EVIL, "java.version", EVIL),
                new AnalysisResult.Truncation(5, EVIL, 10, 1000, 3));
        AnalysisResult.Inventory inventory = new AnalysisResult.Inventory(EVIL, 1, List.of(
                new AnalysisResult.InventoryRow("0x1", EVIL, EVIL, 3, 16, 100, 1, owner)));
        AnalysisResult.Classes classes = new AnalysisResult.Classes(
                List.of(new AnalysisResult.ClassRow(EVIL, 1, 10, -1)),
                List.of(new AnalysisResult.ClassRow(EVIL, 1, -1, 10)));
        return new AnalysisResult(AnalysisResult.SCHEMA_VERSION, new AnalysisResult.Tool("mapleak", EVIL), dump,
                List.of(suspect), List.of(new AnalysisResult.Holder("0x2", EVIL, EVIL, 1, 10, EVIL)), 1, inventory,
                classes, 0.5, Map.of(EVIL, 0.1), Map.of(EVIL, 0.1), Map.of("growth.heapShare", 0.1), false,
                new AnalysisResult.Problems(1, 1, List.of(EVIL)), List.of(EVIL));
    }
}
