package io.mapleak.detect;

import io.mapleak.graph.PathNamer;
import io.mapleak.maps.MapView;
import java.util.List;

/**
 * {@code static-root}: a significant map whose strong path starts at a static field. Context for a
 * suspect (it lives as long as its class loader), never a suspect on its own.
 */
final class StaticRootDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("static-root", "Map anchored in a static field",
            Finding.Category.LEAK, DetectorInfo.Role.CONTEXT, StaticRootEvidence.class, 110, 5);

    @Override
    public DetectorInfo info() {
        return INFO;
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
        String field = owner.path().get(0).substring("static ".length());
        // A Spring singleton on the way: the map lives as long as the bean's application context, which is what
        // holds it, whatever static field the search reached the context from first.
        SpringBeans.Bean bean = ctx.springBeans().nearest(path);
        String beanClass = bean == null ? null : ctx.index.classOf(bean.object()).name();
        String beanName = bean == null || ctx.redact ? null : bean.name();
        String advice = bean != null
                ? String.format("%s belongs to %s, which lives as long as its application context, so every entry "
                        + "in it stays until it is removed by hand. Remove each entry when what it tracks ends, or "
                        + "make the map a bounded cache (or a Spring cache whose manager evicts).",
                        ctx.ownerLabel(m.object()), beanWords(beanName, beanClass))
                : String.format("%s lives as long as its class loader, so every entry in it stays until it is "
                + "removed by hand. Give the map an owner with a lifecycle (the session, the request, an object "
                + "that is closed) instead of a static field, or make the static field a bounded cache and remove "
                + "entries when their owner ends.", field);
        out.add(new Finding(id(), new int[] {m.object()}, new StaticRootEvidence(field, owner.path(), retained,
                ctx.heapPercent(retained), beanName, beanClass), advice, retained));
    }

    /** {@code the Spring bean 'name' (SimpleClass)}; with {@code --redact} (no name) {@code a Spring bean (Class)}. */
    private static String beanWords(String name, String className) {
        return name == null ? "a Spring bean (" + className + ")"
                : "the Spring bean '" + name + "' (" + className.substring(className.lastIndexOf('.') + 1) + ")";
    }

    @Override
    public String title(Finding f, Subject s) {
        return "Large " + s.mapClass() + " held from a static field: " + s.owner();
    }

    @Override
    public String clause(Finding f, Subject s) {
        StaticRootEvidence e = (StaticRootEvidence) f.evidence();
        if (e.beanClass() != null) {
            return "belongs to " + beanWords(e.bean(), e.beanClass()) + ", which lives as long as its application "
                    + "context";
        }
        return e.field().equals(s.owner()) ? "lives in a static field" : "is held from the static field " + e.field();
    }
}
