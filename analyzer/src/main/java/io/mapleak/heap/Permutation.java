package io.mapleak.heap;

import io.mapleak.heap.columns.PackedLongs;

import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.IntColumn;

/**
 * Orders objects by id. Dumps arrive nearly sorted (HotSpot writes in address order: one run, or one run per
 * dumping thread in JDK 21+, plus class mirrors up front), so a natural merge sort over the existing ascending
 * runs costs O(n log runs), close to linear. Stable: equal ids keep file order. Works on columns, so the order of
 * a dump larger than the memory budget is computed in temp files.
 */
final class Permutation {
    private Permutation() {
    }

    /** The permutation p such that keys[p[0]] <= keys[p[1]] <= ... */
    static IntColumn sortedOrder(PackedLongs keys, ColumnStore store) {
        int n = (int) keys.length();
        IntColumn a = store.scratchInts("order", n);
        for (int i = 0; i < n; i++) {
            a.set(i, i);
        }
        if (n < 2) {
            return a;
        }
        // Run boundaries: runs[k] is the start of run k; runs[count] = n.
        int[] runs = new int[16];
        int count = 0;
        runs[count++] = 0;
        for (int i = 1; i < n; i++) {
            if (keys.get(i) < keys.get(i - 1)) {
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
        IntColumn b = store.scratchInts("order-merge", n);
        while (count > 1) {
            int out = 0;
            int k = 0;
            for (; k + 1 < count; k += 2) {
                merge(keys, a, b, runs[k], runs[k + 1], runs[k + 2]);
                runs[out++] = runs[k];
            }
            if (k < count) {
                for (int i = runs[k]; i < runs[k + 1]; i++) {
                    b.set(i, a.get(i));
                }
                runs[out++] = runs[k];
            }
            runs[out] = n;
            count = out;
            IntColumn t = a;
            a = b;
            b = t;
        }
        b.close();
        return a;
    }

    private static void merge(PackedLongs keys, IntColumn src, IntColumn dst, int lo, int mid, int hi) {
        int i = lo;
        int j = mid;
        int o = lo;
        while (i < mid && j < hi) {
            int si = src.get(i);
            int sj = src.get(j);
            if (keys.get(sj) < keys.get(si)) {
                dst.set(o++, sj);
                j++;
            } else {
                dst.set(o++, si);
                i++;
            }
        }
        while (i < mid) {
            dst.set(o++, src.get(i++));
        }
        while (j < hi) {
            dst.set(o++, src.get(j++));
        }
    }

    /** {@code values} in {@code order}, as a new column; {@code values} is closed. */
    static PackedLongs apply(PackedLongs values, IntColumn order, ColumnStore store, String name) {
        PackedLongs out = PackedLongs.of(store, name, order.length(), i -> values.get(order.get(i)));
        values.close();
        return out;
    }

    /** {@code values} in {@code order}, as a new column; {@code values} is closed. */
    static IntColumn apply(IntColumn values, IntColumn order, ColumnStore store, String name) {
        IntColumn out = store.scratchInts(name, values.length());
        for (long i = 0; i < order.length(); i++) {
            out.set(i, values.get(order.get(i)));
        }
        values.close();
        return out;
    }
}
