package io.mapleak.detect;

import java.util.List;

/**
 * {@code stale-thread-locals}: how many live threads hold entries whose ThreadLocal is gone, those entries, the
 * bytes their values retain, the values' classes, and per thread (the twenty holding the most).
 */
public record StaleThreadLocalsEvidence(int threads, long staleEntries, long staleValueBytes,
        List<ClassCount> valueClasses, List<PerThread> perThread) implements Evidence {

    /** One thread's stale entries and what their values retain. */
    public record PerThread(String thread, long staleEntries, long staleValueBytes) {
    }
}
