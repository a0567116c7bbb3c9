package io.mapleak.detect;

import io.mapleak.maps.MapKind;
import io.mapleak.maps.MapView;
import java.util.List;

/**
 * {@code unbounded-growth}: a map that holds a large share of the heap through many entries, or very many
 * entries, with nothing that bounds it. A map with a handful of entries whose values are large is not growing:
 * it is a large holder, which the report lists for information.
 */
final class UnboundedGrowthDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("unbounded-growth", "Map that only grows",
            Finding.Category.LEAK, DetectorInfo.Role.GROWTH, GrowthEvidence.class, 60, 10);

    @Override
    public DetectorInfo info() {
        return INFO;
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        // A weak-keyed map's entries whose keys the collector has cleared are still counted until its next write
        // expunges them (WeakHashMap, Guava's weak interners and weakKeys() maps): they are not growth. Nor are
        // entries whose values are cleared references that their owner expunges (Log4j 2.25+'s loggers).
        if (m.size() < ctx.thresholds.get("growth.minEntries") && m.size() < ctx.thresholds.get("growth.entries")) {
            return; // before sampling its values for the live entries
        }
        long live = ctx.liveEntries(m);
        if (live < ctx.thresholds.get("growth.minEntries") && live < ctx.thresholds.get("growth.entries")) {
            return; // too few entries to be big, whatever it holds: no need to weigh its table
        }
        long retained = ctx.held(m.object());
        SharedGroup group = ctx.groupOf(m.object());
        // Empty slots are not growth: a table that grew and was emptied is a hollow table, not a map that only grows.
        // Nor are stale weak entries, which the map's next write expunges with what they hold: their share is left out.
        long held = retained - emptySlotBytes(ctx, m);
        if (live < m.size() && m.size() > 0) {
            held = (long) (held * ((double) live / m.size()));
        }
        boolean big = ctx.share(held) >= ctx.thresholds.get("growth.heapShare")
                && live >= ctx.thresholds.get("growth.minEntries")
                || live >= ctx.thresholds.get("growth.entries");
        if (!big || bounded(m)) {
            return;
        }
        int[] path = ctx.paths.pathTo(m.object());
        // the same sample as the key patterns, so one card never shows two sample sizes
        EvidenceReader.ClassMix mix = EvidenceReader.classMix(ctx, m, (int) ctx.thresholds.getLong("keys.sample"));
        GrowthEvidence e = new GrowthEvidence(m.size(), retained, ctx.heapPercent(retained),
                group == null ? 0 : group.maps().length - 1, path.length == 0 ? "none" : ctx.namer.owner(path).root(), mix.keyClasses(), mix.valueClasses(),
                mix.examined());
        String owner = ctx.ownerLabel(m.object());
        // The map itself a local variable of a running call: it goes when the call returns, so it leaks only if the
        // call lasts (a worker's loop, a long batch); a dump cannot tell which. (A map inside what a local holds, a
        // server that main keeps, is held by that object: the usual advice.)
        String local = path.length == 1 ? ctx.namer.localVariableOf(path) : null;
        String advice = local != null
                ? String.format("A local variable of %s, a call still running, holds %,d entries (%s of the heap): "
                        + "they go when that call returns. If it runs as long as its thread (a worker's loop, a long "
                        + "batch), nothing removes them: remove each entry when the work it tracks ends, or bound the "
                        + "map (Caffeine.newBuilder().maximumSize(N)); if it is a batch's working set, process the "
                        + "input in chunks.", local, m.size(), EvidenceReader.percent(ctx.share(retained)))
                : UniqueKeysDetector.strongInterner(m) ? String.format("%s holds %,d values (%s of the heap). %s",
                        owner, m.size(), EvidenceReader.percent(ctx.share(retained)),
                        UniqueKeysDetector.INTERNER_REMEDY)
                : String.format("%s holds %,d entries (%s of the heap) and nothing removes them. Decide what "
                + "ends an entry's life and remove it then (e.g. when the session or request completes, in a finally "
                + "block), or replace the map with a bounded cache (Caffeine.newBuilder().maximumSize(N)) that evicts "
                + "the oldest entries.", owner, m.size(), EvidenceReader.percent(ctx.share(retained)));
        out.add(new Finding(id(), new int[] {m.object()}, e, advice + ctx.orphanedValues(m), retained));
    }

    @Override
    public String title(Finding f, Subject s) {
        return s.mapClass() + " that only grows: " + s.owner();
    }

    @Override
    public String clause(Finding f, Subject s) {
        return "nothing bounds it";
    }

    /** Bytes of a hash table's slots that hold nothing (0 for maps that are not hash tables). */
    private static long emptySlotBytes(DetectContext ctx, MapView m) {
        boolean table = m.kind() == MapKind.HASH_TABLE || m.kind() == MapKind.WEAK_KEYED
                || m.kind() == MapKind.IDENTITY || m.kind() == MapKind.CACHE;
        return table && m.capacity() > 0 ? HollowTableDetector.wastedBytes(ctx, m) : 0;
    }

    /**
     * Bounded caches, LRU-style linked maps (access-ordered subclasses evict in removeEldestEntry), and
     * unmodifiable or immutable maps, which no put can grow (a wrapper's inner map that someone else also holds is
     * a map of its own in the catalogue, judged on its own).
     */
    static boolean bounded(MapView m) {
        Object b = m.settings().get("bounded");
        if (b instanceof Boolean bool) {
            return bool;
        }
        if (unmodifiable(m.implementation())) {
            return true;
        }
        return m.kind() == MapKind.HASH_TABLE && Boolean.TRUE.equals(m.settings().get("accessOrder"))
                && !m.implementation().startsWith("java.util.");
    }

    private static boolean unmodifiable(String implementation) {
        return implementation.startsWith("java.util.Collections$Unmodifiable")
                || implementation.startsWith("java.util.ImmutableCollections$")
                || implementation.startsWith("com.google.common.collect.") && implementation.contains("Immutable");
    }
}
