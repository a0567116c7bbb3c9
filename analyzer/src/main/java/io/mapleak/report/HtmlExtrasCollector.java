package io.mapleak.report;

import io.mapleak.graph.DominatorTree;
import io.mapleak.graph.PathNamer;
import io.mapleak.graph.StrongPaths;
import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Histogram;
import io.mapleak.heap.JvmHints;
import io.mapleak.maps.MapView;
import io.mapleak.maps.ValueText;
import io.mapleak.rank.Suspect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads from an analysed dump what the HTML report shows beyond the JSON ({@link HtmlExtras}). Costs one pass
 * over the objects and 8 bytes per object for the classes' retained sizes ({@link ClassRetention}), a few record
 * reads per suspect for owner paths, and up to {@link #SAMPLE_SCAN} entries walked per suspect for samples.
 */
public final class HtmlExtrasCollector {
    /** Sample entries shown per suspect. */
    static final int SAMPLES = 5;
    /** Entries looked at to pick the samples whose values retain the most: enough to find heavy ones, and quick. */
    static final int SAMPLE_SCAN = 5_000;
    /** Longest key or value text in a sample. */
    static final int SAMPLE_CHARS = 120;
    /** Inventory: maps with at least this many entries... */
    static final long INVENTORY_ENTRIES = 1_000;
    /** ...or retaining this much (or 1% of the live heap, if less: on small heaps 1 MB would be everything). */
    static final long INVENTORY_BYTES = 1 << 20;
    /** Inventory rows kept, largest retained first: the page stays small on dumps with thousands of big maps. */
    static final int INVENTORY_ROWS = 300;
    /** Rows in each largest-classes table. */
    static final int CLASSES = 15;
    /** Dominator steps from a map down to one of its values (map, table, node, value; a wrapper adds one). */
    private static final int VALUE_DEPTH = 6;

    private HtmlExtrasCollector() {
    }

    public static HtmlExtras collect(HeapIndex index, DominatorTree tree, StrongPaths paths, PathNamer namer,
            List<MapView> views, List<Suspect> suspects, boolean redact) {
        Map<Integer, MapView> byObject = new HashMap<>();
        for (MapView v : views) {
            byObject.put(v.object(), v);
        }
        ValueText text = new ValueText(index, SAMPLE_CHARS);
        Map<Integer, HtmlExtras.SuspectExtras> perSuspect = new HashMap<>();
        for (Suspect s : suspects) {
            if (s.maps().isEmpty()) {
                continue;
            }
            int map = s.maps().get(0);
            List<HtmlExtras.PathStep> steps = new ArrayList<>();
            int[] path = paths != null ? paths.pathTo(map) : new int[0];
            for (PathNamer.Step step : namer.readable(path, tree)) {
                steps.add(new HtmlExtras.PathStep(step.label(), step.className(), step.retainedBytes()));
            }
            MapView view = byObject.get(map);
            List<HtmlExtras.SampleEntry> samples = redact || view == null ? List.of()
                    : samples(index, tree, text, view);
            perSuspect.put(s.rank(), new HtmlExtras.SuspectExtras(steps, samples));
        }

        long live = tree.reachableBytes();
        long minBytes = Math.min(INVENTORY_BYTES, Math.max(1, live / 100));
        List<MapView> big = new ArrayList<>();
        for (MapView v : views) {
            if (v.size() >= INVENTORY_ENTRIES || tree.retainedSize(v.object()) >= minBytes) {
                big.add(v);
            }
        }
        big.sort(Comparator.comparingLong((MapView v) -> tree.retainedSize(v.object())).reversed());
        List<HtmlExtras.MapRow> rows = new ArrayList<>();
        for (MapView v : big.subList(0, Math.min(INVENTORY_ROWS, big.size()))) {
            int o = v.object();
            String owner = paths != null ? namer.ownerLabel(paths.pathTo(o)) : null;
            if (owner == null) {
                int[] p = paths != null ? paths.pathTo(o) : new int[0];
                owner = p.length > 0 ? namer.rootLabel(p[0]) : tree.reachable(o) ? "(weakly reachable)"
                        : "(unreachable)";
            }
            rows.add(new HtmlExtras.MapRow(Hex.id(index.id(o)), v.implementation(), v.kind().json(), v.size(),
                    v.capacity(), tree.retainedSize(o), owner));
        }
        String rule = String.format(Locale.ROOT, "at least %,d entries or %s retained%s", INVENTORY_ENTRIES,
                HtmlReport.bytes(minBytes), minBytes < INVENTORY_BYTES ? " (1% of the live heap)" : "");

        return new HtmlExtras(JvmHints.read(index), perSuspect, rows, rule, big.size(), byShallow(index),
                byRetained(index, tree), redact);
    }

    /** Of the first {@link #SAMPLE_SCAN} entries, the {@link #SAMPLES} whose values (keys, for sets) retain most. */
    private static List<HtmlExtras.SampleEntry> samples(HeapIndex index, DominatorTree tree, ValueText text,
            MapView view) {
        long[] keys = new long[SAMPLES];
        long[] values = new long[SAMPLES];
        long[] weights = new long[SAMPLES];
        int[] kept = {0};
        int[] seen = {0};
        view.entries((node, key, value, hash, known, bin) -> {
            long w = owned(index, tree, view.set() ? key : value, view.object());
            int at = kept[0];
            while (at > 0 && weights[at - 1] < w) {
                at--;
            }
            if (at < SAMPLES) {
                int last = Math.min(kept[0], SAMPLES - 1);
                System.arraycopy(keys, at, keys, at + 1, last - at);
                System.arraycopy(values, at, values, at + 1, last - at);
                System.arraycopy(weights, at, weights, at + 1, last - at);
                keys[at] = key;
                values[at] = value;
                weights[at] = w;
                kept[0] = Math.min(SAMPLES, kept[0] + 1);
            }
            return ++seen[0] < SAMPLE_SCAN;
        });
        List<HtmlExtras.SampleEntry> out = new ArrayList<>();
        for (int i = 0; i < kept[0]; i++) {
            out.add(new HtmlExtras.SampleEntry(text.of(keys[i]), view.set() ? "(set member)" : text.of(values[i]),
                    weights[i]));
        }
        return out;
    }

    /** The retained size of {@code id} if {@code map} dominates it within a few steps, else -1 (shared, not owned). */
    private static long owned(HeapIndex index, DominatorTree tree, long id, int map) {
        int o = id == 0 ? -1 : index.indexOf(id);
        if (o < 0) {
            return -1;
        }
        int d = o;
        for (int i = 0; i < VALUE_DEPTH && d >= 0; i++) {
            d = tree.dominator(d);
            if (d == map) {
                return tree.retainedSize(o);
            }
        }
        return -1;
    }

    private static List<HtmlExtras.ClassRow> byShallow(HeapIndex index) {
        List<HtmlExtras.ClassRow> rows = new ArrayList<>();
        for (Histogram.Row r : index.histogram().rows()) {
            if (rows.size() == CLASSES) {
                break;
            }
            rows.add(new HtmlExtras.ClassRow(r.name(), r.instances(), r.shallowBytes(), -1));
        }
        return rows;
    }

    private static List<HtmlExtras.ClassRow> byRetained(HeapIndex index, DominatorTree tree) {
        long[] retained = ClassRetention.compute(index, tree);
        long[] instances = new long[retained.length];
        for (int o = 0; o < index.objectCount(); o++) {
            if (tree.reachable(o)) {
                instances[index.classIndexOf(o)]++;
            }
        }
        List<ClassInfo> classes = new ArrayList<>();
        for (ClassInfo c : index.classes()) {
            if (retained[c.index()] > 0 && !c.name().equals("java.lang.Class")) {
                classes.add(c);
            }
        }
        classes.sort(Comparator.comparingLong((ClassInfo c) -> retained[c.index()]).reversed());
        List<HtmlExtras.ClassRow> rows = new ArrayList<>();
        for (ClassInfo c : classes.subList(0, Math.min(CLASSES, classes.size()))) {
            rows.add(new HtmlExtras.ClassRow(c.name(), instances[c.index()], -1, retained[c.index()]));
        }
        return rows;
    }
}
