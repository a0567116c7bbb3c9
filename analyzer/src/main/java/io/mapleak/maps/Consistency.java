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

    /** Bins and chain length up to which a clean result is shared (at most 256 × 8 shared values). */
    private static final int SHARED_BINS = 256;
    private static final int SHARED_CHAIN = 8;
    /**
     * The shared clean results, by bins used and longest chain (the only fields a shared result varies in): a table
     * rather than a hash map, since a record's own hashCode and equals go through method handles the JDK spins
     * classes for at first use (and the optimising compiler then compiles its class writer, a fifth of a second
     * on the benchmark machine). Two threads sharing one slot at once may each keep an instance: equal ones.
     */
    private static final java.util.concurrent.atomic.AtomicReferenceArray<Consistency> SHARED =
            new java.util.concurrent.atomic.AtomicReferenceArray<>((SHARED_BINS + 1) * (SHARED_CHAIN + 1));

    /**
     * {@code c}, or an equal instance handed out before: for the results of small maps walked without a finding,
     * which a large dump has millions of, all alike (one bin of one entry, a few bins of one or two...). Every
     * decoded map keeps its result for the rest of the analysis, so on a dump with 4 million maps this keeps
     * about 350 MB of identical records off the heap.
     */
    static Consistency shared(Consistency c) {
        if (c.binsUsed < 0 || c.binsUsed > SHARED_BINS || c.longestBin < 0 || c.longestBin > SHARED_CHAIN
                || c.treeBins != 0 || c.loops != 0
                || c.misplacedEntries != 0 || c.linkedOrderMismatch || c.staleEntries != 0 || c.forwardedBins != 0
                || c.sizeMismatch != 0 || !c.problems.isEmpty()) {
            return c;
        }
        int slot = (int) c.binsUsed * (SHARED_CHAIN + 1) + (int) c.longestBin;
        Consistency before = SHARED.get(slot);
        if (before != null) {
            return before;
        }
        return SHARED.compareAndSet(slot, null, c) ? c : SHARED.get(slot);
    }

    /**
     * Whether the walk found internals that a correctly used map never has. A size that differs from the entries
     * reached counts too; callers judge it for thread-safe maps, whose counters may lag an insert in flight.
     */
    public boolean corrupt() {
        return loops > 0 || misplacedEntries > 0 || linkedOrderMismatch || sizeMismatch != 0;
    }
}
