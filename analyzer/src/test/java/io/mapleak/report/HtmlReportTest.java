package io.mapleak.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report's promises that hold in any browser: one file, nothing fetched, the content the issue lists. */
class HtmlReportTest {
    @TempDir
    Path dir;

    @Test
    void outputDirGetsHtmlAndJsonNamedAfterTheDumpWithoutItsSuffixes() throws Exception {
        Path plain = HostileDump.write(dir.resolve("app.hprof"));
        Path gz = dir.resolve("app-2.hprof.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(plain, out);
        }
        Path reports = dir.resolve("reports");
        for (Path dump : new Path[] {plain, gz}) {
            MapleakRun run = MapleakRun.of("analyze", dump.toString(), "-o", reports.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
        assertThat(reports.resolve("app.html")).isRegularFile();
        assertThat(reports.resolve("app.json")).isRegularFile();
        assertThat(reports.resolve("app-2.html")).isRegularFile();
        assertThat(reports.resolve("app-2.json")).isRegularFile();
        try (var files = Files.list(reports)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void pageLoadsNothingAndAllowsOnlyItsOwnSortingScript() throws Exception {
        String html = hostileReport();
        String outsideJson = html.replace(MapleakRun.embeddedText(html), "");
        // Text from the dump is escaped, so every '<' left starts a tag of the template.
        assertThat(outsideJson).doesNotContainPattern("(?i)https?:").doesNotContainPattern("(?i)<link")
                .doesNotContainPattern("(?i)<[a-z][^>]*\\ssrc\\s*=")
                .doesNotContainPattern("(?i)<[a-z][^>]*\\shref\\s*=\\s*\"(?!#)")
                .doesNotContainPattern("(?i)url\\(").doesNotContainPattern("(?i)@import")
                .doesNotContainPattern("(?i)@font-face");
        Matcher csp = Pattern.compile("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]+)\"")
                .matcher(html);
        assertThat(csp.find()).isTrue();
        String policy = csp.group(1).replace("&#39;", "'");
        assertThat(policy).startsWith("default-src 'none';");
        String script = html.substring(html.lastIndexOf("<script>") + "<script>".length(), html.lastIndexOf("</script>"));
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(script.getBytes(StandardCharsets.UTF_8)));
        assertThat(policy).contains("script-src 'sha256-" + hash + "'");
        assertThat(html).contains("@media print");
    }

    @Test
    void suspectCardShowsOwnerPathWithSizesValueChartsSamplesAndAdvice() throws Exception {
        String html = hostileReport();
        JsonNode report = MapleakRun.embeddedJson(html);
        JsonNode first = report.at("/suspects/0");
        assertThat(html).contains("<span class=\"badge " + first.at("/severity").asText() + "\">#1 "
                + first.at("/severity").asText() + "</span>");
        // At a glance: one bar per suspect, linked to its card.
        assertThat(html).contains("id=\"glance-chart\"").contains("href=\"#suspect-1\"").contains("id=\"suspect-1\"");
        // The owner path starts at the static field and ends at the map, each step with its retained size.
        assertThat(html).containsPattern("<ol class=\"path\">\\s*<li>\\s*<span><code>static t\\.<wbr>Reg&lt;b&gt;istry"
                + "\\.<wbr>SESSIONS&lt;/title&gt;");
        assertThat(html).containsPattern("java\\.util\\.HashMap</span></span>\\s*<span class=\"meter\"[^>]*><span "
                + "style=\"width:[0-9.]+%\"></span></span>\\s*<span class=\"size\">[0-9.]+ MB</span>");
        // What the entries retain and where those bytes are, as SVG charts from the value-retention evidence; no
        // chart of the heaviest entry, whose chain is one byte[] long.
        assertThat(html).contains("<svg id=\"value-classes-1\"").contains("<svg id=\"bytes-by-class-1\"")
                .contains(String.format(java.util.Locale.ROOT, "byte[] × %,d", HostileDump.KEYS.size())).doesNotContain("<svg id=\"heaviest-chain-1\"");
        // The heaviest value first among the samples; the fix advice of the leading finding.
        assertThat(html).containsPattern("<td><code>&quot;&lt;script&gt;alert\\(1\\)&lt;/script&gt;&quot;</code></td>"
                + "\\s*<td><code>byte\\[\\]@0x[0-9a-f]+</code></td>\\s*<td class=\"num\">1\\.4 MB</td>");
        assertThat(html).contains("<h3>Fix</h3>");
        // Inventory and classes.
        assertThat(html).contains("id=\"inventory-table\"").contains("<h2>Largest classes</h2>");
    }

    /**
     * One suspect, one fix: each card (nested ones too) has one Fix box and the findings below it are evidence only,
     * with no advice of their own (two Caffeine snippets that disagreed); every sampled number on a card is of one
     * sample; percentages carry their unit; the nested suspect is not drawn in "At a glance" as if it added up.
     */
    @Test
    void eachCardHasOneFixAndNumbersThatAgree() throws Exception {
        io.mapleak.testing.FixtureDump dump = io.mapleak.testing.FixtureDumps.get(io.mapleak.testing.Jvm.JDK17,
                "demo-shop");
        Path html = dir.resolve("demo.html");
        MapleakRun run = MapleakRun.of("analyze", dump.hprof().toString(), "--html", html.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String page = Files.readString(html, StandardCharsets.UTF_8);
        JsonNode report = MapleakRun.embeddedJson(page);
        int cards = 0;
        for (JsonNode s : report.path("suspects")) {
            cards += 1 + s.path("nested").size();
        }
        assertThat(MapleakRun.count(page, "<h3>Fix</h3>")).isEqualTo(cards).isEqualTo(2);
        String shown = page.replace(MapleakRun.embeddedText(page), "");
        assertThat(shown).doesNotContain("class=\"advice\"").doesNotContain("expireAfterWrite");
        assertThat(MapleakRun.count(shown, "Caffeine.newBuilder()")).isEqualTo(1);
        JsonNode first = report.at("/suspects/0");
        long growthSample = 0;
        long keySample = 0;
        for (JsonNode f : first.path("findings")) {
            growthSample = f.path("kind").asText().equals("unbounded-growth") ? f.at("/evidence/sampled").asLong()
                    : growthSample;
            keySample = f.path("kind").asText().equals("unique-keys") ? f.at("/evidence/sampledKeys").asLong()
                    : keySample;
        }
        assertThat(growthSample).isEqualTo(keySample).isPositive();
        assertThat(page).contains("<th>matching percent</th><td>100.0%</td>")
                .contains("<th>key classes</th><td>java.lang.String × 2,000</td>").doesNotContain("<td>—</td>");
        // At a glance: one bar per ranked suspect; the one inside #1 is drawn inside #1's card only.
        assertThat(MapleakRun.count(page, "class=\"bar high\"") + MapleakRun.count(page, "class=\"bar medium\"")
                + MapleakRun.count(page, "class=\"bar low\"")).isEqualTo(report.path("suspects").size());
        assertThat(page).contains("inside #1 · low").doesNotContain("through a static field");
        assertThat(page).doesNotContain("all in the JSON's mapCount")
                .contains("the JSON lists the 5 largest and counts all of them in mapCount");
    }

    private String hostileReport() throws Exception {
        Path dump = HostileDump.write(dir.resolve("hostile.hprof"));
        Path html = dir.resolve("hostile.html");
        MapleakRun run = MapleakRun.of("analyze", dump.toString(), "--html", html.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("HTML report: " + html.toAbsolutePath());
        return Files.readString(html, StandardCharsets.UTF_8);
    }
}
