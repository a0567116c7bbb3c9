package io.mapleak.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.growth.Growth;
import io.mapleak.growth.GrowthOptions;
import io.mapleak.growth.GrowthResult;
import io.mapleak.growth.SeriesFixture;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The growth page in headless Chromium: the growth-series fixture's page shows the growing map first with its two
 * charts, the sorting script runs under the page's policy, nothing is fetched; and a page made of hostile strings
 * shows them as text. Skipped without Chromium, failed then when the environment has {@code CI=true}.
 */
class GrowthHtmlBrowserTest {
    private static Path chromium;
    private static GrowthResult series;

    @TempDir
    Path temp;

    @BeforeAll
    static void findBrowser() {
        chromium = HtmlReportBrowserTest.findChromium().orElse(null);
        if (chromium == null) {
            String why = "headless Chromium is not installed (Debian: apt-get install chromium)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(why + "; CI=true: the browser test must run");
            }
            Assumptions.assumeTrue(false, why);
        }
        series = Growth.compare(SeriesFixture.get().dumpInputs(), GrowthOptions.defaults());
    }

    @Test
    void theGrowingMapComesFirstWithItsChartsAndNothingLeavesThePage() throws Exception {
        Path page = temp.resolve("growth.html");
        GrowthHtml.write(page, GrowthHtml.render(series));
        Path netLog = temp.resolve("netlog.json");
        String dom = dom(page, "--log-net-log=" + netLog);

        String text = HtmlReportBrowserTest.textOf(dom);
        String orders = SeriesFixture.get().fixture.factString("orders.owner");
        assertThat(text).contains("Maps, the fastest-growing first").contains("20,000 → 40,000 → 60,000");
        int firstRow = dom.indexOf("id=\"map-1\"");
        assertThat(firstRow).isPositive();
        assertThat(dom.substring(firstRow, dom.indexOf("id=\"map-2\""))).contains("class=\"badge growing\"")
                .contains(orders).contains("<polyline");
        String maps = dom.substring(dom.indexOf("id=\"maps\""), dom.indexOf("id=\"classes\""));
        int rows = Math.min(GrowthHtml.MAP_ROWS, series.maps().size());
        assertThat(MapleakRun.count(maps, "<tr id=\"map-")).isEqualTo(rows);
        assertThat(MapleakRun.count(maps, "<svg class=\"spark\"")).as("entries and retained, per map").isEqualTo(2 * rows);
        assertThat(dom).as("the sorting script ran").contains("class=\"sortable scripted\"");
        assertThat(HtmlReportBrowserTest.pageRequests(netLog)).isEmpty();
        String source = Files.readString(page, StandardCharsets.UTF_8);
        String outsideJson = source.substring(0, source.indexOf("<script type=\"application/json\""));
        assertThat(outsideJson).doesNotContainPattern("(?i)https?:").doesNotContainPattern("(?i)\\ssrc=");
    }

    @Test
    void stringsFromTheDumpsStayTextInTheBrowser() throws Exception {
        Path page = temp.resolve("hostile.html");
        GrowthHtml.write(page, GrowthHtml.render(GrowthHtmlTest.hostile()));
        String dom = dom(page);
        assertThat(dom).doesNotContainPattern("(?i)<img").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(MapleakRun.count(dom.toLowerCase(java.util.Locale.ROOT), "<script")).isEqualTo(2);
    }

    /** The page's DOM once loaded, from headless Chromium at 1366x768 with no host resolvable. */
    private String dom(Path page, String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--user-data-dir=" + Files.createTempDirectory(temp, "profile"), "--window-size=1366,768",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--dump-dom"));
        command.addAll(List.of(extra));
        command.add(page.toAbsolutePath().toUri().toString());
        Path out = temp.resolve("dom.html");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(temp.resolve("chromium.err").toFile()).redirectInput(new File("/dev/null")).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("Chromium did not finish within 90 s");
        }
        assertThat(p.exitValue()).as(Files.readString(temp.resolve("chromium.err"))).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
