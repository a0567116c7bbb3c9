package io.mapleak.detect;

import com.carrotsearch.hppc.IntArrayDeque;
import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code value-retention}: for a large map, where its memory is: under the values or the keys, by value class, by
 * the classes of the objects below them, and along the heaviest chain from its heaviest value (or key). Context
 * for a suspect, never a suspect on its own: a map whose values are large and that nothing else is wrong with is
 * a large holder, listed for information.
 */
final class ValueRetentionDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("value-retention", "What the entries keep alive",
            Finding.Category.LEAK, DetectorInfo.Role.CONTEXT, ValueRetentionEvidence.class, 100, 0);
    /** Entries examined per map: the breakdown of a million-entry map is stable long before the end. */
    private static final int MAX_ENTRIES = 50_000;
    /** Objects below the examined entries visited for {@code bytesByClass}: enough for its shares, and quick. */
    private static final int MAX_BELOW = 2_000_000;

    @Override
    public DetectorInfo info() {
        return INFO;
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        long retained = ctx.retained(m.object());
        if (ctx.share(retained) < ctx.thresholds.get("values.heapShare")) {
            return;
        }
        Map<String, long[]> byValueClass = new HashMap<>();
        long[] totals = new long[2]; // key bytes, value bytes
        int[] heaviestEntry = {-1, -1}; // the key and the value retaining the most
        List<Integer> owned = new ArrayList<>(); // [key, value] objects the map dominates, in entry order
        int[] seen = {0};
        m.entries((node, key, value, hash, known, bin) -> {
            owned.add(add(ctx, m, key, null, totals, 0, heaviestEntry));
            owned.add(add(ctx, m, value, byValueClass, totals, 1, heaviestEntry));
            return ++seen[0] < MAX_ENTRIES;
        });
        boolean values = totals[1] >= totals[0];
        long below = Math.max(totals[0], totals[1]);
        if (below < retained / 2) {
            return; // the bytes are in the map's own structure: other detectors speak to that
        }
        List<ValueRetentionEvidence.ClassRetained> classes = new ArrayList<>();
        byValueClass.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(5)
                .forEach(en -> classes.add(new ValueRetentionEvidence.ClassRetained(en.getKey(), en.getValue()[0],
                        en.getValue()[1])));
        List<ValueRetentionEvidence.ChainStep> chain = heaviestChain(ctx, heaviestEntry[values ? 1 : 0],
                values ? "value" : "key");
        List<ValueRetentionEvidence.ClassRetained> where = bytesByClass(ctx, owned, values ? 1 : 0);
        ValueRetentionEvidence e = new ValueRetentionEvidence(values ? "values" : "keys", totals[0], totals[1],
                classes, where, seen[0], m.size(), chain);
        String heaviest = classes.isEmpty() ? "its values" : classes.get(0).className();
        String end = where.isEmpty() ? "" : where.get(0).className();
        String advice = String.format("%s of the %s this map retains sits below its %s, mostly %s%s. Keep less per "
                + "entry: store an id or a compact summary instead of the whole %s graph, drop fields that can be "
                + "reloaded, or bound the map so old entries take their graphs with them.", EvidenceReader.bytes(below),
                EvidenceReader.bytes(retained), values ? "values" : "keys", heaviest,
                end.isEmpty() ? "" : ", and most of those bytes are " + end + " objects", heaviest);
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, below));
    }

    @Override
    public String title(Finding f, Subject s) {
        return s.mapClass() + " whose " + ((ValueRetentionEvidence) f.evidence()).mostlyBelow()
                + " hold most of its memory: " + s.owner();
    }

    @Override
    public String clause(Finding f, Subject s) {
        ValueRetentionEvidence e = (ValueRetentionEvidence) f.evidence();
        String what = e.valueClasses().isEmpty() || e.mostlyBelow().equals("keys") ? ""
                : " (" + EvidenceReader.simple(e.valueClasses().get(0).className()) + ")";
        return "most of it sits below its " + e.mostlyBelow() + what;
    }

    /** Adds what {@code id} retains if the map dominates it; returns its object index, or -1. */
    private static int add(DetectContext ctx, MapView m, long id, Map<String, long[]> byClass, long[] totals,
            int slot, int[] heaviest) {
        int o = id == 0 ? -1 : ctx.index.indexOf(id);
        if (o < 0 || !EvidenceReader.dominatedBy(ctx, o, m.object())) {
            return -1;
        }
        long r = ctx.retained(o);
        totals[slot] += r;
        if (heaviest[slot] < 0 || r > ctx.retained(heaviest[slot])) {
            heaviest[slot] = o;
        }
        if (byClass != null) {
            long[] v = byClass.computeIfAbsent(ctx.index.classOf(o).name(), k -> new long[2]);
            v[0]++;
            v[1] += r;
        }
        return o;
    }

    /**
     * The objects the examined values (slot 1) or keys (slot 0) dominate, by class: count and shallow bytes, the
     * five classes holding the most bytes. Walks each entry's dominated subtree through its references (an object
     * is in the subtree when its dominator is already in it).
     */
    private static List<ValueRetentionEvidence.ClassRetained> bytesByClass(DetectContext ctx, List<Integer> owned,
            int slot) {
        // Per class index, not a map keyed by boxed ints: up to MAX_BELOW objects a map, each counted here.
        int classes = ctx.index.classes().size();
        long[] counts = new long[classes];
        long[] bytes = new long[classes];
        IntArrayDeque queue = new IntArrayDeque();
        int visited = 0;
        for (int i = slot; i < owned.size() && visited < MAX_BELOW; i += 2) {
            int start = owned.get(i);
            if (start < 0) {
                continue;
            }
            queue.addLast(start);
            while (!queue.isEmpty() && visited < MAX_BELOW) {
                int v = queue.removeFirst();
                visited++;
                int c = ctx.index.classIndexOf(v);
                counts[c]++;
                bytes[c] += ctx.index.shallowSize(v);
                int deg = ctx.graph.degree(v);
                for (int k = 0; k < deg; k++) {
                    int w = ctx.graph.successor(v, k);
                    if (w >= 0 && w != v && ctx.tree.dominator(w) == v) {
                        queue.addLast(w);
                    }
                }
            }
            queue.clear();
        }
        List<ValueRetentionEvidence.ClassRetained> out = new ArrayList<>();
        java.util.stream.IntStream.range(0, classes).filter(c -> counts[c] > 0).boxed()
                .sorted((a, b) -> Long.compare(bytes[b], bytes[a])).limit(5)
                .forEach(c -> out.add(new ValueRetentionEvidence.ClassRetained(ctx.index.classInfo(c).name(),
                        counts[c], bytes[c])));
        return out;
    }

    /**
     * From the map's heaviest value (or key), {@code start}, repeatedly the dominated successor retaining the most,
     * while it holds at least half of what its parent retains: the path to where that entry's bytes concentrate
     * (value → … → e.g. {@code byte[]}). Starting at the entry rather than the map: below a table the heaviest child
     * of a node is the rest of its bin's chain, which says nothing about the values.
     */
    static List<ValueRetentionEvidence.ChainStep> heaviestChain(DetectContext ctx, int start, String what) {
        List<ValueRetentionEvidence.ChainStep> chain = new ArrayList<>();
        if (start < 0) {
            return chain;
        }
        chain.add(new ValueRetentionEvidence.ChainStep("heaviest " + what, ctx.index.classOf(start).name(),
                ctx.retained(start)));
        int v = start;
        for (int depth = 0; depth < 16; depth++) {
            int best = -1;
            long bestRetained = -1;
            int deg = ctx.graph.degree(v);
            for (int k = 0; k < deg; k++) {
                int w = ctx.graph.successor(v, k);
                if (w >= 0 && ctx.tree.dominator(w) == v && ctx.retained(w) > bestRetained) {
                    best = w;
                    bestRetained = ctx.retained(w);
                }
            }
            if (best < 0 || bestRetained < ctx.retained(v) / 2) {
                break;
            }
            chain.add(new ValueRetentionEvidence.ChainStep(ctx.namer.edgeLabel(v, best),
                    ctx.index.classOf(best).name(), bestRetained));
            v = best;
        }
        return chain;
    }
}
