package io.mapleak.detect;

/**
 * {@code hollow-table}: the table's entries against its slots, its load factor (null where the class keeps none),
 * how many changes it has seen ({@code modCount}, -1 where not kept), the bytes its empty slots take, and what a
 * right-sized table for its entries would take.
 */
public record HollowTableEvidence(long size, long capacity, Float loadFactor, long modCount, long wastedBytes,
        long compactedTableBytes) implements Evidence {
}
