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
    @Override
    public String id() {
        return "stale-thread-locals";
    }

    @Override
    public void examineAll(DetectContext ctx, List<MapView> maps, List<Finding> out) {
        List<Map<String, Object>> threads = new ArrayList<>();
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
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("thread", threadName(ctx, m.object()));
            t.put("staleEntries", stale[0]);
            t.put("staleValueBytes", bytes[0]);
            threads.add(t);
            affected.add(m.object());
            totalBytes += bytes[0];
            totalStale += stale[0];
        }
        if (affected.isEmpty()) {
            return;
        }
        threads.sort((a, b) -> Long.compare((Long) b.get("staleValueBytes"), (Long) a.get("staleValueBytes")));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("threads", threads.size());
        e.put("staleEntries", totalStale);
        e.put("staleValueBytes", totalBytes);
        e.put("valueClasses", Evidence.top(valueClasses));
        e.put("perThread", threads.subList(0, Math.min(20, threads.size())));
        e.put("owner", "java.lang.Thread.threadLocals");
        String advice = String.format("%d threads keep %,d values (%s) of ThreadLocals that no longer exist, most "
                + "of them %s. Threads in a pool never exit, so nothing clears these entries: call "
                + "threadLocal.remove() in a finally block around each task that calls set(), and keep ThreadLocal "
                + "instances in static final fields so each class creates one.", threads.size(), totalStale,
                Evidence.bytes(totalBytes), Evidence.top(valueClasses).stream().findFirst().orElse("values"));
        out.add(new Finding(id(), affected.stream().mapToInt(Integer::intValue).toArray(), e, advice, totalBytes,
                Finding.Category.LEAK));
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
