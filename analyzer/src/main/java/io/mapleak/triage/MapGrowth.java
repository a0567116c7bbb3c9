package io.mapleak.triage;

import java.util.List;

/**
 * How an application's largest maps grew across its dumps: the one thing the index pages need from a growth
 * comparison. {@link InventoryGrowth} computes it from the inventory rows the store keeps per dump; the growth
 * package (issue 11) can take its place behind this interface.
 */
public interface MapGrowth {

    /**
     * The growth of the {@code top} largest maps of the last dump across all of {@code dumps} (one application's,
     * in time order, at least two).
     */
    List<Series> of(List<DumpMaps> dumps, int top);

    /** One dump's largest maps (its inventory's first rows), and when it was taken. */
    record DumpMaps(String file, long timeMs, List<MapRow> maps) {
        public DumpMaps {
            maps = List.copyOf(maps);
        }
    }

    /** An inventory row as the store keeps it: the owner key matches a map across dumps. */
    record MapRow(String key, String label, String className, long size, long retainedBytes) {
    }

    /**
     * One map across the dumps: entries and retained bytes per dump (null where the map is not among that dump's
     * largest), and the trend: {@code growing}, {@code stable}, {@code shrinking}, {@code new} (absent from the first
     * dump) or {@code gone}.
     */
    record Series(String key, String label, String className, List<Long> sizes, List<Long> retainedBytes,
            String trend) {
        public Series {
            sizes = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(sizes));
            retainedBytes = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(retainedBytes));
        }
    }
}
