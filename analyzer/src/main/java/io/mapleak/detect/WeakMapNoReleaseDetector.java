package io.mapleak.detect;

import com.carrotsearch.hppc.IntIntHashMap;
import io.mapleak.maps.MapKind;
import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code weak-map-no-release}: a weak-keyed map whose values strongly reach their own keys, so the keys never
 * become weakly reachable and no entry is ever cleared.
 */
final class WeakMapNoReleaseDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("weak-map-no-release", "Weak map that can never forget",
            Finding.Category.LEAK, DetectorInfo.Role.SPECIFIC_LEAK, WeakMapEvidence.class, 20, 15);

    @Override
    public DetectorInfo info() {
        return INFO;
    }

    @Override
    public String title(Finding f, Subject s) {
        return s.mapClass() + " that can never forget: " + s.owner();
    }

    @Override
    public String clause(Finding f, Subject s) {
        return "its values hold their own weak keys";
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        if (m.kind() != MapKind.WEAK_KEYED || m.set()) {
            return;
        }
        int sample = (int) ctx.thresholds.getLong("weak.sample");
        int limit = (int) ctx.thresholds.getLong("weak.searchLimit");
        int[] checked = {0};
        int[] affected = {0};
        long[] valueBytes = {0};
        List<String> example = new ArrayList<>();
        m.entries((node, key, value, hash, known, bin) -> {
            int k = key == 0 ? -1 : ctx.index.indexOf(key);
            int v = value == 0 ? -1 : ctx.index.indexOf(value);
            if (k < 0 || v < 0) {
                return true;
            }
            checked[0]++;
            List<String> path = example.isEmpty() ? new ArrayList<>() : null;
            if (reaches(ctx, v, k, limit, path)) {
                affected[0]++;
                valueBytes[0] += ctx.retained(v);
                if (path != null) {
                    example.addAll(path);
                }
            }
            return checked[0] < sample;
        });
        if (affected[0] == 0) {
            return;
        }
        double share = (double) affected[0] / checked[0];
        long estimated = Math.round(share * m.size());
        WeakMapEvidence e = new WeakMapEvidence(m.size(), checked[0], affected[0], estimated, valueBytes[0],
                List.copyOf(example));
        long retained = ctx.retained(m.object());
        String advice = String.format("In %s, %d of %d values checked hold a strong reference back to their own key "
                + "(%s), so the weak keys are never cleared and the map keeps every entry. Break the value → key "
                + "reference: store the key's id or a WeakReference to it in the value, or key the map by "
                + "something the value does not point to.", ctx.ownerLabel(m.object()), affected[0], checked[0],
                String.join(" ", example));
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, retained));
    }

    /** Breadth-first over strong references from {@code from}, up to {@code limit} objects, looking for {@code target}. */
    private static boolean reaches(DetectContext ctx, int from, int target, int limit, List<String> path) {
        IntIntHashMap parent = new IntIntHashMap();
        int[] queue = new int[Math.min(limit, ctx.index.objectCount())];
        int head = 0;
        int tail = 0;
        queue[tail++] = from;
        parent.put(from, -1);
        while (head < tail) {
            int v = queue[head++];
            int deg = ctx.graph.degree(v);
            for (int k = 0; k < deg; k++) {
                if (ctx.graph.isWeakEdge(v, k) || ctx.graph.isClassEdge(v, k)) {
                    continue;
                }
                int w = ctx.graph.successor(v, k);
                if (w < 0 || parent.containsKey(w)) {
                    continue;
                }
                parent.put(w, v);
                if (w == target) {
                    if (path != null) {
                        List<String> steps = new ArrayList<>();
                        for (int x = w; x != from; x = parent.get(x)) {
                            steps.add(0, ctx.namer.edgeLabel(parent.get(x), x));
                        }
                        steps.add(0, "value (" + ctx.index.classOf(from).name() + ")");
                        steps.add("= its key");
                        path.addAll(steps);
                    }
                    return true;
                }
                if (tail < queue.length) {
                    queue[tail++] = w;
                }
            }
        }
        return false;
    }
}
