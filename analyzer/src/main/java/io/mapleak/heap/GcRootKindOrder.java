package io.mapleak.heap;

import io.mapleak.hprof.GcRootKind;
import java.util.Arrays;

/**
 * Orders GC-rooted objects so that path searches prefer the roots people recognise as owners; for a truncated dump,
 * adds the roots the cut may have taken away.
 */
public final class GcRootKindOrder {
    private static final GcRootKind[] ORDER = {GcRootKind.STICKY_CLASS, GcRootKind.THREAD_OBJECT,
        GcRootKind.JAVA_FRAME, GcRootKind.JNI_LOCAL, GcRootKind.NATIVE_STACK, GcRootKind.THREAD_BLOCK,
        GcRootKind.JNI_GLOBAL, GcRootKind.MONITOR_USED, GcRootKind.UNKNOWN};

    private GcRootKindOrder() {
    }

    /** Each rooted object once, grouped by its strongest root kind in {@link #ORDER}, by index within a kind. */
    public static int[] rootedObjects(HeapIndex index) {
        int n = index.rootCount();
        int[] rank = new int[GcRootKind.values().length];
        for (int i = 0; i < ORDER.length; i++) {
            rank[ORDER[i].ordinal()] = i;
        }
        long[] keyed = new long[n];
        int m = 0;
        for (int r = 0; r < n; r++) {
            int o = index.rootObject(r);
            if (o >= 0) {
                keyed[m++] = ((long) rank[index.rootKind(r).ordinal()] << 32) | o;
            }
        }
        keyed = Arrays.copyOf(keyed, m);
        Arrays.sort(keyed);
        java.util.BitSet seen = new java.util.BitSet(index.objectCount());
        int[] out = new int[m + index.classes().size()];
        int k = 0;
        for (long key : keyed) {
            int o = (int) key;
            if (!seen.get(o)) {
                seen.set(o);
                out[k++] = o;
            }
        }
        // Array classes live as long as their element class (the JVM links them from it, HPROF does not show
        // that link): without this, an array's class object would look owned by the array's holder. In a truncated
        // dump every class is a root: the root records (HotSpot writes many after the objects) may lie past the cut.
        boolean truncated = index.facts().truncated();
        for (ClassInfo c : index.classes()) {
            int o = c.objectIndex;
            if ((c.isArray() || truncated) && o >= 0 && !seen.get(o)) {
                seen.set(o);
                out[k++] = o;
            }
        }
        out = Arrays.copyOf(out, k);
        return truncated ? withLostRoots(index, out, seen) : out;
    }

    /**
     * The roots a truncated dump may have lost, after {@code roots}: every thread (its thread-object root record may
     * lie past the cut) and every object no other object in the dump refers to (its referrer, a stack frame or an
     * object, may lie past the cut). Garbage with no referrer is counted live too: in a cut dump that cannot be told
     * apart, and the analysis says so.
     */
    private static int[] withLostRoots(HeapIndex index, int[] roots, java.util.BitSet seen) {
        int n = index.objectCount();
        java.util.BitSet referenced = new java.util.BitSet(n);
        for (int o = 0; o < n; o++) {
            int deg = index.outboundCount(o);
            for (int k = 0; k < deg; k++) {
                int t = index.outbound(o, k);
                if (t >= 0 && t != o) {
                    referenced.set(t);
                }
            }
        }
        boolean[] thread = index.classesExtending("java.lang.Thread");
        int[] out = Arrays.copyOf(roots, roots.length + 1024);
        int k = roots.length;
        for (int o = 0; o < n; o++) {
            if (!seen.get(o) && (thread[index.classIndexOf(o)] || !referenced.get(o) && !index.isMirror(o))) {
                if (k == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                seen.set(o);
                out[k++] = o;
            }
        }
        return Arrays.copyOf(out, k);
    }
}
