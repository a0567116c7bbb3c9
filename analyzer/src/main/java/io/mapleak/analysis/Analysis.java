package io.mapleak.analysis;

import io.mapleak.analysis.AnalysisResult.ClassRow;
import io.mapleak.analysis.AnalysisResult.Finding;
import io.mapleak.analysis.AnalysisResult.InventoryRow;
import io.mapleak.analysis.AnalysisResult.MapRef;
import io.mapleak.analysis.AnalysisResult.Owner;
import io.mapleak.analysis.AnalysisResult.PathStep;
import io.mapleak.analysis.AnalysisResult.Sample;
import io.mapleak.detect.DetectContext;
import io.mapleak.detect.Detectors;
import io.mapleak.detect.ValueRetentionEvidence;
import io.mapleak.graph.ClassRetention;
import io.mapleak.graph.DominatorTree;
import io.mapleak.graph.PathNamer;
import io.mapleak.graph.StrongPaths;
import io.mapleak.heap.ByteCounts;
import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.DumpFacts;
import io.mapleak.heap.Hex;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Together;
import io.mapleak.heap.Histogram;
import io.mapleak.heap.JvmHints;
import io.mapleak.heap.Layout;
import io.mapleak.heap.PhaseTimer;
import io.mapleak.maps.MapCatalog;
import io.mapleak.maps.MapView;
import io.mapleak.maps.ValueText;
import io.mapleak.rank.Ranker;
import io.mapleak.rank.Suspect;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the stages for one dump (read and index, dominators, strong paths, decode maps, detect, rank) and returns
 * one immutable {@link AnalysisResult} with everything the reports show: suspects with owner paths, fixes and
 * typed evidence, the map inventory, the largest classes, warnings and timings. Commands render the result; they
 * compute nothing of it.
 *
 * <p>Cost beyond the stages: one walk of the dominator tree for the classes' retained sizes (8 bytes per object
 * while it runs), owner paths and keys for the inventory's maps, and up to {@link #SAMPLE_SCAN} entries per suspect
 * for its samples.
 */
public final class Analysis {
    /** Members listed per suspect; {@code mapCount} counts all of them. */
    static final int MAPS_LISTED = 5;
    /** Map ids listed per finding (a small-map finding may concern 20,000 maps). */
    static final int FINDING_MAPS_LISTED = 20;
    /** Sample entries shown per suspect. */
    static final int SAMPLES = 5;
    /** Entries looked at to pick the samples whose values retain the most: enough to find heavy ones, and quick. */
    static final int SAMPLE_SCAN = 5_000;
    /** Longest key or value text in a sample. */
    static final int SAMPLE_CHARS = 120;
    /** Rows in each largest-classes table. */
    static final int CLASSES = 15;
    /** Dominator steps from a map down to one of its values (map, table, node, value; a wrapper adds one). */
    private static final int VALUE_DEPTH = 6;

    private Analysis() {
    }

    /** Analyses {@code dump}; progress goes to {@code listener}. */
    public static AnalysisResult run(Path dump, AnalysisOptions options, AnalysisListener listener)
            throws IOException {
        // Maps decode from the index alone: one thread decodes them while the dominator tree is computed, and
        // every thread that asks for them afterwards helps with what is left.
        MapCatalog decoding = MapCatalog.standard(options.userMaps());
        Workbench.Alongside<MapCatalog.Candidates> decode = new Workbench.Alongside<>() {
            @Override
            public MapCatalog.Candidates prepare(HeapIndex index) {
                return decoding.candidates(index);
            }

            @Override
            public void proceed(MapCatalog.Candidates candidates) {
                candidates.decode();
            }

            @Override
            public void stop(MapCatalog.Candidates candidates) {
                candidates.stop();
            }
        };
        try (Workbench wb = Workbench.open(dump, options.read(), listener, true, decode)) {
            return run(wb, options, listener);
        }
    }

    /** What the detectors found in an opened dump: the maps decoded, the reachable ones examined, the findings. */
    record Detection(MapCatalog.Decoded decoded, List<MapView> live, DetectContext ctx, Detectors.Run run) {
    }

    /** Decodes the maps of an opened dump and runs every detector over the reachable ones. */
    static Detection detect(Workbench wb, AnalysisOptions options, PhaseTimer timer) {
        wb.pathsFor(null);
        timer.lap("strong paths"); // its own phase, not counted again in "decode maps"
        MapCatalog catalog = MapCatalog.standard(options.userMaps());
        MapCatalog.Candidates early = wb.alongside(MapCatalog.Candidates.class);
        // Decoded beside the dominators when the workbench was asked to: then this counts the time waited for them.
        MapCatalog.Decoded decoded;
        if (early != null) {
            decoded = early.finish(wb.dominators);
        } else {
            decoded = catalog.decodeAll(wb.index, wb.dominators);
        }
        timer.lap("decode maps");
        List<MapView> live = new ArrayList<>();
        for (MapView v : decoded.maps()) {
            if (wb.dominators.reachable(v.object())) {
                live.add(v); // nothing is reported about garbage the dump still holds
            }
        }
        DetectContext ctx = new DetectContext(wb.index, wb.graph, wb.dominators, wb.paths(), catalog, live,
                options.thresholds(), options.redact());
        timer.lap("shared entries");
        Detectors.Run run = Detectors.run(ctx);
        timer.lap("detectors");
        return new Detection(decoded, live, ctx, run);
    }

    /** Analyses an opened dump (strong paths are computed for every object). */
    public static AnalysisResult run(Workbench wb, AnalysisOptions options, AnalysisListener listener) {
        List<Thread> helpers = new ArrayList<>();
        try {
            return run(wb, options, listener, helpers);
        } finally {
            Together.joinAll(helpers); // they read the index's columns, which may close after this returns
        }
    }

    private static AnalysisResult run(Workbench wb, AnalysisOptions options, AnalysisListener listener,
            List<Thread> helpers) {
        PhaseTimer timer = new PhaseTimer();
        listener.phase("Analysing maps", -1);
        Detection d;
        Ranker.Ranking ranking;
        AnalysisResult.JvmProcess process;
        CompletableFuture<AnalysisResult.Classes> classTables;
        try {
            // The class tables need only the index and the dominator tree (two passes over every object and one
            // walk of the tree): a second thread computes them while this one decodes what is left of the maps,
            // runs the detectors, ranks, and writes suspects and inventory.
            classTables = Workbench.inThread("mapleak-class-tables", () -> {
                ClassRetention.Totals totals = ClassRetention.compute(wb.index, wb.dominators, wb.graph);
                return new AnalysisResult.Classes(byShallow(wb.index), byRetained(wb.index, totals),
                        LiveClasses.byInstances(wb.index, totals, AnalysisResult.Classes.BY_INSTANCES_ROWS));
            }, helpers);
            d = detect(wb, options, timer);
            process = ProcessFacts.read(wb.index, d.decoded().maps(), options.redact());
            ranking = Ranker.rank(d.ctx(), d.run().findings(), options.knownMaps(), wb.index.facts().truncated(),
                    process.maxHeapBytes());
            timer.lap("ranking");
        } finally {
            listener.phaseDone();
        }
        DetectContext ctx = d.ctx();
        Detectors.Run detection = d.run();
        MapCatalog.Decoded decoded = d.decoded();
        List<MapView> live = d.live();
        Builder b = new Builder(wb, ctx, live, options.redact());
        List<AnalysisResult.Suspect> suspects = new ArrayList<>();
        for (Suspect s : ranking.suspects()) {
            suspects.add(b.suspect(s));
        }
        List<AnalysisResult.Holder> holders = new ArrayList<>();
        for (Ranker.Holder h : ranking.holders()) {
            holders.add(new AnalysisResult.Holder(Hex.id(wb.index.id(h.map())), wb.index.classOf(h.map()).name(),
                    h.owner(), h.entries(), h.retainedBytes(), h.why()));
        }
        AnalysisResult.Inventory inventory = b.inventory();
        AnalysisResult.Classes classes = Workbench.await(classTables, helpers);
        timer.lap("report data");
        wb.phases.putAll(timer.phases());

        List<String> warnings = new ArrayList<>(wb.index.facts().warnings());
        if (wb.index.facts().truncated()) {
            warnings.add("the dump is truncated, so GC root records and the objects that held others may lie past "
                    + "the cut: every class, every thread and every object that nothing before the cut refers to "
                    + "counts as a root; maps whose entries lie past the cut are counted as far as they go, and "
                    + "none is called damaged for it");
        }
        if (decoded.failures() > 0) {
            warnings.add(String.format(Locale.ROOT, "%,d map%s could not be decoded (fields not as mapleak knows "
                    + "them) and %s left out; the first: %s", decoded.failures(), decoded.failures() == 1 ? "" : "s",
                    decoded.failures() == 1 ? "is" : "are", decoded.failureExamples().get(0)));
        }
        if (detection.failures() > 0) {
            warnings.add(String.format(Locale.ROOT, "a detector failed %,d time%s; the maps concerned may lack "
                    + "findings; the first: %s", detection.failures(), detection.failures() == 1 ? "" : "s",
                    detection.failureExamples().get(0)));
        }
        List<String> examples = new ArrayList<>(decoded.failureExamples());
        examples.addAll(detection.failureExamples());
        return new AnalysisResult(AnalysisResult.SCHEMA_VERSION, new AnalysisResult.Tool("mapleak", Version.get()),
                dump(wb, process), suspects, holders, decoded.maps().size(), inventory, classes,
                Math.round(wb.seconds() * 100) / 100.0, rounded(wb.phases), rounded(detection.seconds()),
                options.thresholds().values(), options.redact(),
                new AnalysisResult.Problems(decoded.failures(), detection.failures(), examples), warnings);
    }

    private static Map<String, Double> rounded(Map<String, Double> seconds) {
        Map<String, Double> out = new LinkedHashMap<>();
        seconds.forEach((k, v) -> out.put(k, Math.round(v * 1000) / 1000.0));
        return out;
    }

    private static AnalysisResult.Dump dump(Workbench wb, AnalysisResult.JvmProcess process) {
        HeapIndex index = wb.index;
        DumpFacts facts = index.facts();
        Layout l = facts.layout();
        DominatorTree tree = wb.dominators;
        AnalysisResult.Layout layout = new AnalysisResult.Layout(l.compressedOops(), l.headerBytes(),
                l.referenceBytes(), l.alignment(), l.compactHeaders(),
                l.fieldStyle() == Layout.FieldStyle.MODERN ? "jdk15+" : "jdk8-14", l.inferred(), facts.layoutEvidence(),
                facts.learnedClassSizes());
        AnalysisResult.Truncation truncation = null;
        if (facts.truncated()) {
            String where = facts.warnings().stream().filter(w -> w.startsWith("the dump ends at offset"))
                    .findFirst().orElse("the dump ends early");
            truncation = new AnalysisResult.Truncation(truncationOffset(where), where, index.objectCount(),
                    index.heapBytes(), index.danglingReferences());
        }
        return new AnalysisResult.Dump(wb.file.path().toString(), wb.file.fileBytes(),
                wb.file.compression().name().toLowerCase(Locale.ROOT), facts.header().version(),
                facts.header().idSize(), Instant.ofEpochMilli(facts.header().timestampMillis()).toString(),
                facts.heapDumps(), facts.selectedDump(), index.objectCount(), index.classes().size(),
                index.heapBytes(), facts.truncated(), layout, tree.reachableBytes(), tree.reachableObjects(),
                new AnalysisResult.Garbage(index.objectCount() - tree.reachableObjects(),
                        index.heapBytes() - tree.reachableBytes()), JvmHints.read(index), truncation, process);
    }

    private static long truncationOffset(String where) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("offset (\\d+)").matcher(where);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static List<ClassRow> byShallow(HeapIndex index) {
        List<ClassRow> rows = new ArrayList<>();
        for (Histogram.Row r : index.histogram().rows()) {
            if (rows.size() == CLASSES) {
                break;
            }
            rows.add(new ClassRow(r.name(), r.instances(), r.shallowBytes(), -1));
        }
        return rows;
    }

    private static List<ClassRow> byRetained(HeapIndex index, ClassRetention.Totals totals) {
        long[] retained = totals.retained();
        long[] instances = totals.instances();
        List<ClassInfo> classes = new ArrayList<>();
        for (ClassInfo c : index.classes()) {
            if (retained[c.index()] > 0 && !c.name().equals("java.lang.Class")) {
                classes.add(c);
            }
        }
        classes.sort(Comparator.comparingLong((ClassInfo c) -> retained[c.index()]).reversed());
        List<ClassRow> rows = new ArrayList<>();
        for (ClassInfo c : classes.subList(0, Math.min(CLASSES, classes.size()))) {
            rows.add(new ClassRow(c.name(), instances[c.index()], -1, retained[c.index()]));
        }
        return rows;
    }

    /** Turns ranked suspects and maps into result records: ids as hex, owner paths named, samples read. */
    private static final class Builder {
        final Workbench wb;
        final DetectContext ctx;
        final List<MapView> live;
        final boolean redact;
        final ValueText text;

        Builder(Workbench wb, DetectContext ctx, List<MapView> live, boolean redact) {
            this.wb = wb;
            this.ctx = ctx;
            this.live = live;
            this.redact = redact;
            this.text = new ValueText(wb.index, SAMPLE_CHARS);
        }

        String id(int object) {
            return Hex.id(wb.index.id(object));
        }

        StrongPaths paths() {
            return wb.paths();
        }

        AnalysisResult.Suspect suspect(Suspect s) {
            int lead = s.maps().get(0);
            int[] path = paths().pathTo(lead);
            Owner owner = new Owner(s.owner().label(), s.owner().root(), s.owner().path(),
                    path.length == 0 ? s.owner().label() : wb.namer.ownerKey(path));
            Map<Integer, String> roles = new HashMap<>();
            for (Suspect.Container c : s.containers()) {
                roles.put(c.map(), c.role());
            }
            List<PathStep> steps = new ArrayList<>();
            List<PathNamer.Step> named = ctx.namer().readable(path, wb.dominators);
            for (int i = 0; i < named.size(); ) {
                PathNamer.Step step = named.get(i);
                // a run down a linked list is one step with its count, as in the owner's path (PathNamer.runs)
                int j = i + 1;
                while (!roles.containsKey(step.object()) && j < named.size()
                        && named.get(j).label().equals(step.label())
                        && named.get(j).className().equals(step.className())
                        && !roles.containsKey(named.get(j).object())) {
                    j++;
                }
                String label = j - i >= PathNamer.RUN
                        ? PathNamer.run(step.label(), j - i) : step.label();
                steps.add(new PathStep(label, step.className(), step.retainedBytes(), roles.get(step.object())));
                if (j - i < PathNamer.RUN) {
                    j = i + 1;
                }
                i = j;
            }
            List<MapRef> maps = new ArrayList<>();
            for (int m : s.maps().subList(0, Math.min(MAPS_LISTED, s.maps().size()))) {
                maps.add(mapRef(m));
            }
            List<Finding> findings = new ArrayList<>();
            for (io.mapleak.detect.Finding f : s.findings()) {
                findings.add(finding(f));
            }
            AnalysisResult.Known known = s.known() == null ? null : new AnalysisResult.Known(s.known().id(),
                    s.known().library(), s.known().role(), s.known().what());
            AnalysisResult.Shared shared = null;
            if (s.shared() != null) {
                long largest = 0;
                for (int m : s.shared().maps()) {
                    largest = Math.max(largest, wb.dominators.retainedSize(m));
                }
                int h = s.shared().holder();
                shared = new AnalysisResult.Shared(s.shared().maps().length, s.shared().retainedTogether(), largest,
                        h < 0 ? "exact: the bytes the GC roots no longer reach once every map of the group is gone"
                                : "holder: something else holds the entries too, so the maps free no more together"
                                        + " than alone; the bytes the GC roots no longer reach once the object holding"
                                        + " the maps and that structure is gone (its retained size)",
                        h < 0 ? null : new AnalysisResult.EntryHolder(id(h), wb.index.classOf(h).name(), ctx.owner(h)));
            }
            List<AnalysisResult.Suspect> nested = new ArrayList<>();
            for (Suspect n : s.nested()) {
                nested.add(suspect(n));
            }
            MapView view = ctx.view(lead);
            List<Sample> samples = redact || view == null ? List.of() : samples(view);
            return new AnalysisResult.Suspect(s.rank(), s.severity(), s.score(), s.title(), s.summary(), owner, steps,
                    maps, s.mapCount(), s.entries(), s.retainedBytes(), s.wastedBytes(),
                    new AnalysisResult.Fix(s.fix().text(), s.fix().basedOn()), known, shared, findings, samples,
                    nested, s.inside(), s.scoreParts());
        }

        MapRef mapRef(int m) {
            MapView v = ctx.view(m);
            return new MapRef(id(m), wb.index.classOf(m).name(), v != null ? v.kind().json() : null,
                    v != null ? v.size() : -1, v != null ? v.capacity() : -1, wb.dominators.retainedSize(m),
                    ctx.owner(m));
        }

        Finding finding(io.mapleak.detect.Finding f) {
            List<String> ids = new ArrayList<>();
            long missing = 0;
            for (int i = 0; i < f.maps().length; i++) {
                if (i < FINDING_MAPS_LISTED) {
                    ids.add(id(f.maps()[i]));
                }
                MapView v = ctx.view(f.maps()[i]);
                missing += v == null ? 0 : v.missingObjects();
            }
            List<String> caveats = new ArrayList<>(f.caveats());
            if (missing > 0) {
                caveats.add(String.format(Locale.ROOT, "reading the map met %,d reference%s to objects the dump does "
                        + "not hold%s: its counts are lower bounds", missing, missing == 1 ? "" : "s",
                        wb.index.facts().truncated() ? " (they lie past the cut of this truncated dump)" : ""));
            }
            if (f.evidence() instanceof ValueRetentionEvidence v && v.sampled()) {
                caveats.add(String.format(Locale.ROOT, "the breakdown is of the first %,d of %,d entries",
                        v.entriesExamined(), v.entries()));
            }
            return new Finding(f.kind(), ids, f.category().name().toLowerCase(Locale.ROOT), f.bytesAtStake(),
                    f.evidence(), f.advice(), caveats);
        }

        /** Of the first {@link #SAMPLE_SCAN} entries, the {@link #SAMPLES} whose values (keys, for sets) retain most. */
        List<Sample> samples(MapView view) {
            long[] keys = new long[SAMPLES];
            long[] values = new long[SAMPLES];
            long[] weights = new long[SAMPLES];
            int[] kept = {0};
            int[] seen = {0};
            view.entries((node, key, value, hash, known, bin) -> {
                long w = owned(view.set() ? key : value, view.object());
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
            List<Sample> out = new ArrayList<>();
            for (int i = 0; i < kept[0]; i++) {
                out.add(new Sample(text.of(keys[i]), view.set() ? "(set member)" : text.of(values[i]), weights[i]));
            }
            return out;
        }

        /** The retained size of {@code id} if {@code map} dominates it within a few steps, else -1 (not owned). */
        long owned(long id, int map) {
            int o = id == 0 ? -1 : wb.index.indexOf(id);
            if (o < 0) {
                return -1;
            }
            int d = o;
            for (int i = 0; i < VALUE_DEPTH && d >= 0; i++) {
                d = wb.dominators.dominator(d);
                if (d == map) {
                    return wb.dominators.retainedSize(o);
                }
            }
            return -1;
        }

        /**
         * Every reachable map with at least {@link AnalysisResult.Inventory#MIN_ENTRIES} entries or
         * {@link AnalysisResult.Inventory#MIN_BYTES} retained, and every group of smaller maps held by one field
         * whose sums pass the same floor (20,000 sessions' attribute maps are one row), keyed by owner path.
         */
        AnalysisResult.Inventory inventory() {
            long minEntries = AnalysisResult.Inventory.MIN_ENTRIES;
            long minBytes = AnalysisResult.Inventory.MIN_BYTES;
            DominatorTree tree = wb.dominators;
            List<InventoryRow> rows = new ArrayList<>();
            for (MapView v : live) {
                if (big(v, minEntries, minBytes)) {
                    rows.add(row(List.of(v)));
                }
            }
            // the detectors' grouping of the same maps (live is ctx.views()), each group in object order
            for (var e : ctx.mapsByOwner().entrySet()) {
                if (e.getKey().startsWith("(")) {
                    continue;
                }
                List<MapView> g = new ArrayList<>();
                for (MapView v : e.getValue()) {
                    if (!big(v, minEntries, minBytes)) {
                        g.add(v);
                    }
                }
                if (g.size() < 2) {
                    continue;
                }
                long size = 0;
                long bytes = 0;
                for (MapView v : g) {
                    size += Math.max(0, v.size());
                    bytes += tree.retainedSize(v.object());
                }
                if (size >= minEntries || bytes >= minBytes) {
                    // the sum counts maps nested in others of the group twice: the row's does not
                    InventoryRow row = row(g);
                    if (row.size() >= minEntries || row.retainedBytes() >= minBytes) {
                        rows.add(row);
                    }
                }
            }
            rows.sort(Comparator.comparingLong(InventoryRow::retainedBytes).reversed()
                    .thenComparing(InventoryRow::objectId));
            int total = rows.size();
            List<InventoryRow> kept = rows.subList(0, Math.min(AnalysisResult.Inventory.MAX_ROWS, total));
            String rule = String.format(Locale.ROOT, "maps with at least %,d entries or %s retained, and groups of "
                    + "smaller maps held by one field whose totals reach that", minEntries, ByteCounts.format(minBytes));
            return new AnalysisResult.Inventory(rule, total, kept);
        }

        /** Whether a map gets an inventory row of its own. */
        private boolean big(MapView v, long minEntries, long minBytes) {
            return v.size() >= minEntries || wb.dominators.retainedSize(v.object()) >= minBytes;
        }

        /** A row for one map, or for a group of maps with one owner field (sums; the largest member's identity). */
        InventoryRow row(List<MapView> group) {
            MapView largest = group.get(0);
            long size = 0;
            long capacity = 0;
            long bytes = 0;
            com.carrotsearch.hppc.IntHashSet members = new com.carrotsearch.hppc.IntHashSet(group.size());
            for (MapView v : group) {
                long r = wb.dominators.retainedSize(v.object());
                if (r > wb.dominators.retainedSize(largest.object())) {
                    largest = v;
                }
                size += Math.max(0, v.size());
                capacity += Math.max(0, v.capacity());
                members.add(v.object());
            }
            long most = wb.dominators.retainedSize(largest.object());
            for (MapView v : group) {
                // a map nested in another of the group (a JSON tree's) is inside that one's size already
                if (group.size() == 1 || !wb.dominators.dominatedByAny(v.object(), members::contains, most)) {
                    bytes += wb.dominators.retainedSize(v.object());
                }
            }
            int o = largest.object();
            int[] path = paths().pathTo(o);
            Owner owner;
            if (path.length == 0) {
                owner = new Owner(ctx.owner(o), "other", List.of(), ctx.owner(o));
            } else {
                PathNamer.Owner named = ctx.namer().owner(path);
                owner = new Owner(named.label(), named.root(), named.path(), wb.namer.ownerKey(path));
            }
            return new InventoryRow(id(o), largest.implementation(), largest.kind().json(), size,
                    largest.capacity() < 0 && group.size() == 1 ? -1 : capacity, bytes, group.size(), owner);
        }
    }
}
