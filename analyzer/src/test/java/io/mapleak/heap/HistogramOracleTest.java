package io.mapleak.heap;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import io.mapleak.testing.JvmHistogram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * mapleak's histogram against the JVM's own ({@code GC.class_histogram}, taken right before and right after the
 * dump, with class-data sharing off): on every layout, each class's instance count is exact, shallow bytes are
 * exact for at least 99% of classes, and the total is within 0.5%.
 */
class HistogramOracleTest {

    /**
     * Objects the measuring itself creates or holds, so the dump and the histograms see different numbers of
     * them (a few at most): the diagnostic MBean builds the command line in a StringBuilder while the histogram
     * runs; dumpHeap allocates a capturing lambda and a 64 KB buffer while it dumps. Every other class must match.
     */
    private static final Set<String> MEASUREMENT_ARTIFACTS = Set.of("java.lang.StringBuilder", "byte[]");
    private static final String DUMP_LAMBDA = "com.sun.management.internal.HotSpotDiagnostic$$Lambda";
    private static final long ARTIFACT_TOLERANCE = 2;

    static Stream<Arguments> dumps() {
        List<Arguments> args = new ArrayList<>();
        for (Jvm jvm : Jvm.values()) {
            for (String scenario : List.of("smoke", "layout-zoo")) {
                args.add(Arguments.of(jvm, scenario));
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dumps")
    void countsAndBytesEqualTheJvmsOwnHistogram(Jvm jvm, String scenario) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, scenario);
        Histogram ours = HistogramBuilder.build(DumpFile.open(dump.hprof()), ReadOptions.defaults());
        Map<String, long[]> mine = byName(ours);
        Map<String, long[]> before = expected(dump.before());
        Map<String, long[]> after = expected(dump.after());

        Set<String> names = new TreeSet<>(mine.keySet());
        names.addAll(before.keySet());
        names.addAll(after.keySet());
        List<String> countErrors = new ArrayList<>();
        List<String> byteErrors = new ArrayList<>();
        int compared = 0;
        for (String name : names) {
            long[] o = mine.getOrDefault(name, new long[2]);
            long[] b = before.getOrDefault(name, new long[2]);
            long[] a = after.getOrDefault(name, new long[2]);
            long lo = Math.min(b[0], a[0]);
            long hi = Math.max(b[0], a[0]);
            long tolerance = MEASUREMENT_ARTIFACTS.contains(name) || name.startsWith(DUMP_LAMBDA)
                    ? ARTIFACT_TOLERANCE : 0;
            if (o[0] < lo - tolerance || o[0] > hi + tolerance) {
                countErrors.add(name + ": mapleak " + o[0] + ", JVM " + b[0] + " before / " + a[0] + " after");
                continue;
            }
            if (tolerance > 0 || o[0] == 0) {
                continue;
            }
            compared++;
            // Where the count equals one histogram, bytes must equal that histogram's; where it lies between,
            // the per-instance size must (instances: fixed size) or the bytes must lie between (arrays).
            boolean ok;
            if (o[0] == b[0] || o[0] == a[0]) {
                ok = (o[0] == b[0] && o[1] == b[1]) || (o[0] == a[0] && o[1] == a[1]);
            } else {
                ok = o[1] >= Math.min(b[1], a[1]) && o[1] <= Math.max(b[1], a[1]);
            }
            if (!ok) {
                byteErrors.add(name + ": mapleak " + o[1] + " bytes / " + o[0] + ", JVM " + b[1] + " / " + b[0]
                        + " before, " + a[1] + " / " + a[0] + " after");
            }
        }
        assertThat(countErrors).as("classes whose instance count differs from the JVM's").isEmpty();
        assertThat(byteErrors.size()).as("classes with other shallow bytes than the JVM's: %s", byteErrors)
                .isLessThanOrEqualTo(compared / 100);
        long jvmTotal = nearer(ours.heapBytes(), total(before), total(after));
        assertThat((double) Math.abs(ours.heapBytes() - jvmTotal) / jvmTotal).as("total bytes vs the JVM's")
                .isLessThan(0.005);
        assertThat(ours.facts().layout().inferred()).isTrue();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dumps")
    void indexHistogramEqualsTheStreamingHistogram(Jvm jvm, String scenario) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, scenario);
        DumpFile file = DumpFile.open(dump.hprof());
        Histogram streamed = HistogramBuilder.build(file, ReadOptions.defaults());
        try (HeapIndex index = HeapIndex.build(file, ReadOptions.defaults())) {
            Histogram indexed = index.histogram();
            assertThat(indexed.objects()).isEqualTo(streamed.objects());
            assertThat(indexed.heapBytes()).isEqualTo(streamed.heapBytes());
            assertThat(indexed.rows()).containsExactlyInAnyOrderElementsOf(streamed.rows());
            assertThat(index.facts().layout()).isEqualTo(streamed.facts().layout());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jvms")
    void layoutZooClassesAreCountedAsTheFixtureCreatedThem(Jvm jvm) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, "layout-zoo");
        Histogram ours = HistogramBuilder.build(DumpFile.open(dump.hprof()), ReadOptions.defaults());
        Map<String, long[]> mine = byName(ours);
        int checked = 0;
        for (var e : dump.facts().entrySet()) {
            if (!e.getKey().startsWith("count.")) {
                continue;
            }
            String className = dump.factString("class." + e.getKey().substring("count.".length()));
            long expected = Long.parseLong(e.getValue());
            assertThat(mine.getOrDefault(className, new long[2])[0]).as(className).isEqualTo(expected);
            assertThat(mine.get(className)[1]).as(className + " bytes")
                    .isEqualTo(dump.before().bytes(className));
            checked++;
        }
        assertThat(checked).isGreaterThan(20);
    }

    /**
     * Classes the JDK annotates with {@code @Contended} (the whole class, or groups of fields, differently across
     * versions) are padded by the JVM by 128 bytes per group: each instance's size must equal the JVM's exactly,
     * not merely fall within the 1% of classes allowed to differ. ForkJoinPool is 336 bytes on JDK 17, not 80.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"JDK17, bounded-caches", "JDK17, tomcat-session-leak", "JDK25, pooled-thread-locals"})
    void contendedClassesAreSizedAsTheJvmPadsThem(Jvm jvm, String scenario) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, scenario);
        Map<String, long[]> mine = byName(HistogramBuilder.build(DumpFile.open(dump.hprof()), ReadOptions.defaults()));
        Map<String, long[]> jvms = expected(dump.before());
        int checked = 0;
        for (String name : List.of("java.util.concurrent.ForkJoinPool", "java.util.concurrent.ForkJoinPool$WorkQueue",
                "java.util.concurrent.atomic.Striped64$Cell", "java.util.concurrent.ConcurrentHashMap$CounterCell",
                "java.lang.Thread")) {
            long[] theirs = jvms.get(name);
            if (theirs == null || theirs[0] == 0) {
                continue;
            }
            long[] ours = mine.getOrDefault(name, new long[2]);
            assertThat(ours[0]).as(name + " instances").isEqualTo(theirs[0]);
            assertThat(ours[1] / ours[0]).as(name + " bytes per instance").isEqualTo(theirs[1] / theirs[0]);
            checked++;
        }
        assertThat(checked).as("contended classes in the dump").isGreaterThanOrEqualTo(2);
    }

    static Stream<Jvm> jvms() {
        return Stream.of(Jvm.values());
    }

    private static Map<String, long[]> byName(Histogram h) {
        Map<String, long[]> m = new HashMap<>();
        for (Histogram.Row r : h.rows()) {
            long[] v = m.computeIfAbsent(r.name(), k -> new long[2]);
            v[0] += r.instances();
            v[1] += r.shallowBytes();
        }
        return m;
    }

    /** The JVM's histogram by name, with G1 filler arrays folded into int[] as the dump writes them (JDK 22+). */
    private static Map<String, long[]> expected(JvmHistogram h) {
        Map<String, long[]> m = new HashMap<>();
        for (JvmHistogram.Row r : h.rows()) {
            String name = r.name().equals("jdk.internal.vm.FillerElement[]") ? "int[]" : r.name();
            long[] v = m.computeIfAbsent(name, k -> new long[2]);
            v[0] += r.instances();
            v[1] += r.bytes();
        }
        return m;
    }

    private static long total(Map<String, long[]> m) {
        return m.values().stream().mapToLong(v -> v[1]).sum();
    }

    private static long nearer(long x, long a, long b) {
        return Math.abs(x - a) <= Math.abs(x - b) ? a : b;
    }
}
