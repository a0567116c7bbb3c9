package io.mapleak.heap;

import java.util.List;

/**
 * Instances and shallow bytes per class, as the JVM's own class histogram counts them ({@code java.lang.Class}
 * includes every class's mirror with its static fields). Rows are per class, not per name: classes of one name
 * from different loaders are separate rows.
 */
public record Histogram(List<Row> rows, long objects, long heapBytes, DumpFacts facts) {

    /** One class. */
    public record Row(String name, long classId, long instances, long shallowBytes) {
    }
}
