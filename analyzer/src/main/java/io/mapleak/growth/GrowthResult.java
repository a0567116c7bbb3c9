package io.mapleak.growth;

import io.mapleak.analysis.AnalysisResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a growth comparison established, immutable: the inputs in time order, the live heap across them, every
 * map followed (the fastest-growing first) and the classes whose instance counts grow fastest. Written as the
 * growth JSON report ({@code GrowthJson}; schema in docs/report-schema.md) and read back unchanged; the HTML page
 * and the terminal text render it and compute nothing.
 *
 * <p>Lists of per-input values hold one element per input, in {@link #inputs} order, {@code null} where the map or
 * class is not listed in that input (absent, or below the analyze report's floor there).
 *
 * @param thresholds the trend thresholds used (see {@link GrowthThresholds})
 * @param trends     how many maps have each trend, in {@link Trend} order
 * @param classes     the classes whose instance counts changed beyond the thresholds (stable ones are left out),
 *                    the fastest-growing first
 * @param classTrends how many classes have each trend, stable ones included; all 0 when classes were not compared
 * @param warnings   inputs that look like different processes, out of order, identical timestamps, lists cut...
 */
public record GrowthResult(String schemaVersion, AnalysisResult.Tool tool, List<Input> inputs, Heap heap,
        List<MapGrowth> maps, Map<String, Integer> trends, List<ClassGrowth> classes, Map<String, Integer> classTrends,
        Map<String, Double> thresholds, List<String> warnings) {

    /** The version of the growth JSON this code writes; see docs/report-schema.md. */
    public static final String SCHEMA_VERSION = "1.0";

    public GrowthResult {
        inputs = List.copyOf(inputs);
        maps = List.copyOf(maps);
        trends = Collections.unmodifiableMap(new LinkedHashMap<>(trends));
        classes = List.copyOf(classes);
        classTrends = Collections.unmodifiableMap(new LinkedHashMap<>(classTrends));
        thresholds = Collections.unmodifiableMap(new LinkedHashMap<>(thresholds));
        warnings = List.copyOf(warnings);
    }

    /**
     * One input, as it was read.
     *
     * @param file        the path as given
     * @param kind        {@code dump} (analysed for this comparison) or {@code report} (an analyze JSON report)
     * @param argument    its position on the command line, from 1 (inputs are listed in time order)
     * @param timestamp   when the dump was taken (ISO-8601, UTC)
     * @param minutes     minutes since the first input's dump
     * @param heapBytes   shallow bytes of every object in the dump
     * @param liveBytes   of those, what GC roots reach
     * @param maxHeapBytes the JVM's max heap as the dump tells it, or -1
     * @param mapsListed  maps (or groups of small maps) in its inventory
     * @param analysedBy  the mapleak version that analysed the dump
     */
    public record Input(String file, String kind, int argument, String timestamp, double minutes, long heapBytes,
            long liveBytes, long maxHeapBytes, int mapsListed, String analysedBy) {
    }

    /**
     * The live heap across the inputs.
     *
     * @param liveBytes          per input
     * @param bytesPerMinute     {@code liveBytes}' change from the first input to the last, per minute; null when
     *                           they were taken at the same moment
     * @param maxHeapBytes       the limit "full" means, or -1 when unknown
     * @param maxHeapFrom        where it comes from ({@code --max-heap}, or what the last dump tells), or why it
     *                           is unknown
     * @param heapFullIn         at that pace, when the live heap reaches the max heap (ISO-8601 duration, from the
     *                           last input); null when it does not rise or the max heap is unknown
     * @param heapFullInMinutes  the same in minutes
     */
    public record Heap(List<Long> liveBytes, Long bytesPerMinute, long maxHeapBytes, String maxHeapFrom,
            String heapFullIn, Double heapFullInMinutes) {
        public Heap {
            liveBytes = nullable(liveBytes);
        }
    }

    /**
     * One map, or the maps one owner path holds (per-thread maps of a pool, one map per array slot...), followed
     * across the inputs.
     *
     * @param owner              who holds it, from the latest input that lists it; {@code owner.key} is what
     *                           matched it across inputs
     * @param className          its implementation (the largest member's, in the latest input that lists it)
     * @param kind               {@code hash-table}, {@code tree}... as in the analyze report
     * @param mapCount           maps under this owner path, at most over the inputs
     * @param mapCounts          per input
     * @param sizes              entries per input (sums over the maps)
     * @param capacities         table slots per input, -1 where the implementation has none
     * @param retainedBytes      per input
     * @param trend              see {@link Trend}
     * @param why                one sentence: the change the trend was decided on
     * @param entriesPerMinute   the change of {@code sizes} from the first input that lists the map to the last, per
     *                           minute; null when only one lists it or they were taken at the same moment
     * @param bytesPerMinute     the same for {@code retainedBytes}
     * @param heapFullIn         for a growing map, when the heap would be full if it alone kept growing at
     *                           {@code bytesPerMinute} (ISO-8601 duration from the last input); null otherwise or
     *                           when the max heap is unknown
     * @param heapFullInMinutes  the same in minutes
     */
    public record MapGrowth(AnalysisResult.Owner owner, String className, String kind, int mapCount,
            List<Integer> mapCounts, List<Long> sizes, List<Long> capacities, List<Long> retainedBytes, Trend trend,
            String why, Double entriesPerMinute, Long bytesPerMinute, String heapFullIn, Double heapFullInMinutes) {
        public MapGrowth {
            mapCounts = nullable(mapCounts);
            sizes = nullable(sizes);
            capacities = nullable(capacities);
            retainedBytes = nullable(retainedBytes);
        }
    }

    /**
     * A class's instances that GC roots reach, across the inputs (classes of one name from several loaders summed).
     *
     * @param instances          per input, null where the class is not among the analyze report's 500 classes
     *                           with the most instances
     * @param shallowBytes       per input
     * @param instancesPerMinute the change of {@code instances} from the first input that lists the class to the
     *                           last, per minute, or null
     * @param bytesPerMinute     the same for {@code shallowBytes}
     */
    public record ClassGrowth(String name, List<Long> instances, List<Long> shallowBytes, Trend trend,
            Double instancesPerMinute, Long bytesPerMinute) {
        public ClassGrowth {
            instances = nullable(instances);
            shallowBytes = nullable(shallowBytes);
        }
    }

    /** An unmodifiable copy that may hold nulls (List.copyOf does not allow them). */
    static <T> List<T> nullable(List<T> list) {
        return Collections.unmodifiableList(new ArrayList<>(list));
    }
}
