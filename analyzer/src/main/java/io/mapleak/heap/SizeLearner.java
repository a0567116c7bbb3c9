package io.mapleak.heap;

import java.util.Arrays;

/**
 * Corrects computed instance sizes with object addresses. An object can never be larger than the gap to the next
 * object, so the smallest gap seen after any instance of a class bounds its size from above; where the layout
 * model computed more, the gap wins. Only this direction is sound: a larger gap proves nothing, because dumps
 * have holes (objects the dumper skips, dead space) and file order need not be address order.
 */
final class SizeLearner {
    private long[] minGap;

    SizeLearner(int classes) {
        minGap = new long[Math.max(16, classes)];
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
            Arrays.fill(minGap, old, n, Long.MAX_VALUE);
        }
        long m = minGap[cls];
        if (gap < m) {
            minGap[cls] = gap;
        }
    }

    /** Adds what {@code other} saw (over other objects) to what this one saw. */
    void merge(SizeLearner other) {
        for (int c = 0; c < other.minGap.length; c++) {
            if (other.minGap[c] != Long.MAX_VALUE) {
                observe(c, other.minGap[c]);
            }
        }
    }

    /** Lowers instance sizes the addresses prove too large; returns how many were changed. */
    int apply(java.util.List<ClassInfo> classes) {
        int changed = 0;
        for (ClassInfo c : classes) {
            if (c.isArray() || c.index >= minGap.length || minGap[c.index] == Long.MAX_VALUE) {
                continue;
            }
            long gap = minGap[c.index];
            if (gap < c.instanceSize) {
                c.instanceSize = gap;
                c.sizeLearned = true;
                changed++;
            }
        }
        return changed;
    }
}
