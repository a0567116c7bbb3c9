package io.mapleak.growth;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.analysis.AnalysisResult;
import io.mapleak.growth.GrowthResult.MapGrowth;
import io.mapleak.report.ResultJson;
import io.mapleak.testing.FixtureDump;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mapleak growth} over the growth-series fixture: one JVM that dumped itself three times while one map grew,
 * one kept its size with every value replaced, one filled and drained, one was dropped, and a per-thread map
 * appeared only in the last. Each is named with its trend and its exact sizes and retained bytes per dump, from the
 * dumps and, identically, from their analyze reports.
 */
class GrowthTest {
    static SeriesFixture series;
    static FixtureDump fixture;
    static List<Path> reports;
    static GrowthResult fromDumps;

    @BeforeAll
    static void analyseTheSeries() {
        series = SeriesFixture.get();
        fixture = series.fixture;
        reports = series.reports;
        fromDumps = Growth.compare(series.dumpInputs(), GrowthOptions.defaults());
    }

    @Test
    void eachMapIsNamedWithItsTrendAndExactSizesPerDump() {
        assertThat(fromDumps.inputs()).extracting(GrowthResult.Input::kind).containsOnly("dump");
        assertThat(fromDumps.inputs()).extracting(GrowthResult.Input::argument).containsExactly(1, 2, 3);

        assertMap("orders", Trend.GROWING);
        assertMap("prices", Trend.STABLE);
        assertMap("batch", Trend.STABLE);
        assertMap("imports", Trend.GONE);
        assertMap("scratch", Trend.NEW);

        MapGrowth batch = map("batch");
        assertThat(batch.why()).contains("swung between 0 and 30,000");
        MapGrowth scratch = map("scratch");
        assertThat(scratch.owner().root()).isEqualTo("thread");
        assertThat(scratch.owner().key()).startsWith("thread \"ledger-worker-#\"");
        assertThat(scratch.owner().path().get(0)).isEqualTo("thread \"" + fixture.factString("scratch.thread") + "\"");
        assertThat(map("prices").retainedBytes()).as("every value replaced by one of the same size").containsOnly(
                longs("prices.retained").get(0));
    }

    @Test
    void onlyTheLeakGrowsAndTheHeapLimitComesFromTheDump() {
        List<String> growing = new ArrayList<>();
        for (MapGrowth m : fromDumps.maps()) {
            if (m.trend() == Trend.GROWING) {
                growing.add(m.owner().label());
            }
            assertThat(m.trend()).as(m.owner().key()).isNotEqualTo(Trend.SHRINKING);
        }
        assertThat(growing).as("nothing else in the fixture JVM grows beyond the thresholds")
                .containsExactly(fixture.factString("orders.owner"));
        assertThat(fromDumps.maps().get(0).owner().label()).isEqualTo(fixture.factString("orders.owner"));
        assertThat(fromDumps.trends()).containsEntry("growing", 1).containsEntry("gone", 1);

        assertThat(fromDumps.heap().maxHeapBytes()).isEqualTo(fixture.fact("maxMemory"));
        assertThat(fromDumps.heap().maxHeapFrom()).startsWith("jdk.internal.misc.VM.directMemory");
        AnalysisResult.JvmProcess p = series.analyses.get(0).dump().process();
        assertThat(p.pid()).isEqualTo(fixture.fact("pid"));
        assertThat(p.runId()).startsWith("0x");
        assertThat(p.properties().get("sun.java.command")).startsWith("io.mapleak.fixtures.FixtureMain growth-series");
        assertThat(fromDumps.warnings()).as("one process, given in order").isEmpty();
    }

    @Test
    void ratesAreTheChangeBetweenTheFirstAndLastDumpPerMinuteAndGiveWhenTheHeapIsFull() {
        double minutes = minutesBetween(0, 2);
        List<Long> sizes = longs("orders.sizes");
        List<Long> retained = longs("orders.retained");
        MapGrowth orders = map("orders");
        assertThat(orders.entriesPerMinute()).isEqualTo(Math.round((sizes.get(2) - sizes.get(0)) / minutes * 100)
                / 100.0);
        long bytesPerMinute = Math.round((retained.get(2) - retained.get(0)) / minutes);
        assertThat(orders.bytesPerMinute()).isEqualTo(bytesPerMinute);
        long live = fromDumps.inputs().get(2).liveBytes();
        double full = (fixture.fact("maxMemory") - live) / (double) bytesPerMinute;
        assertThat(orders.heapFullInMinutes()).isEqualTo(Math.round(full * 10) / 10.0);
        assertThat(orders.heapFullIn()).isEqualTo(Duration.ofSeconds(Math.round(full * 60)).toString());
        assertThat(map("prices").entriesPerMinute()).isZero();
        assertThat(map("prices").bytesPerMinute()).isZero();
        assertThat(map("prices").heapFullIn()).isNull();
        assertThat(map("scratch").entriesPerMinute()).as("listed once: no rate").isNull();
    }

    @Test
    void classesWhoseInstanceCountsGrowFastestIncludeTheLeaksValues() {
        GrowthResult.ClassGrowth order = fromDumps.classes().stream()
                .filter(c -> c.name().equals("io.mapleak.fixtures.scenario.GrowthSeries$Order")).findFirst()
                .orElseThrow();
        assertThat(order.instances()).containsExactlyElementsOf(longs("orders.sizes"));
        assertThat(order.trend()).isEqualTo(Trend.GROWING);
        assertThat(fromDumps.classes().get(0).trend()).isEqualTo(Trend.GROWING);
        assertThat(fromDumps.classes()).noneMatch(c -> c.trend() == Trend.STABLE);
        assertThat(fromDumps.classTrends().get("stable")).as("counted, not listed").isGreaterThan(100);
        assertThat(fromDumps.classes().get(0).instancesPerMinute()).isGreaterThanOrEqualTo(order.instancesPerMinute());
    }

    @Test
    void threeReportsGiveTheSameAnswerAsTheThreeDumps() throws IOException {
        List<GrowthInput> inputs = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            inputs.add(new GrowthInput(reports.get(i), GrowthInput.Kind.REPORT, i + 1, ResultJson.read(reports.get(i))));
        }
        GrowthResult fromReports = Growth.compare(inputs, GrowthOptions.defaults());
        assertThat(fromReports.maps()).isEqualTo(fromDumps.maps());
        assertThat(fromReports.classes()).isEqualTo(fromDumps.classes());
        assertThat(fromReports.classTrends()).isEqualTo(fromDumps.classTrends());
        assertThat(fromReports.heap()).isEqualTo(fromDumps.heap());
        assertThat(fromReports.trends()).isEqualTo(fromDumps.trends());
        assertThat(fromReports.warnings()).isEqualTo(fromDumps.warnings());
        assertThat(fromReports.inputs()).extracting(GrowthResult.Input::kind).containsOnly("report");
        assertThat(fromReports.inputs()).extracting(GrowthResult.Input::timestamp)
                .isEqualTo(fromDumps.inputs().stream().map(GrowthResult.Input::timestamp).toList());
    }

    @Test
    void inputsGivenOutOfOrderAreComparedInTimeOrderWithAWarning() throws IOException {
        List<GrowthInput> inputs = new ArrayList<>();
        int[] order = {2, 0, 1};
        for (int k = 0; k < order.length; k++) {
            Path p = reports.get(order[k]);
            inputs.add(new GrowthInput(p, GrowthInput.Kind.REPORT, k + 1, ResultJson.read(p)));
        }
        GrowthResult r = Growth.compare(inputs, GrowthOptions.defaults());
        assertThat(r.inputs()).extracting(GrowthResult.Input::argument).containsExactly(2, 3, 1);
        assertThat(r.maps()).isEqualTo(fromDumps.maps());
        assertThat(r.warnings()).singleElement().asString().contains("not given in the order")
                .contains("series-1.json, series-2.json, series-3.json");
    }

    // ------------------------------------------------------------------ helpers

    /** The fixture's map named {@code name} (orders, prices...): found by its owner label and, for scratch, thread. */
    private static MapGrowth map(String name) {
        String label = fixture.factString(name + ".owner");
        List<MapGrowth> found = fromDumps.maps().stream().filter(m -> m.owner().label().equals(label))
                .filter(m -> !name.equals("scratch") || m.owner().key().contains("ledger-worker-#")).toList();
        assertThat(found).as("maps owned by " + label).hasSize(1);
        return found.get(0);
    }

    private static void assertMap(String name, Trend trend) {
        MapGrowth m = map(name);
        assertThat(m.trend()).as(name + ": " + m.why()).isEqualTo(trend);
        assertThat(m.sizes()).as(name + " sizes").containsExactlyElementsOf(longs(name + ".sizes"));
        assertThat(m.retainedBytes()).as(name + " retained bytes").containsExactlyElementsOf(longs(name + ".retained"));
        assertThat(m.className()).isEqualTo(name.equals("prices") ? "java.util.concurrent.ConcurrentHashMap"
                : "java.util.HashMap");
        assertThat(m.mapCount()).isEqualTo(1);
    }

    private static List<Long> longs(String fact) {
        return series.longs(fact);
    }

    private static double minutesBetween(int a, int b) {
        Instant x = Instant.parse(fromDumps.inputs().get(a).timestamp());
        Instant y = Instant.parse(fromDumps.inputs().get(b).timestamp());
        return Duration.between(x, y).toMillis() / 60_000.0;
    }
}
