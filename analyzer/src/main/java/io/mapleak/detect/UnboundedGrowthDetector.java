package io.mapleak.detect;

import io.mapleak.maps.MapKind;
import io.mapleak.maps.MapView;
import java.util.List;
import java.util.Map;

/** {@code unbounded-growth}: a map that holds a large share of the heap or very many entries, with no bound. */
final class UnboundedGrowthDetector implements Detector {
    @Override
    public String id() {
        return "unbounded-growth";
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        long retained = ctx.retained(m.object());
        boolean big = ctx.share(retained) >= ctx.thresholds.get("growth.heapShare")
                || m.size() >= ctx.thresholds.get("growth.entries");
        if (!big || bounded(m)) {
            return;
        }
        Map<String, Object> e = Evidence.basics(ctx, m);
        int[] path = ctx.paths.pathTo(m.object());
        e.put("root", path.length == 0 ? "none" : ctx.namer.owner(path).root());
        e.putAll(Evidence.classMix(ctx, m, 1000));
        String owner = ctx.ownerLabel(m.object());
        String advice = String.format("%s holds %,d entries (%s of the heap) and nothing removes them. Decide what "
                + "ends an entry's life and remove it then (e.g. when the session or request completes, in a finally "
                + "block), or replace the map with a bounded cache: Caffeine.newBuilder().maximumSize(N)"
                + ".expireAfterAccess(...) keeps the newest entries and evicts the rest.", owner, m.size(),
                Evidence.percent(ctx.share(retained)));
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, retained, Finding.Category.LEAK));
    }

    /** Bounded caches and LRU-style linked maps (access-ordered subclasses evict in removeEldestEntry). */
    static boolean bounded(MapView m) {
        Object b = m.settings().get("bounded");
        if (b instanceof Boolean bool) {
            return bool;
        }
        return m.kind() == MapKind.HASH_TABLE && Boolean.TRUE.equals(m.settings().get("accessOrder"))
                && !m.implementation().startsWith("java.util.");
    }
}
