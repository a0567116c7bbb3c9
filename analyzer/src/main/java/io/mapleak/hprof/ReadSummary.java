package io.mapleak.hprof;

/**
 * How a read ended: the header, where reading stopped, how many heap dumps the file holds, and, if the dump
 * ended early or was corrupt past recovery, a sentence saying where ({@code truncation} is null otherwise).
 */
public record ReadSummary(HprofHeader header, long endOffset, int heapDumps, long records, String truncation,
        long truncationOffset) {

    public boolean truncated() {
        return truncation != null;
    }
}
