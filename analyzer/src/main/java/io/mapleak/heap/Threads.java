package io.mapleak.heap;

import io.mapleak.hprof.GcRootKind;
import java.util.ArrayList;
import java.util.List;

/** Reconstructs the dumped JVM's threads from thread-object roots, stack traces and Thread objects' names. */
final class Threads {
    private Threads() {
    }

    static List<ThreadInfo> read(HeapIndex index, ClassCatalog cat) {
        List<ThreadInfo> threads = new ArrayList<>();
        for (int r = 0; r < index.rootCount(); r++) {
            if (index.rootKind(r) != GcRootKind.THREAD_OBJECT) {
                continue;
            }
            int serial = index.rootThread(r);
            int object = index.rootObject(r);
            int traceSerial = index.rootFrame(r);
            String name = object >= 0 ? name(index, object) : null;
            threads.add(new ThreadInfo(serial, object, name != null ? name : "thread #" + serial,
                    frames(cat, traceSerial)));
        }
        return List.copyOf(threads);
    }

    private static String name(HeapIndex index, int thread) {
        try {
            Instance t = index.reader().instance(thread);
            if (t == null || !t.has("name") || t.type("name") != io.mapleak.hprof.BasicType.OBJECT) {
                return null;
            }
            int name = t.refIndex("name");
            return name >= 0 ? index.reader().string(name, 200) : null;
        } catch (RuntimeException e) {
            return null; // a damaged Thread object: the thread keeps its serial as its name
        }
    }

    private static List<ThreadInfo.Frame> frames(ClassCatalog cat, int traceSerial) {
        long[] frameIds = cat.traces.get(traceSerial);
        if (frameIds == null) {
            return List.of();
        }
        List<ThreadInfo.Frame> frames = new ArrayList<>(frameIds.length);
        for (long f : frameIds) {
            long[] fr = cat.frames.get(f);
            if (fr == null) {
                continue;
            }
            long classId = cat.classIdOfSerial((int) fr[3]);
            int cls = cat.findClass(classId);
            String className = cls >= 0 ? cat.classes.get(cls).name : "?";
            frames.add(new ThreadInfo.Frame(className, orNull(cat.string(fr[0])), orNull(cat.string(fr[1])),
                    orNull(cat.string(fr[2])), (int) fr[4]));
        }
        return List.copyOf(frames);
    }

    private static String orNull(String s) {
        return s;
    }
}
