package io.mapleak.detect;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Instance;
import io.mapleak.maps.MapView;

/**
 * Entries on their way out of a map whose values are references: the collector cleared the referent of a value
 * registered with a queue, and the map's owner removes such entries as it polls that queue (as WeakHashMap does for
 * its keys; Log4j 2.25+'s logger registry and hand-written weak-value caches do it for their values). A cleared
 * value with no queue ({@code ReferenceQueue.NULL}) is never announced: its entry stays until someone removes it.
 */
final class ExpungedValues {
    private final HeapIndex index;
    private final boolean[] references;
    /** The id of {@code ReferenceQueue.NULL}, the queue of references registered with none; 0 when unknown. */
    private final long nullQueue;

    private ExpungedValues(HeapIndex index) {
        this.index = index;
        this.references = index.classesExtending("java.lang.ref.Reference");
        long none = 0;
        for (ClassInfo c : index.classes()) {
            if (c.name().equals("java.lang.ref.ReferenceQueue")) {
                for (int i = 0; i < c.staticCount(); i++) {
                    if (c.staticName(i).equals("NULL")) {
                        none = c.staticValue(i);
                    }
                }
            }
        }
        this.nullQueue = none;
    }

    static ExpungedValues of(HeapIndex index) {
        return new ExpungedValues(index);
    }

    /**
     * What a sample of a map's values says: of {@code sampled} entries, how many values were references whose
     * referent the collector cleared, registered with a queue ({@code expunged}: their owner removes them) or not
     * ({@code orphaned}: nothing ever will).
     */
    record Sample(int sampled, int expunged, int orphaned) {
        static final Sample NONE = new Sample(0, 0, 0);

        /** The entries of a map of {@code size} that stay: all but the expunged share. */
        long live(long size) {
            return expunged == 0 ? size : size - Math.round((double) expunged / sampled * size);
        }

        /** Whether most sampled values are cleared references nothing removes. */
        boolean mostlyOrphaned() {
            return sampled > 0 && orphaned * 2 > sampled;
        }
    }

    /**
     * A reference's state: 2 cleared and registered with a queue, 3 cleared with none, 0 otherwise or when it cannot
     * be read (a record cut short, a subclass shadowing the fields).
     */
    private int state(int reference) {
        try {
            Instance r = index.reader().instance(reference);
            if (r == null) {
                return 0;
            }
            Instance ref = r.preferringLibraryFields();
            if (ref.ref("referent") != 0) {
                return 0;
            }
            return ref.ref("queue") == nullQueue ? 3 : 2;
        } catch (RuntimeException unreadable) {
            return 0;
        }
    }

    /** Up to {@code limit} of {@code m}'s entries, their values read as references (see {@link Sample}). */
    Sample sample(MapView m, int limit) {
        if (nullQueue == 0 || m.size() <= 0) {
            return Sample.NONE;
        }
        int[] counts = new int[4]; // sampled, values that are references, cleared and queued, cleared with no queue
        m.entries((node, key, value, hash, known, bin) -> {
            counts[0]++;
            int v = value == 0 ? -1 : index.indexOf(value);
            if (v >= 0 && references[index.classIndexOf(v)]) {
                counts[1]++;
                int state = state(v);
                if (state > 0) {
                    counts[state]++;
                }
            }
            // values of another kind: no need to read on (a map holds one kind of value)
            return counts[0] < limit && !(counts[0] >= 16 && counts[1] == 0);
        });
        return new Sample(counts[0], counts[2], counts[3]);
    }
}
