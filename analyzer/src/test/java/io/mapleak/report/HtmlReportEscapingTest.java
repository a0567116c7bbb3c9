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
import java.util.LinkedHashMap;
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
    void everyStringOfTheReportAndTheExtrasIsEscaped() throws Exception {
        Map<String, Object> tree = hostileTree();
        HtmlExtras extras = new HtmlExtras(Map.of("java.runtime.name", EVIL, "java.version", EVIL),
                Map.of(1, new HtmlExtras.SuspectExtras(List.of(new HtmlExtras.PathStep("static " + EVIL, EVIL, 10)),
                        List.of(new HtmlExtras.SampleEntry(EVIL, EVIL, 5)))),
                List.of(new HtmlExtras.MapRow("0x1", EVIL, EVIL, 3, 16, 100, EVIL)), EVIL, 1,
                List.of(new HtmlExtras.ClassRow(EVIL, 1, 10, -1)), List.of(new HtmlExtras.ClassRow(EVIL, 1, -1, 10)),
                false);

        String html = HtmlReport.render(tree, extras);

        assertThat(html).doesNotContain("<script>alert").doesNotContain("<img").doesNotContain("</script><script>");
        assertThat(html).contains("&lt;/script&gt;&lt;script&gt;alert(3)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x "
                + "onerror=alert(4)&gt;&amp;amp;");
        assertThat(count(html, "<script")).isEqualTo(2);
        String embedded = MapleakRun.embeddedText(html);
        assertThat(embedded).doesNotContain("<").doesNotContain(">").doesNotContain("&")
                .contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(3)");
        assertThat(JSON.readTree(embedded)).isEqualTo(JSON.valueToTree(tree));
    }

    /** A report tree in the contract's shape with markup in every string a dump can supply. */
    private static Map<String, Object> hostileTree() {
        Map<String, Object> layout = new LinkedHashMap<>();
        layout.put("compressedOops", true);
        layout.put("headerBytes", 12);
        layout.put("referenceBytes", 4);
        layout.put("alignment", 8);
        layout.put("inferred", true);
        layout.put("evidence", EVIL);
        Map<String, Object> dump = new LinkedHashMap<>();
        dump.put("file", "/tmp/" + EVIL + ".hprof");
        dump.put("timestamp", EVIL);
        dump.put("objects", 10);
        dump.put("classes", 3);
        dump.put("heapBytes", 1000);
        dump.put("liveBytes", 900);
        dump.put("layout", layout);
        Map<String, Object> owner = new LinkedHashMap<>();
        owner.put("label", EVIL);
        owner.put("root", EVIL);
        owner.put("path", List.of("static " + EVIL, "." + EVIL));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("objectId", "0x1");
        map.put("className", EVIL);
        map.put("size", 3);
        map.put("capacity", 16);
        map.put("retainedBytes", 100);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put(EVIL, EVIL);
        evidence.put("sampleKeys", List.of(EVIL, EVIL));
        evidence.put("valueClasses", List.of(Map.of("class", EVIL, "count", 2, "retainedBytes", 50)));
        evidence.put("heaviestChain", List.of(Map.of("step", EVIL, "class", EVIL, "retainedBytes", 40)));
        Map<String, Object> finding = new LinkedHashMap<>();
        finding.put("kind", "value-retention");
        finding.put("evidence", evidence);
        finding.put("advice", EVIL);
        Map<String, Object> suspect = new LinkedHashMap<>();
        suspect.put("rank", 1);
        suspect.put("severity", "high");
        suspect.put("score", 1.0);
        suspect.put("title", EVIL);
        suspect.put("summary", EVIL);
        suspect.put("owner", owner);
        suspect.put("maps", List.of(map, map));
        suspect.put("mapCount", 2);
        suspect.put("retainedBytes", 100);
        suspect.put("wastedBytes", 0);
        suspect.put("findings", List.of(finding));
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("schemaVersion", "1.0");
        tree.put("tool", Map.of("name", "mapleak", "version", EVIL));
        tree.put("dump", dump);
        tree.put("suspects", List.of(suspect));
        tree.put("warnings", List.of(EVIL));
        return tree;
    }
}
