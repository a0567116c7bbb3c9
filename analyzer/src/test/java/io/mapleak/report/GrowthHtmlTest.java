package io.mapleak.report;

import static io.mapleak.report.MapleakRun.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mapleak.analysis.AnalysisResult;
import io.mapleak.growth.GrowthResult;
import io.mapleak.growth.Trend;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The growth page is self-contained and strings from the dumps are data, never markup: owner labels, paths, class
 * names, file names and warnings reach the page escaped, and the embedded JSON is the growth report to the value.
 */
class GrowthHtmlTest {
    static final String EVIL = "</script><script>alert(1)</script>\"'><img src=x onerror=alert(2)>&amp;";

    /** A growth result whose every string is hostile. */
    static GrowthResult hostile() {
        AnalysisResult.Owner owner = new AnalysisResult.Owner(EVIL, "static-field", List.of("static " + EVIL, EVIL),
                "static " + EVIL + " []");
        GrowthResult.MapGrowth map = new GrowthResult.MapGrowth(owner, EVIL, EVIL, 2, Arrays.asList(1, 2),
                Arrays.asList(100L, 5000L), Arrays.asList(256L, 8192L), Arrays.asList(10_000L, 500_000L),
                Trend.GROWING, EVIL, 490.0, 49_000L, "PT3H", 180.0);
        GrowthResult.MapGrowth gone = new GrowthResult.MapGrowth(owner, EVIL, EVIL, 1, Arrays.asList(1, null),
                Arrays.asList(300L, null), Arrays.asList(512L, null), Arrays.asList(70_000L, null), Trend.GONE, EVIL,
                null, null, null, null);
        GrowthResult.ClassGrowth cls = new GrowthResult.ClassGrowth(EVIL, Arrays.asList(null, 3000L),
                Arrays.asList(null, 96_000L), Trend.NEW, null, null);
        Map<String, Integer> trends = new LinkedHashMap<>();
        for (Trend t : Trend.values()) {
            trends.put(t.word(), t == Trend.GROWING || t == Trend.GONE ? 1 : 0);
        }
        return new GrowthResult(GrowthResult.SCHEMA_VERSION, new AnalysisResult.Tool("mapleak", EVIL),
                List.of(new GrowthResult.Input("/tmp/" + EVIL + ".hprof", "dump", 1, "2026-03-01T10:00:00Z", 0, 1000,
                        900, 1 << 30, 2, EVIL), new GrowthResult.Input(EVIL + ".json", "report", 2,
                        "2026-03-01T10:10:00Z", 10, 2000, 1900, -1, 1, EVIL)),
                new GrowthResult.Heap(Arrays.asList(900L, 1900L), 100L, 1 << 30, EVIL, "PT2H", 120.0),
                List.of(map, gone), trends, List.of(cls), trends, Map.of("trend.share", 0.1), List.of(EVIL));
    }

    @Test
    void markupInOwnerPathsClassAndFileNamesIsRenderedAsText() throws Exception {
        GrowthResult r = hostile();
        String html = GrowthHtml.render(r);
        assertThat(html).contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x "
                + "onerror=alert(2)&gt;&amp;amp;");
        assertThat(html).doesNotContain("<script>alert").doesNotContain("<img").doesNotContain("onerror=alert(2)>");
        assertThat(count(html, "<script")).as("the JSON and the sorting script, nothing a dump wrote").isEqualTo(2);
        assertThat(html).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;; "
                + "style-src &#39;unsafe-inline&#39;; img-src data:; script-src &#39;sha256-");
        assertThat(html).doesNotContainPattern("(?i)https?:");
        String start = "<script type=\"application/json\" id=\"mapleak-growth\">";
        int at = html.indexOf(start) + start.length();
        JsonNode embedded = ResultJson.mapper().readTree(html.substring(at, html.indexOf("</script>", at)));
        assertThat(ResultJson.mapper().treeToValue(embedded, GrowthResult.class)).isEqualTo(r);
    }

    @Test
    void absentValuesAreDashesAndBreakTheSparkline() {
        String html = GrowthHtml.render(hostile());
        assertThat(html).contains("300 → –").contains("68.4 KB → –").contains("– → 3,000");
        assertThat(html).contains("entries per input: 300, absent");
    }
}
