package io.mapleak.heap;

import java.util.Arrays;

/**
 * Learns instance sizes from addresses where the computed layout falls short. An object can never be larger
 * than the gap to the next object, so the smallest gap seen after any instance of a class bounds its size from
 * above; when several instances sit at exactly that gap, it is the size. This settles what HPROF does not
 * describe: fields the JVM injects, {@code @Contended} padding, layout rules of JVMs we do not model.
 */
final class SizeLearner {
    /** Padding beyond the computed size we accept as real: two 128-byte @Contended pads plus alignment. */
    private static final long MAX_EXTRA = 272;
    /** Instances that must sit at the smallest gap before it counts as the size. */
    private static final int MIN_HITS = 2;

    private long[] minGap;
    private int[] hits;

    SizeLearner(int classes) {
        minGap = new long[Math.max(16, classes)];
        hits = new int[minGap.length];
        Arrays.fill(minGap, Long.MAX_VALUE);
    }

    /** The smallest gap seen so far after an instance of {@code cls} (Long.MAX_VALUE if none). */
    long min(int cls) {
        return cls < minGap.length ? minGap[cls] : Long.MAX_VALUE;
    }

    /** An instance of class {@code cls} is followed by another object {@code gap} bytes further on. */
    void observe(int cls, long gap) {
        if (gap <= 0) {
            return;
        }
        if (cls >= minGap.length) {
            int n = Math.max(cls + 1, minGap.length * 2);
            int old = minGap.length;
            minGap = Arrays.copyOf(minGap, n);
            hits = Arrays.copyOf(hits, n);
            Arrays.fill(minGap, old, n, Long.MAX_VALUE);
        }
        long m = minGap[cls];
        if (gap < m) {
            minGap[cls] = gap;
            hits[cls] = 1;
        } else if (gap == m) {
            hits[cls]++;
        }
    }

    /** Corrects the instance sizes of non-array classes; returns how many were changed. */
    int apply(java.util.List<ClassInfo> classes) {
        int changed = 0;
        for (ClassInfo c : classes) {
            if (c.isArray() || c.index >= minGap.length || minGap[c.index] == Long.MAX_VALUE) {
                continue;
            }
            long gap = minGap[c.index];
            boolean tooLarge = gap < c.instanceSize;
            boolean tooSmall = gap > c.instanceSize && hits[c.index] >= MIN_HITS
                    && gap - c.instanceSize <= MAX_EXTRA;
            if (tooLarge || tooSmall) {
                c.instanceSize = gap;
                c.sizeLearned = true;
                changed++;
            }
        }
        return changed;
    }
}
