package io.mapleak.maps;

import java.util.ArrayList;
import java.util.List;

/** Accumulates {@link Consistency} facts during one walk of a map's internals. Not thread-safe. */
final class WalkStats {
    /** Problems kept in words, at most; the counts carry the rest. */
    private static final int MAX_PROBLEMS = 10;

    long entries;
    long binsUsed;
    long longestBin;
    long treeBins;
    long loops;
    long misplaced;
    boolean linkedOrderMismatch;
    long stale;
    long forwarded;
    final List<String> problems = new ArrayList<>();
    /** Distinct key classes seen (class indices), at most {@link #MAX_KEY_CLASSES}; -1 marks "and more". */
    private final int[] keyClasses = new int[MAX_KEY_CLASSES + 1];
    private int keyClassCount;
    private static final int MAX_KEY_CLASSES = 8;

    /** Notes the class of a key the walk met (index lookups only: no file reads). */
    void key(MapContext ctx, long keyId) {
        if (keyClassCount > MAX_KEY_CLASSES || keyId == 0) {
            return;
        }
        int o = ctx.object(keyId);
        if (o < 0) {
            return;
        }
        int cls = ctx.index.classIndexOf(o);
        for (int i = 0; i < keyClassCount; i++) {
            if (keyClasses[i] == cls) {
                return;
            }
        }
        keyClasses[keyClassCount++] = keyClassCount <= MAX_KEY_CLASSES ? cls : -1;
    }

    int[] keyClasses() {
        return java.util.Arrays.copyOf(keyClasses, keyClassCount);
    }

    void bin(long length) {
        if (length > 0) {
            binsUsed++;
            longestBin = Math.max(longestBin, length);
        }
    }

    void problem(String text) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        }
    }

    Consistency result(long storedSize) {
        long mismatch = storedSize >= 0 ? storedSize - entries : 0;
        if (mismatch != 0) {
            problem(String.format("size is %,d but %,d entries are reachable from the table", storedSize, entries));
        }
        return new Consistency(binsUsed, longestBin, treeBins, loops, misplaced, linkedOrderMismatch, stale,
                forwarded, mismatch, List.copyOf(problems));
    }
}
