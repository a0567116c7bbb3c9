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
    /** Null until the first problem: most walks find none. */
    private List<String> problems;
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
        if (keyClassCount == 0) {
            return NO_CLASSES;
        }
        if (keyClassCount == 1 && keyClasses[0] >= 0) {
            return ONE_CLASS.computeIfAbsent(keyClasses[0], c -> new int[] {c});
        }
        return java.util.Arrays.copyOf(keyClasses, keyClassCount);
    }

    /**
     * Key classes of one class, shared: most maps hold keys of one class, and every decoded map keeps its array
     * for the rest of the analysis ({@link MapView#keyClasses()} hands out copies).
     */
    private static final java.util.concurrent.ConcurrentHashMap<Integer, int[]> ONE_CLASS =
            new java.util.concurrent.ConcurrentHashMap<>();
    static final int[] NO_CLASSES = new int[0];

    /** Scratch for {@link HashMapDecoder#walkChain}: the last nodes of the chain being walked. */
    final int[] recent = new int[HashMapDecoder.SHORT_CHAIN];

    void bin(long length) {
        if (length > 0) {
            binsUsed++;
            longestBin = Math.max(longestBin, length);
        }
    }

    void problem(String text) {
        if (problems == null) {
            problems = new ArrayList<>();
        }
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        }
    }

    Consistency result(long storedSize) {
        long mismatch = storedSize >= 0 ? storedSize - entries : 0;
        if (mismatch != 0) {
            problem(String.format("size is %,d but %,d entries are reachable from the table", storedSize, entries));
        }
        return Consistency.shared(new Consistency(binsUsed, longestBin, treeBins, loops, misplaced,
                linkedOrderMismatch, stale, forwarded, mismatch, problems == null ? List.of() : List.copyOf(problems)));
    }
}
