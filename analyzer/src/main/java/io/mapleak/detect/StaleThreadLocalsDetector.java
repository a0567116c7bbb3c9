package io.mapleak.detect;

import io.mapleak.heap.Instance;
import io.mapleak.maps.MapKind;
import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code stale-thread-locals}: live threads whose ThreadLocalMap holds entries with a cleared key (the
 * ThreadLocal is gone) and a live value; pooled threads never exit, so those values stay. One finding for all.
 */
final class StaleThreadLocalsDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("stale-thread-locals",
            "Thread-local values outliving their ThreadLocal", Finding.Category.LEAK, DetectorInfo.Role.SPECIFIC_LEAK,
            StaleThreadLocalsEvidence.class, 30, 15);
    /** The field every thread's map hangs from: the suspect's owner. */
    static final String OWNER = "java.lang.Thread.threadLocals";

    @Override
    public DetectorInfo info() {
        return INFO;
    }

    @Override
    public void examineAll(DetectContext ctx, List<MapView> maps, List<Finding> out) {
        List<StaleThreadLocalsEvidence.PerThread> threads = new ArrayList<>();
        List<Integer> affected = new ArrayList<>();
        long totalBytes = 0;
        long totalStale = 0;
        Map<String, Integer> valueClasses = new LinkedHashMap<>();
        for (MapView m : maps) {
            if (m.kind() != MapKind.THREAD_LOCAL) {
                continue;
            }
            long[] stale = {0};
            long[] bytes = {0};
            m.entries((node, key, value, hash, known, bin) -> {
                int v = value == 0 ? -1 : ctx.index.indexOf(value);
                if (key == 0 && v >= 0) {
                    stale[0]++;
                    bytes[0] += ctx.retained(v);
                    valueClasses.merge(ctx.index.classOf(v).name(), 1, Integer::sum);
                }
                return true;
            });
            if (stale[0] < ctx.thresholds.get("threadLocals.minStale")) {
                continue;
            }
            threads.add(new StaleThreadLocalsEvidence.PerThread(threadName(ctx, m.object()), stale[0], bytes[0]));
            affected.add(m.object());
            totalBytes += bytes[0];
            totalStale += stale[0];
        }
        if (affected.isEmpty() || ctx.share(totalBytes) < ctx.thresholds.get("threadLocals.heapShare")) {
            return; // a few small stale values are ThreadLocalMap's lazy clean-up lagging, in every JVM
        }
        threads.sort((a, b) -> Long.compare(b.staleValueBytes(), a.staleValueBytes()));
        List<ClassCount> classes = EvidenceReader.top(valueClasses);
        StaleThreadLocalsEvidence e = new StaleThreadLocalsEvidence(threads.size(), totalStale, totalBytes, classes,
                List.copyOf(threads.subList(0, Math.min(20, threads.size()))));
        String advice = String.format("%s keep %s (%s) of ThreadLocals that no longer exist, most of them %s. "
                + "Threads in a pool never exit, so nothing clears these entries: call threadLocal.remove() in a "
                + "finally block around each task that calls set(), and keep ThreadLocal instances in static final "
                + "fields so each class creates one.", EvidenceReader.count(threads.size(), "thread", "threads"),
                EvidenceReader.count(totalStale, "value", "values"), EvidenceReader.bytes(totalBytes),
                classes.isEmpty() ? "values" : classes.get(0).className());
        out.add(new Finding(id(), affected.stream().mapToInt(Integer::intValue).toArray(), e, advice, totalBytes));
    }

    @Override
    public String title(Finding f, Subject s) {
        int threads = ((StaleThreadLocalsEvidence) f.evidence()).threads();
        return "Stale thread-local values in " + EvidenceReader.count(threads, "thread", "threads");
    }

    @Override
    public String clause(Finding f, Subject s) {
        return "threads hold values of ThreadLocals that are gone";
    }

    /** The name of the thread whose threadLocals field holds the map. */
    private static String threadName(DetectContext ctx, int map) {
        int[] path = ctx.paths.pathTo(map);
        if (path.length >= 2) {
            int holder = path[path.length - 2];
            try {
                Instance t = ctx.index.reader().instance(holder);
                if (t != null && t.has("name")) {
                    String n = ctx.index.reader().string(t.refIndex("name"), 100);
                    if (n != null) {
                        return n;
                    }
                }
            } catch (RuntimeException e) {
                // fall through to the owner label
            }
        }
        return ctx.ownerLabel(map);
    }
}
