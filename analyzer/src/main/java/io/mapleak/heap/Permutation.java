package io.mapleak.heap;

/**
 * Orders objects by id. Dumps arrive nearly sorted (HotSpot writes in address order: one run, or one run per
 * dumping thread in JDK 21+, plus class mirrors up front), so a natural merge sort over the existing ascending
 * runs costs O(n log runs), close to linear. Stable: equal ids keep file order.
 */
final class Permutation {
    private Permutation() {
    }

    static boolean isSorted(long[] keys) {
        for (int i = 1; i < keys.length; i++) {
            if (keys[i] < keys[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /** The permutation p such that keys[p[0]] <= keys[p[1]] <= ... */
    static int[] sortedOrder(long[] keys) {
        int n = keys.length;
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        if (n < 2) {
            return a;
        }
        // Run boundaries: runs[k] is the start of run k; runs[count] = n.
        int[] runs = new int[16];
        int count = 0;
        runs[count++] = 0;
        for (int i = 1; i < n; i++) {
            if (keys[i] < keys[i - 1]) {
                if (count == runs.length) {
                    runs = java.util.Arrays.copyOf(runs, count * 2);
                }
                runs[count++] = i;
            }
        }
        if (count == 1) {
            return a;
        }
        if (count + 1 > runs.length) {
            runs = java.util.Arrays.copyOf(runs, count + 1);
        }
        runs[count] = n;
        int[] b = new int[n];
        while (count > 1) {
            int out = 0;
            int k = 0;
            for (; k + 1 < count; k += 2) {
                merge(keys, a, b, runs[k], runs[k + 1], runs[k + 2]);
                runs[out++] = runs[k];
            }
            if (k < count) {
                System.arraycopy(a, runs[k], b, runs[k], runs[k + 1] - runs[k]);
                runs[out++] = runs[k];
            }
            runs[out] = n;
            count = out;
            int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }

    private static void merge(long[] keys, int[] src, int[] dst, int lo, int mid, int hi) {
        int i = lo;
        int j = mid;
        int o = lo;
        while (i < mid && j < hi) {
            if (keys[src[j]] < keys[src[i]]) {
                dst[o++] = src[j++];
            } else {
                dst[o++] = src[i++];
            }
        }
        while (i < mid) {
            dst[o++] = src[i++];
        }
        while (j < hi) {
            dst[o++] = src[j++];
        }
    }

    static long[] apply(long[] values, int[] order) {
        long[] out = new long[values.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = values[order[i]];
        }
        return out;
    }

    static int[] apply(int[] values, int[] order) {
        int[] out = new int[values.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = values[order[i]];
        }
        return out;
    }
}
