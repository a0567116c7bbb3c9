package io.mapleak.analysis;

import io.mapleak.analysis.AnalysisResult.ClassRow;
import io.mapleak.graph.ClassRetention;
import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The instances GC roots reach and their shallow bytes, per class name, for the names with the most instances
 * ({@link AnalysisResult.Classes#byInstances}): what growth compares across dumps to find the classes whose counts
 * grow fastest. Classes of one name from several loaders are one row, since loaders (and their ids) differ from dump
 * to dump. From the counts {@link ClassRetention} makes in its first sweep: nothing per object.
 */
final class LiveClasses {
    private LiveClasses() {
    }

    static List<ClassRow> byInstances(HeapIndex index, ClassRetention.Totals totals, int rows) {
        long[] instances = totals.instances();
        long[] bytes = totals.bytes();
        Map<String, long[]> byName = new HashMap<>();
        for (ClassInfo c : index.classes()) {
            if (instances[c.index()] > 0) {
                long[] sum = byName.computeIfAbsent(c.name(), k -> new long[2]);
                sum[0] += instances[c.index()];
                sum[1] += bytes[c.index()];
            }
        }
        List<ClassRow> all = new ArrayList<>();
        byName.forEach((name, sum) -> all.add(new ClassRow(name, sum[0], sum[1], -1)));
        all.sort(Comparator.comparingLong(ClassRow::instances).reversed().thenComparing(ClassRow::name));
        return all.subList(0, Math.min(rows, all.size()));
    }
}
