package io.mapleak.growth;

import static io.mapleak.growth.Inputs.cls;
import static io.mapleak.growth.Inputs.map;
import static io.mapleak.growth.Inputs.threadMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mapleak.analysis.AnalysisResult.InventoryRow;
import io.mapleak.analysis.AnalysisResult.Owner;
import io.mapleak.growth.GrowthResult.MapGrowth;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Growth's rules on made-up analyses: what counts as growing and what is noise, matching by owner key, rates,
 * when the heap is full, the order of the maps, and the warnings about the inputs.
 */
class GrowthRulesTest {
    private static final long MB = 1 << 20;

    private static MapGrowth only(GrowthResult r) {
        assertThat(r.maps()).hasSize(1);
        return r.maps().get(0);
    }

    @Test
    void aMapThatWobblesByAFewEntriesIsStable() {
        MapGrowth m = only(new Inputs().at(0, 100 * MB, map("CACHE", 1000, 200_000))
                .at(10, 100 * MB, map("CACHE", 1003, 200_600)).at(20, 100 * MB, map("CACHE", 998, 199_600)).compare());
        assertThat(m.trend()).isEqualTo(Trend.STABLE);
        assertThat(m.why()).startsWith("within the thresholds: entries -2 (-0.2%), retained bytes -400 B (-0.2%), from input 1 to 3");
        assertThat(m.entriesPerMinute()).isEqualTo(-0.1);
        assertThat(m.heapFullIn()).isNull();
    }

    /** 10% of where the map started and 100 entries, both: the defaults of trend.share and trend.entries. */
    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({"1000, 1099, stable", "1000, 1100, growing", "500, 599, stable", "500, 600, growing",
        "1000000, 1050000, stable", "1000000, 1100000, growing", "0, 99, stable", "0, 100, growing",
        "5000, 4500, shrinking", "5000, 4501, stable"})
    void growingNeedsATenthOfTheStartAndAHundredEntries(long from, long to, String trend) {
        MapGrowth m = only(new Inputs().at(0, 100 * MB, map("M", from, 1000)).at(5, 100 * MB, map("M", to, 1000))
                .compare());
        assertThat(m.trend().word()).isEqualTo(trend);
    }

    @Test
    void valuesThatGrowWhileTheCountStaysAreGrowthInBytes() {
        MapGrowth m = only(new Inputs().at(0, 100 * MB, map("SERIES", 4000, 10 * MB))
                .at(30, 104 * MB, map("SERIES", 4000, 14 * MB)).compare());
        assertThat(m.trend()).isEqualTo(Trend.GROWING);
        assertThat(m.why()).contains("entries +0").contains("retained bytes +4.0 MB (+40%)");
        assertThat(m.bytesPerMinute()).isEqualTo(4 * MB / 30);
    }

    @Test
    void aBatchThatFilledAndDrainedBetweenTheDumpsIsStableAndSaysItSwung() {
        MapGrowth m = only(new Inputs().at(0, 100 * MB, map("BATCH", 0, 262_208))
                .at(1, 105 * MB, map("BATCH", 30_000, 5 * MB)).at(9, 100 * MB, map("BATCH", 0, 262_208)).compare());
        assertThat(m.trend()).isEqualTo(Trend.STABLE);
        assertThat(m.why()).endsWith("it swung between 0 and 30,000 on the way");
        assertThat(m.entriesPerMinute()).isZero();
    }

    @Test
    void ratesAreTheChangeFromFirstToLastListingPerMinuteAndGiveWhenTheHeapIsFull() {
        GrowthResult r = new Inputs().at(0, 200 * MB, map("ORDERS", 20_000, 2 * MB))
                .at(30, 230 * MB, map("ORDERS", 40_000, 4 * MB)).at(60, 260 * MB, map("ORDERS", 60_000, 6 * MB))
                .compare();
        MapGrowth m = only(r);
        assertThat(m.trend()).isEqualTo(Trend.GROWING);
        assertThat(m.sizes()).containsExactly(20_000L, 40_000L, 60_000L);
        assertThat(m.entriesPerMinute()).isEqualTo(666.67);
        assertThat(m.bytesPerMinute()).isEqualTo(Math.round(4.0 * MB / 60));
        // The heap, 1 GB at most, holds 260 MB live in the last dump: 764 MB to go at 68,267 B/min.
        double minutes = (Inputs.MAX_HEAP - 260 * MB) / (double) Math.round(4.0 * MB / 60);
        assertThat(m.heapFullInMinutes()).isEqualTo(Math.round(minutes * 10) / 10.0);
        assertThat(m.heapFullIn()).isEqualTo("PT191H");
        assertThat(r.heap().liveBytes()).containsExactly(200 * MB, 230 * MB, 260 * MB);
        assertThat(r.heap().bytesPerMinute()).isEqualTo(MB);
        assertThat(r.heap().heapFullIn()).isEqualTo("PT12H44M");
        assertThat(r.heap().maxHeapFrom()).isEqualTo("jdk.internal.misc.VM.directMemory");
    }

    @Test
    void newGoneAndAMapThatAppearedAndThenGrew() {
        GrowthResult r = new Inputs()
                .at(0, 100 * MB, map("IMPORTS", 5000, MB))
                .at(10, 100 * MB, map("IMPORTS", 5000, MB), map("QUEUE", 200, 70_000), map("LATE", 300, 80_000))
                .at(20, 100 * MB, map("QUEUE", 5000, 900_000), map("LATE", 310, 81_000), map("FRESH", 700, 90_000))
                .compare();
        assertThat(r.maps()).extracting(m -> m.owner().label() + " " + m.trend().word()).containsExactly(
                "com.acme.Shop.QUEUE growing", "com.acme.Shop.FRESH new", "com.acme.Shop.LATE new",
                "com.acme.Shop.IMPORTS gone");
        MapGrowth gone = r.maps().get(3);
        assertThat(gone.sizes()).containsExactly(5000L, 5000L, null);
        assertThat(gone.why()).startsWith("listed in inputs 1, 2, not in the last");
        assertThat(r.maps().get(1).why()).isEqualTo("listed in the last input only: 700 entries, 87.9 KB");
        assertThat(r.maps().get(2).why()).startsWith("appeared in input 2, then entries +10 (+3.3%)");
        assertThat(r.trends()).containsExactly(java.util.Map.entry("growing", 1), java.util.Map.entry("new", 2),
                java.util.Map.entry("stable", 0), java.util.Map.entry("shrinking", 0), java.util.Map.entry("gone", 1));
    }

    /**
     * The shortest path to a map can change between dumps (another became as short): the key listed up to one dump and
     * the key listed from the next on, with the same label, class and map count, are one map under the newer path.
     * Two candidates on one side, or a different count at the seam, keep them apart.
     */
    @Test
    void aMapReachedByAnotherPathFromOneDumpOnIsOneMapNotGoneAndNew() {
        InventoryRow viaLoader = moved("static jdk.internal.loader.BuiltinClassLoader.packageToModule", 58, 371);
        InventoryRow viaLayer = moved("static java.lang.System.bootLayer", 58, 371);
        MapGrowth m = only(new Inputs().at(0, 100 * MB, viaLoader).at(10, 100 * MB, viaLoader)
                .at(20, 100 * MB, viaLayer).compare());
        assertThat(m.trend()).isEqualTo(Trend.STABLE);
        assertThat(m.sizes()).containsExactly(371L, 371L, 371L);
        assertThat(m.owner().key()).startsWith("static java.lang.System.bootLayer");

        InventoryRow fewer = moved("static java.lang.System.bootLayer", 40, 371);
        assertThat(new Inputs().at(0, 100 * MB, viaLoader).at(10, 100 * MB, fewer).compare().maps())
                .extracting(g -> g.trend().word()).containsExactlyInAnyOrder("new", "gone");
        InventoryRow viaOther = moved("static sun.misc.Other.MODULES", 58, 371);
        assertThat(new Inputs().at(0, 100 * MB, viaLoader, viaOther).at(10, 100 * MB, viaLayer).compare().maps())
                .extracting(g -> g.trend().word()).containsExactlyInAnyOrder("new", "gone", "gone");
    }

    /**
     * The same maps split over two new paths at once (two modules' descriptors under one path, then each under its
     * own, one more export-target set among them): together about as many maps and entries on both sides of the
     * seam, so one series, not one gone and two new. Totals that differ by more than a hundredth stay apart.
     */
    @Test
    void mapsThatSplitOverNewPathsAreOneSeries() {
        InventoryRow together = moved("static jdk.internal.loader.BuiltinClassLoader.packageToModule", 77, 200);
        InventoryRow first = moved("static jdk.internal.loader.ClassLoaders.BOOT_LOADER", 40, 120);
        InventoryRow second = moved("static java.lang.System.bootLayer", 38, 81);
        MapGrowth m = only(new Inputs().at(0, 100 * MB, together).at(10, 100 * MB, together)
                .at(20, 100 * MB, first, second).compare());
        assertThat(m.trend()).isEqualTo(Trend.STABLE);
        assertThat(m.sizes()).containsExactly(200L, 200L, 201L);

        // below 50 maps the counts must be equal: a small new map of the same class is not the old one's part
        InventoryRow one = moved("static jdk.internal.loader.BuiltinClassLoader.packageToModule", 1, 500);
        InventoryRow same = moved("static jdk.internal.loader.ClassLoaders.BOOT_LOADER", 1, 500);
        InventoryRow small = moved("static java.lang.System.bootLayer", 1, 3);
        assertThat(new Inputs().at(0, 100 * MB, one).at(10, 100 * MB, same, small).compare().maps())
                .extracting(g -> g.trend().word()).containsExactlyInAnyOrder("new", "new", "gone");

        InventoryRow more = moved("static java.lang.System.bootLayer", 38, 90);
        assertThat(new Inputs().at(0, 100 * MB, together).at(10, 100 * MB, first, more).compare().maps())
                .extracting(g -> g.trend().word()).containsExactlyInAnyOrder("new", "new", "gone");
    }

    private static InventoryRow moved(String root, int maps, long size) {
        return new InventoryRow("0x1", "java.util.ImmutableCollections$SetN", "immutable", size, size, size * 40, maps,
                new Owner("java.lang.module.ModuleDescriptor.exports", "static-field",
                        List.of(root, ".descriptor", ".exports"), root + " java.lang.Module.descriptor "
                        + "java.lang.module.ModuleDescriptor.exports"));
    }

    @Test
    void mapsOfOneOwnerPathAreSummedPerInputSoAPoolsThreadLocalsAreOneRow() {
        MapGrowth m = only(new Inputs().at(0, 100 * MB, threadMap(1, 300, 40_000), threadMap(2, 200, 30_000))
                .at(10, 100 * MB, threadMap(1, 900, 100_000), threadMap(2, 800, 90_000), threadMap(3, 700, 80_000))
                .compare());
        assertThat(m.sizes()).containsExactly(500L, 2400L);
        assertThat(m.retainedBytes()).containsExactly(70_000L, 270_000L);
        assertThat(m.mapCounts()).containsExactly(2, 3);
        assertThat(m.mapCount()).isEqualTo(3);
        assertThat(m.trend()).isEqualTo(Trend.GROWING);
        assertThat(m.owner().path().get(0)).as("the largest row of the last input names it").isEqualTo("thread \"pool-1\"");
    }

    @Test
    void theFastestGrowingComesFirstByBytesPerMinute() {
        GrowthResult r = new Inputs()
                .at(0, 100 * MB, map("SLOW", 1000, 10 * MB), map("FAST", 1000, MB), map("BIG", 9000, 50 * MB))
                .at(10, 100 * MB, map("SLOW", 9000, 12 * MB), map("FAST", 2000, 9 * MB), map("BIG", 9000, 50 * MB))
                .compare();
        assertThat(r.maps()).extracting(m -> m.owner().label()).containsExactly("com.acme.Shop.FAST",
                "com.acme.Shop.SLOW", "com.acme.Shop.BIG");
    }

    @Test
    void inputsTakenAtTheSameMomentHaveNoRateAndSaySo() {
        GrowthResult r = new Inputs().at(0, 100 * MB, map("M", 100, MB)).at(0, 100 * MB, map("M", 9000, 9 * MB))
                .compare();
        MapGrowth m = only(r);
        assertThat(m.trend()).isEqualTo(Trend.GROWING);
        assertThat(m.entriesPerMinute()).isNull();
        assertThat(m.bytesPerMinute()).isNull();
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("were taken at the same moment"));
        assertThat(GrowthGate.parse("1GB/min").met(r)).as("a growing map whose pace is unknown meets the gate")
                .containsExactly(m);
    }

    @Test
    void theSameDumpTwiceIsRefused() {
        List<GrowthInput> one = new Inputs().at(0, 100 * MB, map("M", 100, MB)).list();
        List<GrowthInput> twice = Arrays.asList(one.get(0), new GrowthInput(java.nio.file.Path.of("copy.hprof"),
                GrowthInput.Kind.DUMP, 2, one.get(0).result()));
        assertThat(Growth.sameDump(twice)).isEqualTo("/reports/shop-1.json and copy.hprof are the same dump (taken "
                + "2026-03-01T10:00:00Z, 100,001 objects): give each dump once, as a dump or as its report");
        assertThatThrownBy(() -> Growth.compare(twice, GrowthOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anotherRunOfTheSameProgramIsAWarningNamingWhatDiffers() {
        GrowthResult r = new Inputs().at(0, 100 * MB, map("M", 100, MB))
                .run("0x9999", 5151, "com.acme.Shop --port 8080").at(10, 100 * MB, map("M", 100, MB)).compare();
        assertThat(r.warnings()).singleElement().asString()
                .startsWith("shop-1.json and shop-2.json look like dumps of different processes (the program was "
                        + "restarted between them): the JVM's per-run salt")
                .contains("pid 4242 against 5151");
    }

    @Test
    void anotherProgramIsAWarningNamingTheCommands() {
        GrowthResult r = new Inputs().at(0, 100 * MB, map("M", 100, MB))
                .run("0x9999", -1, "com.acme.Billing").at(10, 100 * MB, map("M", 100, MB)).compare();
        assertThat(r.warnings()).singleElement().asString().doesNotContain("restarted")
                .contains("sun.java.command is \"com.acme.Shop --port 8080\" in one and \"com.acme.Billing\" in the "
                        + "other");
    }

    @Test
    void theMaxHeapComesFromTheLastInputOrFromTheUserAndADifferenceIsAWarning() {
        Inputs in = new Inputs().at(0, 100 * MB, map("M", 100, MB)).maxHeap(2L << 30).at(10, 100 * MB,
                map("M", 100, MB));
        GrowthResult r = in.compare();
        assertThat(r.heap().maxHeapBytes()).isEqualTo(2L << 30);
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).startsWith("the max heap differs between the inputs "
                + "(1.0 GB in shop-1.json; 2.0 GB in shop-2.json)"));
        GrowthResult given = Growth.compare(in.list(), new GrowthOptions(new GrowthThresholds(), 512 * MB));
        assertThat(given.heap().maxHeapBytes()).isEqualTo(512 * MB);
        assertThat(given.heap().maxHeapFrom()).isEqualTo("given with --max-heap");
    }

    @Test
    void classesWhoseCountsGrowFastestComeFirstAndAClassBelowTheTableIsAbsentThere() {
        GrowthResult r = new Inputs()
                .at(0, 100 * MB, List.of(), List.of(cls("java.lang.String", 100_000, 2_400_000),
                        cls("com.acme.Order", 20_000, 640_000)))
                .at(10, 100 * MB, List.of(), List.of(cls("java.lang.String", 100_400, 2_409_600),
                        cls("com.acme.Order", 60_000, 1_920_000), cls("com.acme.Session", 3_000, 96_000)))
                .compare();
        assertThat(r.classes()).as("stable classes are counted, not listed")
                .extracting(c -> c.name() + " " + c.trend().word()).containsExactly(
                "com.acme.Order growing", "com.acme.Session new");
        assertThat(r.classTrends()).containsEntry("growing", 1).containsEntry("new", 1).containsEntry("stable", 1);
        assertThat(r.classes().get(0).instancesPerMinute()).isEqualTo(4000.0);
        assertThat(r.classes().get(1).instances()).containsExactly(null, 3000L);
    }

    @Test
    void aReportWithoutTheClassTableLeavesClassesOutWithAWarning() {
        GrowthResult r = new Inputs().withoutClassTable().at(0, 100 * MB, map("M", 100, MB))
                .at(10, 100 * MB, map("M", 100, MB)).compare();
        assertThat(r.classes()).isEmpty();
        assertThat(r.classTrends().values()).containsOnly(0);
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).startsWith("classes are not compared: the report of "
                + "shop-1.json has no per-class instance table"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"1MB/h, 17476.266666, true", "512KB/min, 524288, true", "1000/min, 1000, false", "5/s, 300, false",
        "2GB/d, 1491308.088888, true", "1.5 mb / hour, 26214.4, true"})
    void gateRatesAreBytesOrEntriesPerTime(String text, double perMinute, boolean bytes) {
        GrowthGate gate = GrowthGate.parse(text);
        assertThat(gate.perMinute()).isCloseTo(perMinute, org.assertj.core.data.Offset.offset(0.01));
        assertThat(gate.bytes()).isEqualTo(bytes);
    }

    @Test
    void aRateWithoutATimeIsRefusedWithAnExample() {
        assertThatThrownBy(() -> GrowthGate.parse("1MB")).hasMessage("'1MB' is not a rate: give bytes or entries "
                + "per time, e.g. 1MB/h, 512KB/min, 1000/min, 5/s");
    }

    @Test
    void thresholdsAreChangedByNameAndUnknownOnesAreRefused() {
        GrowthThresholds t = new GrowthThresholds().set("trend.share=0.05");
        assertThat(t.share()).isEqualTo(0.05);
        assertThatThrownBy(() -> t.set("trend.nope=1")).hasMessageContaining("unknown threshold 'trend.nope'");
        assertThatThrownBy(() -> t.set("trend.share=-1")).hasMessage("threshold trend.share takes a number from 0");
        assertThat(t.describe()).contains("trend.share").contains("trend.entries").contains("trend.bytes")
                .contains("trend.instances");
        MapGrowth m = only(Growth.compare(new Inputs().at(0, 100 * MB, map("M", 1000, 1000))
                .at(5, 100 * MB, map("M", 1060, 1000)).list(), new GrowthOptions(t.set("trend.entries=50"), -1)));
        assertThat(m.trend()).isEqualTo(Trend.GROWING);
    }
}
