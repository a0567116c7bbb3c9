package io.mapleak.heap;

import io.mapleak.hprof.BasicType;
import java.util.ArrayList;
import java.util.List;

/**
 * Infers the dump's {@link Layout} from object addresses. HotSpot writes objects in address order and, after
 * the full GC that precedes a dump, mostly packed: the gap between one object's address and the next is then
 * that object's size. Each candidate layout predicts every size; the right one never predicts a size larger
 * than the gap that follows and matches most gaps exactly. Alignment is the greatest common divisor of gaps.
 */
final class LayoutInference {
    /** Gaps above this are region or chunk boundaries, not object sizes; they only bound from above. */
    private static final long MAX_USEFUL_GAP = 1 << 20;
    /** Below this many usable pairs, the evidence is too thin to prefer one layout over the default. */
    private static final int MIN_PAIRS = 200;

    private LayoutInference() {
    }

    /** The outcome: the chosen layout and one sentence on the evidence. */
    record Result(Layout layout, String evidence) {
    }

    static List<Layout> candidates(int idSize, int alignment) {
        List<Layout> c = new ArrayList<>();
        if (idSize == 4) {
            c.add(new Layout(8, 4, alignment, Layout.FieldStyle.LEGACY, true));
            c.add(new Layout(8, 4, alignment, Layout.FieldStyle.MODERN, true));
            return c;
        }
        c.add(new Layout(12, 4, alignment, Layout.FieldStyle.MODERN, true));
        c.add(new Layout(12, 8, alignment, Layout.FieldStyle.MODERN, true));
        c.add(new Layout(16, 8, alignment, Layout.FieldStyle.MODERN, true));
        c.add(new Layout(16, 4, alignment, Layout.FieldStyle.MODERN, true));
        c.add(new Layout(8, 4, alignment, Layout.FieldStyle.MODERN, true));
        c.add(new Layout(8, 8, alignment, Layout.FieldStyle.MODERN, true));
        c.add(new Layout(12, 4, alignment, Layout.FieldStyle.LEGACY, true));
        c.add(new Layout(16, 8, alignment, Layout.FieldStyle.LEGACY, true));
        c.add(new Layout(16, 4, alignment, Layout.FieldStyle.LEGACY, true));
        return c;
    }

    /**
     * @param ids     object addresses, in the order the dump wrote them (or sorted)
     * @param classes per object its class index (after {@link ClassCatalog#finish}), or -1 to ignore the object
     * @param lengths per object the array length, or -1 for instances
     */
    static Result infer(ClassCatalog catalog, long[] ids, int[] classes, int[] lengths, int n) {
        int idSize = catalog.idSize();
        long gcd = 0;
        int pairs = 0;
        for (int i = 0; i + 1 < n; i++) {
            long gap = ids[i + 1] - ids[i];
            if (gap > 0 && gap < MAX_USEFUL_GAP) {
                gcd = gcd(gcd, gap);
                pairs++;
            }
        }
        Layout fallback = idSize == 4 ? new Layout(8, 4, 8, Layout.FieldStyle.LEGACY, false)
                : Layout.JDK17_DEFAULT;
        if (pairs < MIN_PAIRS || gcd < 4) {
            return new Result(fallback, "object ids do not look like addresses (" + pairs
                    + " usable gaps, common divisor " + gcd + "); assumed " + fallback.describe());
        }
        int alignment = (int) Math.min(256, Math.max(8, gcd));
        List<Layout> candidates = candidates(idSize, alignment);
        Layout best = null;
        long bestScore = Long.MIN_VALUE;
        long bestExact = 0;
        long bestViolations = 0;
        for (Layout candidate : candidates) {
            FieldLayoutEngine engine = new FieldLayoutEngine(catalog.classes, candidate);
            long[] instanceSize = new long[catalog.classes.size()];
            java.util.Arrays.fill(instanceSize, -1);
            long exact = 0;
            long violations = 0;
            for (int i = 0; i + 1 < n; i++) {
                int cls = classes[i];
                long gap = ids[i + 1] - ids[i];
                if (cls < 0 || gap <= 0 || gap >= MAX_USEFUL_GAP) {
                    continue;
                }
                long size;
                ClassInfo c = catalog.classes.get(cls);
                if (lengths[i] >= 0) {
                    int element = c.arrayElementType != 0 ? c.arrayElementType : BasicType.OBJECT;
                    size = candidate.arraySize(element, lengths[i]);
                } else {
                    if (instanceSize[cls] < 0) {
                        instanceSize[cls] = engine.instanceSize(cls);
                    }
                    size = instanceSize[cls];
                }
                if (size == gap) {
                    exact++;
                } else if (size > gap) {
                    violations++;
                }
            }
            // A layout that predicts objects larger than the room they have is wrong; weigh that heavily.
            long score = exact - 4 * violations;
            if (score > bestScore) {
                bestScore = score;
                best = candidate;
                bestExact = exact;
                bestViolations = violations;
            }
        }
        String evidence = String.format("inferred from %,d address gaps: %.1f%% match the predicted sizes exactly,"
                + " %,d contradict them", pairs, 100.0 * bestExact / pairs, bestViolations);
        return new Result(best, evidence);
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
