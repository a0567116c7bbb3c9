package io.mapleak.detect;

import com.carrotsearch.hppc.LongHashSet;
import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.maps.MapKind;
import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code defined-classes}: a map that keeps classes the application defines while it runs, one class loader for
 * (nearly) each: scripts compiled per request (Groovy's shared shell keeps every script class it parses), templates,
 * expressions or proxies generated per use. Such classes cost little heap (a mirror, a loader) and much metaspace
 * (their code and metadata, which a heap dump does not record), so the map's retained size understates them: an
 * {@code OutOfMemoryError: Metaspace} comes first. Classes of a few loaders (an application's own, a framework's
 * cache keyed by type) are left alone: many classes from one loader is what loading an application is.
 */
final class DefinedClassesDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("defined-classes", "Classes defined at run time, kept",
            Finding.Category.LEAK, DetectorInfo.Role.SPECIFIC_LEAK, DefinedClassesEvidence.class, 35, 15);

    @Override
    public DetectorInfo info() {
        return INFO;
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        long min = ctx.thresholds.getLong("classes.minClasses");
        if (m.size() < min) {
            return;
        }
        HeapIndex index = ctx.index;
        boolean keysKept = m.kind() != MapKind.WEAK_KEYED; // a weak key does not keep its class
        int limit = (int) ctx.thresholds.getLong("keys.sample");
        int[] counts = new int[2]; // entries sampled, entries holding a class
        LongHashSet loaders = new LongHashSet();
        Map<String, Integer> loaderClasses = new HashMap<>();
        List<String> names = new ArrayList<>();
        m.entries((node, key, value, hash, known, bin) -> {
            counts[0]++;
            ClassInfo c = keysKept ? defined(index, key) : null;
            if (c == null) {
                c = defined(index, value);
            }
            if (c != null) {
                counts[1]++;
                if (loaders.add(c.loaderId())) {
                    int l = index.indexOf(c.loaderId());
                    loaderClasses.merge(l < 0 ? "?" : index.classOf(l).name(), 1, Integer::sum);
                }
                if (names.size() < 5) {
                    names.add(c.name());
                }
            }
            // no class among the first entries: a map of something else, no need to read on
            return counts[0] < limit && !(counts[0] >= 16 && counts[1] == 0);
        });
        int sampled = counts[0];
        int classes = counts[1];
        if (sampled == 0 || classes == 0) {
            return;
        }
        long estimated = Math.round((double) classes / sampled * m.size());
        if (estimated < min || loaders.size() < ctx.thresholds.get("classes.loaderShare") * classes) {
            return;
        }
        String loaderClass = null;
        int most = 0;
        for (var e : loaderClasses.entrySet()) {
            if (e.getValue() > most) {
                most = e.getValue();
                loaderClass = e.getKey();
            }
        }
        DefinedClassesEvidence e = new DefinedClassesEvidence(m.size(), sampled, classes, loaders.size(),
                loaderClass, estimated, names);
        out.add(new Finding(id(), new int[] {m.object()}, e, advice(e, ctx.ownerLabel(m.object())),
                ctx.retained(m.object())));
    }

    /** The class a mirror object stands for, when it is a loaded class with a class loader of its own; else null. */
    private static ClassInfo defined(HeapIndex index, long id) {
        int o = id == 0 ? -1 : index.indexOf(id);
        if (o < 0 || !index.isMirror(o)) {
            return null;
        }
        ClassInfo c = index.mirroredClass(o);
        return c == null || c.loaderId() == 0 ? null : c; // the boot loader's classes are the JDK's
    }

    private static boolean groovy(String loaderClass) {
        return loaderClass != null && loaderClass.startsWith("groovy.lang.GroovyClassLoader");
    }

    private static String advice(DefinedClassesEvidence e, String owner) {
        String what = String.format(Locale.ROOT, "%s keeps about %,d classes defined while the application runs, "
                + "%,d class loaders for the %,d it sampled (%s): their code and metadata live in metaspace, outside "
                + "the heap and this dump, so expect OutOfMemoryError: Metaspace before the heap fills.", owner,
                e.estimatedClasses(), e.loaders(), e.classes(), e.loaderClass());
        if (groovy(e.loaderClass())) {
            return what + " A GroovyShell or GroovyClassLoader kept for good keeps every script class it parsed: "
                    + "parse each distinct script text once and reuse its class (run it with a new Binding), or "
                    + "give a batch of scripts its own shell and drop it (GroovyClassLoader.clearCache()).";
        }
        return what + " Compile or generate each distinct class once and reuse it (keyed by its source, in a "
                + "bounded cache), or define a batch of them in a class loader that is dropped with them.";
    }

    @Override
    public String title(Finding f, Subject s) {
        DefinedClassesEvidence e = (DefinedClassesEvidence) f.evidence();
        return String.format(Locale.ROOT, "%s keeps %,d classes defined at run time: %s", s.mapClass(),
                e.estimatedClasses(), s.owner());
    }

    @Override
    public String clause(Finding f, Subject s) {
        DefinedClassesEvidence e = (DefinedClassesEvidence) f.evidence();
        String loader = e.loaderClass() == null ? "" : " (" + e.loaderClass().substring(
                e.loaderClass().lastIndexOf('.') + 1) + ")";
        String spread = e.loaders() == e.classes() ? "each sampled one from a class loader of its own"
                : String.format(Locale.ROOT, "%,d class loaders for the %,d sampled", e.loaders(), e.classes());
        return String.format(Locale.ROOT, "it keeps about %,d classes, %s%s, in metaspace beyond what the heap "
                + "shows", e.estimatedClasses(), spread, loader);
    }
}
