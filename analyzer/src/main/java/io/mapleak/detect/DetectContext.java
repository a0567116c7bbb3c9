package io.mapleak.detect;

import io.mapleak.graph.DominatorTree;
import io.mapleak.graph.HeapGraph;
import io.mapleak.graph.PathNamer;
import io.mapleak.graph.StrongPaths;
import io.mapleak.heap.HeapIndex;
import io.mapleak.maps.MapCatalog;
import io.mapleak.maps.MapContext;
import io.mapleak.maps.MapView;
import io.mapleak.maps.ValueText;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every detector reads: the index, graph, dominators, strong paths (computed for all objects once), the
 * decoded maps, thresholds, and whether key and value contents may appear in evidence ({@code redact}).
 */
public final class DetectContext {
    final HeapIndex index;
    final HeapGraph graph;
    final DominatorTree tree;
    final StrongPaths paths;
    final PathNamer namer;
    final MapCatalog catalog;
    final MapContext maps;
    final List<MapView> views;
    final Thresholds thresholds;
    final boolean redact;
    final ValueText text;
    final long liveBytes;
    private final ConcurrentHashMap<Integer, String> ownerLabels = new ConcurrentHashMap<>();
    /** Each map's values read as references, once: growth, unique keys and their advice all ask. */
    private final ConcurrentHashMap<Integer, ExpungedValues.Sample> valueSamples = new ConcurrentHashMap<>();
    private Map<String, List<MapView>> mapsByOwner;
    private SpringBeans springBeans;
    private ExpungedValues expunged;
    private final List<SharedGroup> sharedGroups;
    private final com.carrotsearch.hppc.IntObjectHashMap<SharedGroup> groupByMap =
            new com.carrotsearch.hppc.IntObjectHashMap<>();

    /**
     * {@code views} are the maps to examine: callers pass the reachable ones, since nothing is reported about
     * garbage the dump still holds.
     */
    public DetectContext(HeapIndex index, HeapGraph graph, DominatorTree tree, StrongPaths paths,
            MapCatalog catalog, List<MapView> views, Thresholds thresholds, boolean redact) {
        this.index = index;
        this.graph = graph;
        this.tree = tree;
        this.paths = paths;
        this.namer = new PathNamer(index).namingKeys(this::show);
        this.catalog = catalog;
        this.maps = new MapContext(index);
        this.views = views;
        this.thresholds = thresholds;
        this.redact = redact;
        this.text = new ValueText(index, 80);
        this.liveBytes = Math.max(1, tree.reachableBytes());
        this.sharedGroups = SharedGroups.find(this, views);
        for (SharedGroup g : sharedGroups) {
            for (int m : g.maps()) {
                groupByMap.putIfAbsent(m, g); // the first group holding it, as a search in order finds
            }
        }
    }

    /** Groups of large maps that index the same entries, with what each group retains together. */
    public List<SharedGroup> sharedGroups() {
        return sharedGroups;
    }

    /** The group {@code map} belongs to, or null: asked for every map, so looked up rather than searched. */
    SharedGroup groupOf(int map) {
        return groupByMap.get(map);
    }

    /**
     * What {@code map} holds: its retained size, or for a map that shares its entries with others, what the group
     * retains together (none of them alone keeps the shared entries alive).
     */
    long held(int map) {
        SharedGroup g = groupOf(map);
        return g != null ? g.retainedTogether() : retained(map);
    }

    public HeapIndex index() {
        return index;
    }

    public DominatorTree tree() {
        return tree;
    }

    public StrongPaths paths() {
        return paths;
    }

    public PathNamer namer() {
        return namer;
    }

    public long liveBytes() {
        return liveBytes;
    }

    long retained(int object) {
        return tree.retainedSize(object);
    }

    double share(long bytes) {
        return (double) bytes / liveBytes;
    }

    /** {@code bytes} as a percentage of the live heap, to one decimal. */
    double heapPercent(long bytes) {
        return Math.round(1000.0 * share(bytes)) / 10.0;
    }

    public List<MapView> views() {
        return views;
    }

    /** {@link #views}' objects in rising order, for {@link #view}; built on first use. */
    private int[] viewObjects;
    /** Beside each of {@link #viewObjects}, its view's position in {@link #views}; null when that is the same. */
    private int[] viewPositions;

    /**
     * The view of map {@code object} among {@link #views}, or null. A binary search over 4 bytes a map (8 when the
     * views are not in object order): a {@code HashMap<Integer, MapView>} of every map cost about 55 bytes a map,
     * and for the 3.8 million maps of a 10 GB dump it was the 200 MB that ran a 1 GB heap out of memory.
     */
    public MapView view(int object) {
        int[] objects;
        int[] positions;
        synchronized (this) {
            if (viewObjects == null) {
                sortViews();
            }
            objects = viewObjects;
            positions = viewPositions;
        }
        int at = java.util.Arrays.binarySearch(objects, object);
        return at < 0 ? null : views.get(positions == null ? at : positions[at]);
    }

    private void sortViews() {
        int n = views.size();
        int[] objects = new int[n];
        boolean rising = true;
        for (int i = 0; i < n; i++) {
            objects[i] = views.get(i).object();
            rising &= i == 0 || objects[i] > objects[i - 1];
        }
        if (!rising) {
            long[] keyed = new long[n]; // object in the high half, position in the low: sorted by object
            for (int i = 0; i < n; i++) {
                keyed[i] = (long) objects[i] << 32 | i;
            }
            java.util.Arrays.sort(keyed);
            viewPositions = new int[n];
            for (int i = 0; i < n; i++) {
                objects[i] = (int) (keyed[i] >>> 32);
                viewPositions[i] = (int) keyed[i];
            }
        }
        viewObjects = objects;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    public HeapGraph graph() {
        return graph;
    }

    public boolean redact() {
        return redact;
    }

    /** The cached owner label of {@code object}: the field that holds it, or its root in words. */
    public String owner(int object) {
        return ownerLabel(object);
    }

    /** The field that holds {@code object} ("Decl.field"), or a description of its root; cached. */
    String ownerLabel(int object) {
        return ownerLabels.computeIfAbsent(object, this::uncachedOwnerLabel);
    }

    /**
     * Every map of {@link #views} grouped by its owner label, each group in object order (unmodifiable), for the
     * passes over all maps (the small-map detector, the report's map inventory): each label is computed once and
     * kept once per group. Going through {@link #ownerLabel}'s cache instead kept one label per map alive (about
     * 150 bytes a map: 3.8 million maps of a 10 GB dump took the last 600 MB of a 2 GB heap).
     */
    public synchronized Map<String, List<MapView>> mapsByOwner() {
        if (mapsByOwner == null) {
            // Labels on every core, each into its own slot; grouped on one thread after, with no lock taken per map
            // (most maps share a few labels, and adding to those few shared lists was where the threads waited).
            // Each slot holds the one instance of its label: a fresh string a map kept 3.8 million of them alive
            // at once on the 10 GB benchmark dump, a few hundred MB, and a 600 MB heap no longer sufficed.
            String[] labels = new String[views.size()];
            Map<String, String> canonical = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.stream.IntStream.range(0, labels.length).parallel().forEach(i ->
                    labels[i] = canonical.computeIfAbsent(uncachedOwnerLabel(views.get(i).object()), l -> l));
            Map<String, List<MapView>> groups = new java.util.HashMap<>();
            for (int i = 0; i < labels.length; i++) {
                groups.computeIfAbsent(labels[i], k -> new java.util.ArrayList<>()).add(views.get(i));
            }
            Map<String, List<MapView>> sorted = new java.util.HashMap<>();
            groups.forEach((label, members) -> {
                members.sort(java.util.Comparator.comparingInt(MapView::object));
                sorted.put(label, java.util.Collections.unmodifiableList(members));
            });
            mapsByOwner = java.util.Collections.unmodifiableMap(sorted);
        }
        return mapsByOwner;
    }

    /** {@link #ownerLabel}, computed afresh and not cached. */
    private String uncachedOwnerLabel(int object) {
        if (!paths.stronglyReachable(object)) {
            return tree.reachable(object) ? "(weakly reachable)" : "(unreachable)";
        }
        return namer.ownerOrRootLabel(paths, object);
    }

    /** Key or value text for evidence: the dump's contents, or a placeholder when redacting. */
    String show(long id) {
        if (redact) {
            int o = id == 0 ? -1 : index.indexOf(id);
            return o < 0 ? (id == 0 ? "null" : "<redacted>") : "<" + index.classOf(o).name() + ">";
        }
        return text.of(id);
    }

    /**
     * The entries of {@code m} that stay: a weak-keyed map's whose keys are not cleared; a map's whose values are not
     * cleared references its owner expunges (see {@link ExpungedValues}, from a sample of {@code keys.sample}).
     */
    long liveEntries(MapView m) {
        if (m.kind() == io.mapleak.maps.MapKind.WEAK_KEYED) {
            return m.size() - m.consistency().staleEntries();
        }
        return valueReferences(m).live(m.size());
    }

    /** {@code m}'s values read as references, from a sample of {@code keys.sample} (see {@link ExpungedValues}). */
    ExpungedValues.Sample valueReferences(MapView m) {
        ExpungedValues e;
        synchronized (this) {
            if (expunged == null) {
                expunged = ExpungedValues.of(index);
            }
            e = expunged;
        }
        return valueSamples.computeIfAbsent(m.object(),
                k -> e.sample(m, (int) thresholds.getLong("keys.sample")));
    }

    /**
     * A sentence for a map whose values are mostly cleared references with no queue (empty otherwise): its entries
     * outlive their values, since nothing tells it they are gone.
     */
    String orphanedValues(MapView m) {
        ExpungedValues.Sample s = m.kind() == io.mapleak.maps.MapKind.WEAK_KEYED ? ExpungedValues.Sample.NONE
                : valueReferences(m);
        if (!s.mostlyOrphaned()) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, " Its values are references the collector has already cleared "
                + "(%s of the %,d sampled), registered with no queue: nothing tells the map they are gone, so "
                + "their entries stay. Register them with a ReferenceQueue and remove the entries it returns, or "
                + "let the cache do it (Caffeine.newBuilder().weakValues()).",
                EvidenceReader.percent((double) s.orphaned() / s.sampled()), s.sampled());
    }

    /** The Spring singletons of the dump's application contexts (read once, when first asked). */
    synchronized SpringBeans springBeans() {
        if (springBeans == null) {
            try {
                springBeans = SpringBeans.read(index, paths, views);
            } catch (RuntimeException unreadable) { // a registry cut short or damaged: no bean names, read once
                springBeans = SpringBeans.NONE;
            }
        }
        return springBeans;
    }

    String className(long id) {
        int o = id == 0 ? -1 : index.indexOf(id);
        return o < 0 ? (id == 0 ? "null" : "missing") : index.classOf(o).name();
    }
}
