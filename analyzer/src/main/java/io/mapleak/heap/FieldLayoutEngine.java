package io.mapleak.heap;

import io.mapleak.hprof.BasicType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Computes the JVM's instance and mirror sizes of every class for one {@link Layout}, by replaying HotSpot's
 * field placement: JDK 15+ ({@code FieldLayoutBuilder}: primitives largest first, then references, each into
 * the smallest gap that fits anywhere in the object, superclass gaps included) or JDK 8-14 (fields grouped by
 * size after the superclass's fields, one 4-byte gap before longs filled). Fields the JVM injects and HPROF
 * omits (e.g. {@code ClassLoader.loader_data}) are added from a table.
 */
final class FieldLayoutEngine {
    private static final int INTPTR = BasicType.LONG;

    /** Fields HotSpot injects into bootstrap classes (javaClasses.hpp), which HPROF class dumps leave out. */
    private static final Map<String, int[]> INJECTED = Map.of(
            "java.lang.Class", new int[] {INTPTR, INTPTR, BasicType.INT, BasicType.INT, BasicType.OBJECT,
                BasicType.OBJECT, BasicType.OBJECT},
            "java.lang.ClassLoader", new int[] {INTPTR},
            "java.lang.invoke.ResolvedMethodName", new int[] {BasicType.OBJECT, INTPTR},
            "java.lang.invoke.MemberName", new int[] {INTPTR},
            "java.lang.invoke.MethodHandleNatives$CallSiteContext", new int[] {INTPTR, BasicType.LONG},
            "java.lang.StackFrameInfo", new int[] {BasicType.SHORT},
            "java.lang.Module", new int[] {INTPTR},
            "java.lang.InternalError", new int[] {BasicType.BOOLEAN},
            "java.lang.String", new int[] {BasicType.BYTE});

    /**
     * JDK classes whose fields carry {@code @jdk.internal.vm.annotation.Contended}: a class-level annotation
     * ("*": all fields in one padded group) or the names of the annotated fields (one group each name set).
     * HotSpot pads each group with 128 bytes before and once after all groups; subclasses start after another pad.
     * Where JDK versions annotate a class differently, the first {@link Contention} whose marker field the class
     * declares applies (a null marker always does).
     */
    private static final Map<String, List<Contention>> CONTENDED = Map.of(
            "java.lang.Thread", List.of(new Contention(null, List.of(List.of("threadLocalRandomSeed",
                    "threadLocalRandomProbe", "threadLocalRandomSecondarySeed")))),
            "java.util.concurrent.ConcurrentHashMap$CounterCell", List.of(Contention.WHOLE_CLASS),
            "java.util.concurrent.atomic.Striped64$Cell", List.of(Contention.WHOLE_CLASS),
            "java.util.concurrent.Exchanger$Node", List.of(Contention.WHOLE_CLASS),
            "java.util.concurrent.SubmissionPublisher$BufferedSubscription", List.of(Contention.WHOLE_CLASS),
            // JDK 19+ annotate two fields of the pool ("fjpctl") and six of a queue ("w"); JDK 9-18 the classes.
            "java.util.concurrent.ForkJoinPool", List.of(
                    new Contention("parallelism", List.of(List.of("ctl", "parallelism"))), Contention.WHOLE_CLASS),
            "java.util.concurrent.ForkJoinPool$WorkQueue", List.of(
                    new Contention("parking", List.of(List.of("top", "phase", "stackPred", "source", "nsteals",
                            "parking"))), Contention.WHOLE_CLASS));

    /** One way a class is annotated: when it declares {@code marker} (or always, for null), these field groups. */
    private record Contention(String marker, List<List<String>> groups) {
        static final Contention WHOLE_CLASS = new Contention(null, List.of(List.of("*")));

        boolean appliesTo(ClassInfo c) {
            return marker == null || java.util.Arrays.asList(c.fieldNames).contains(marker);
        }
    }

    /** The contended field groups of {@code c}, or null if it has none. */
    private static List<List<String>> contendedGroups(ClassInfo c) {
        List<Contention> variants = c.loaderId == 0 && c.name != null ? CONTENDED.get(c.name) : null;
        if (variants != null) {
            for (Contention v : variants) {
                if (v.appliesTo(c)) {
                    return v.groups();
                }
            }
        }
        return null;
    }

    private static final int CONTENDED_PADDING = 128;

    private final List<ClassInfo> classes;
    private final Layout layout;
    /** Modern: occupied intervals per class, as [start0, end0, start1, end1, ...]; null until computed. */
    private final int[][] occupied;
    /** Legacy: end of the class's fields, aligned to the reference size. */
    private final int[] fieldsEnd;
    /** End of the last field, before rounding to the object alignment. */
    private final int[] lastFieldEnd;
    private final boolean[] done;
    /** For classes with @Contended fields: where their last field ends, before the trailing pad. */
    private final int[] contendedFieldsEnd;

    FieldLayoutEngine(List<ClassInfo> classes, Layout layout) {
        this.classes = classes;
        this.layout = layout;
        int n = classes.size();
        this.occupied = new int[n][];
        this.fieldsEnd = new int[n];
        this.lastFieldEnd = new int[n];
        this.done = new boolean[n];
        this.contendedFieldsEnd = new int[n];
    }

    /** The instance size of class {@code index} under this engine's layout. */
    long instanceSize(int index) {
        compute(index, 0);
        return layout.alignObject(Layout.align(lastFieldEnd[index], 8));
    }

    /** Sets {@code instanceSize} of every class. */
    void applyInstanceSizes() {
        for (ClassInfo c : classes) {
            c.instanceSize = c.isArray() ? 0 : instanceSize(c.index);
        }
    }

    /**
     * Sets {@code mirrorSize} of every class: a {@code java.lang.Class} instance plus the class's static fields.
     * Call after instance sizes are final (the size of {@code java.lang.Class} itself may have been learned).
     */
    void applyMirrorSizes(int classClassIndex) {
        long classInstance = classClassIndex >= 0 ? classes.get(classClassIndex).instanceSize
                : layout.alignObject(layout.headerBytes() + 80);
        for (ClassInfo c : classes) {
            c.mirrorSize = layout.alignObject(classInstance + staticBytes(c));
        }
    }

    /** Bytes of static fields stored in the mirror: primitives largest first, then references, word-rounded. */
    private long staticBytes(ClassInfo c) {
        long off = 0;
        int[] counts = new int[9];
        int oops = 0;
        for (int i = 0; i < c.staticNames.length; i++) {
            if (c.staticNames[i] != null && c.staticNames[i].startsWith("<")) {
                continue; // pseudo-statics such as <resolved_references> are not fields
            }
            int t = c.staticTypes[i];
            if (t == BasicType.OBJECT) {
                oops++;
            } else {
                counts[BasicType.primitiveSize(t)]++;
            }
        }
        off += 8L * counts[8] + 4L * counts[4] + 2L * counts[2] + counts[1];
        if (oops > 0) {
            off = Layout.align((int) off, layout.referenceBytes()) + (long) oops * layout.referenceBytes();
        }
        return (off + 7) / 8 * 8;
    }

    private void compute(int index, int depth) {
        if (done[index]) {
            return;
        }
        int sup = classes.get(index).superIndex;
        if (sup >= 0 && depth < 64) {
            compute(sup, depth + 1);
        } else {
            sup = -1;
        }
        if (layout.fieldStyle() == Layout.FieldStyle.MODERN) {
            modern(index, sup);
        } else {
            legacy(index, sup);
        }
        done[index] = true;
    }

    /**
     * The class's own fields (declared and injected) in HotSpot's placement order: primitive sizes largest
     * first, then one entry per reference (sized at the reference size).
     */
    private int[] placementOrder(ClassInfo c) {
        return placementOrder(c, null, false);
    }

    /**
     * @param names  field names to select or exclude (null: all fields)
     * @param select true: only fields in {@code names}; false: all but those in {@code names} (and the injected)
     */
    private int[] placementOrder(ClassInfo c, java.util.Set<String> names, boolean select) {
        int[] bySize = new int[9];
        int refs = 0;
        for (int i = 0; i < c.fieldTypes.length; i++) {
            if (names != null) {
                boolean in = names.contains(c.fieldNames[i]);
                if (in != select) {
                    continue;
                }
            }
            byte t = c.fieldTypes[i];
            if (t == BasicType.OBJECT) {
                refs++;
            } else {
                bySize[BasicType.primitiveSize(t)]++;
            }
        }
        int[] injected = c.loaderId == 0 && c.name != null && !select ? INJECTED.get(c.name) : null;
        if (injected != null) {
            for (int t : injected) {
                if (t == BasicType.OBJECT) {
                    refs++;
                } else {
                    bySize[BasicType.primitiveSize(t)]++;
                }
            }
        }
        int[] order = new int[bySize[8] + bySize[4] + bySize[2] + bySize[1] + refs];
        int k = 0;
        for (int s = 8; s >= 1; s /= 2) {
            for (int i = 0; i < bySize[s]; i++) {
                order[k++] = s;
            }
        }
        while (k < order.length) {
            order[k++] = -layout.referenceBytes(); // negative marks a reference
        }
        return order;
    }

    private void modern(int index, int sup) {
        ClassInfo c = classes.get(index);
        List<int[]> blocks = new ArrayList<>();
        if (sup < 0) {
            blocks.add(new int[] {0, layout.headerBytes()});
        } else {
            int[] occ = occupied[sup];
            for (int i = 0; i < occ.length; i += 2) {
                blocks.add(new int[] {occ[i], occ[i + 1]});
            }
            if (contended(classes.get(sup))) {
                // Gaps in a contended superclass are padding, and one pad after its last field (HotSpot rebuilds
                // the superclass from its fields, so its own trailing pad is not counted twice) precedes ours.
                blocks.clear();
                blocks.add(new int[] {0, contendedFieldsEnd[sup] + CONTENDED_PADDING});
            }
        }
        List<List<String>> groups = contendedGroups(c);
        if (groups == null) {
            for (int size : placementOrder(c, null, false)) {
                place(blocks, Math.abs(size));
            }
        } else {
            boolean wholeClass = groups.get(0).contains("*");
            if (wholeClass) {
                padAtEnd(blocks);
                appendAll(blocks, placementOrder(c, null, false));
            } else {
                java.util.Set<String> grouped = new java.util.HashSet<>();
                groups.forEach(grouped::addAll);
                for (int size : placementOrder(c, grouped, false)) {
                    place(blocks, Math.abs(size));
                }
                for (List<String> group : groups) {
                    padAtEnd(blocks);
                    appendAll(blocks, placementOrder(c, new java.util.HashSet<>(group), true));
                }
            }
            contendedFieldsEnd[index] = blocks.get(blocks.size() - 1)[1];
            padAtEnd(blocks);
        }
        int[] flat = new int[blocks.size() * 2];
        int end = 0;
        for (int i = 0; i < blocks.size(); i++) {
            flat[2 * i] = blocks.get(i)[0];
            flat[2 * i + 1] = blocks.get(i)[1];
            end = Math.max(end, blocks.get(i)[1]);
        }
        occupied[index] = flat;
        lastFieldEnd[index] = end;
    }

    private boolean contended(ClassInfo c) {
        return contendedGroups(c) != null;
    }

    /** A 128-byte pad after everything placed so far; gaps before it can no longer be used. */
    private static void padAtEnd(List<int[]> blocks) {
        int end = blocks.get(blocks.size() - 1)[1];
        blocks.clear();
        blocks.add(new int[] {0, end + CONTENDED_PADDING});
    }

    /** Appends fields one after another at the end (a contended group is never spread into gaps). */
    private static void appendAll(List<int[]> blocks, int[] order) {
        for (int size : order) {
            int s = Math.abs(size);
            int at = Layout.align(blocks.get(blocks.size() - 1)[1], s);
            blocks.add(new int[] {at, at + s});
        }
    }

    /** Places one field of {@code size} bytes (aligned to its size) in the smallest fitting gap, else at the end. */
    private static void place(List<int[]> blocks, int size) {
        int best = -1;
        int bestGap = Integer.MAX_VALUE;
        // HotSpot scans gaps from the last towards the first and keeps the first strictly smaller fit.
        for (int i = blocks.size() - 2; i >= 0; i--) {
            int gapStart = blocks.get(i)[1];
            int gapEnd = blocks.get(i + 1)[0];
            int gap = gapEnd - gapStart;
            if (gap <= 0) {
                continue;
            }
            int at = Layout.align(gapStart, size);
            if (at + size <= gapEnd && gap < bestGap) {
                best = i;
                bestGap = gap;
            }
        }
        int at;
        int insertAt;
        if (best >= 0) {
            at = Layout.align(blocks.get(best)[1], size);
            insertAt = best + 1;
        } else {
            at = Layout.align(blocks.get(blocks.size() - 1)[1], size);
            insertAt = blocks.size();
        }
        blocks.add(insertAt, new int[] {at, at + size});
    }

    private void legacy(int index, int sup) {
        int ref = layout.referenceBytes();
        int longs = 0;
        int ints = 0;
        int shorts = 0;
        int bytes = 0;
        int oops = 0;
        for (int size : placementOrder(classes.get(index))) {
            switch (size) {
                case 8 -> longs++;
                case 4 -> ints++;
                case 2 -> shorts++;
                case 1 -> bytes++;
                default -> oops++;
            }
        }
        int offset = sup >= 0 ? fieldsEnd[sup] : layout.headerBytes();
        if (longs > 0 && offset % 8 != 0) {
            // CompactFields: the gap before the first long takes one int, else shorts, else bytes, else a reference.
            int gap = 8 - offset % 8;
            if (ints > 0) {
                ints--;
                gap -= 4;
            }
            while (gap >= 2 && shorts > 0) {
                shorts--;
                gap -= 2;
            }
            while (gap > 0 && bytes > 0) {
                bytes--;
                gap--;
            }
            if (gap >= ref && oops > 0) {
                oops--;
            }
            offset = Layout.align(offset, 8);
        }
        offset += longs * 8 + ints * 4 + shorts * 2 + bytes;
        if (oops > 0) {
            offset = Layout.align(offset, ref) + oops * ref;
        }
        lastFieldEnd[index] = offset;
        fieldsEnd[index] = Layout.align(offset, ref);
    }
}
