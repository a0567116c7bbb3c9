package io.mapleak.detect;

import io.mapleak.graph.PathNamer;
import io.mapleak.maps.MapView;
import java.util.List;
import java.util.Map;

/** {@code static-root}: a significant map whose shortest strong path starts at a static field. */
final class StaticRootDetector implements Detector {
    @Override
    public String id() {
        return "static-root";
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        long retained = ctx.retained(m.object());
        if (ctx.share(retained) < ctx.thresholds.get("static.heapShare")
                || retained < ctx.thresholds.get("static.minBytes")) {
            return;
        }
        int[] path = ctx.paths.pathTo(m.object());
        if (path.length == 0) {
            return;
        }
        PathNamer.Owner owner = ctx.namer.owner(path);
        if (!owner.root().equals("static-field") || !owner.path().get(0).startsWith("static ")) {
            return;
        }
        Map<String, Object> e = Evidence.basics(ctx, m);
        String field = owner.path().get(0).substring("static ".length());
        e.put("field", field);
        e.put("path", owner.path());
        String advice = String.format("%s lives as long as its class loader, so every entry in it stays until it is "
                + "removed by hand. Give the map an owner with a lifecycle (the session, the request, an object "
                + "that is closed) instead of a static field, or make the static field a bounded cache and remove "
                + "entries when their owner ends.", field);
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, retained, Finding.Category.LEAK));
    }
}
