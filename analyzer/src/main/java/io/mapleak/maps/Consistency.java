package io.mapleak.maps;

import java.util.List;

/**
 * What walking a map's internals established: how many bins hold entries and the longest chain, tree bins,
 * chains that loop, entries in a bin their stored hash does not select, a linked order that disagrees with the
 * table, stale weak entries (cleared keys still counted in {@code size}), bins forwarded by a resize in progress,
 * and any other problem in words. {@code sizeMismatch} is the stored size minus the entries reached.
 */
public record Consistency(long binsUsed, long longestBin, long treeBins, long loops, long misplacedEntries,
        boolean linkedOrderMismatch, long staleEntries, long forwardedBins, long sizeMismatch, List<String> problems) {

    public static final Consistency NONE = new Consistency(0, 0, 0, 0, 0, false, 0, 0, 0, List.of());

    /**
     * Whether the walk found internals that a correctly used map never has. A size that differs from the entries
     * reached counts too; callers judge it for thread-safe maps, whose counters may lag an insert in flight.
     */
    public boolean corrupt() {
        return loops > 0 || misplacedEntries > 0 || linkedOrderMismatch || sizeMismatch != 0;
    }
}
