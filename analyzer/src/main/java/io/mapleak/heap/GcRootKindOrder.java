package io.mapleak.heap;

import io.mapleak.hprof.GcRootKind;
import java.util.Arrays;

/** Orders GC-rooted objects so that path searches prefer the roots people recognise as owners. */
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
        // that link): without this, an array's class object would look owned by the array's holder.
        for (ClassInfo c : index.classes()) {
            int o = c.objectIndex;
            if (c.isArray() && o >= 0 && !seen.get(o)) {
                seen.set(o);
                out[k++] = o;
            }
        }
        return Arrays.copyOf(out, k);
    }
}
