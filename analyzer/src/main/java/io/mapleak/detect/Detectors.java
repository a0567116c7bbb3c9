package io.mapleak.detect;

import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The registry of detectors, and running them: every detector over every map (maps in parallel; detectors only
 * read). Adding a detector means its class, its line in {@link #ALL}, and docs/detectors.md.
 */
public final class Detectors {
    private static final List<Detector> ALL = List.of(new UnboundedGrowthDetector(), new StaticRootDetector(),
            new ValueRetentionDetector(), new UniqueKeysDetector(), new WeakMapNoReleaseDetector(),
            new StaleThreadLocalsDetector(), new UnboundedCacheDetector(), new HollowTableDetector(),
            new SmallMapOverheadDetector(), new CollisionHotspotDetector(), new ConcurrentCorruptionDetector(),
            new MutatedKeysDetector(), new SessionLifetimeDetector(), new DefinedClassesDetector());
    private static final Map<String, Detector> BY_ID = byId();
    /** Failures described in words, at most; the count carries the rest. */
    private static final int FAILURES_KEPT = 5;

    private Detectors() {
    }

    private static Map<String, Detector> byId() {
        Map<String, Detector> m = new LinkedHashMap<>();
        for (Detector d : ALL) {
            m.put(d.id(), d);
        }
        return Collections.unmodifiableMap(m);
    }

    /** The ids of all detectors, in the order they run. */
    public static List<String> ids() {
        return List.copyOf(BY_ID.keySet());
    }

    /** The detector with this id; an unknown id is a programming error. */
    public static Detector detector(String id) {
        Detector d = BY_ID.get(id);
        if (d == null) {
            throw new IllegalArgumentException("no detector " + id);
        }
        return d;
    }

    /** What the detector with this id is; an unknown id is a programming error. */
    public static DetectorInfo info(String id) {
        return detector(id).info();
    }

    /** The evidence record type of a finding kind, or null for kinds this version does not know. */
    public static Class<? extends Evidence> evidenceType(String id) {
        Detector d = BY_ID.get(id);
        return d == null ? null : d.info().evidenceType();
    }

    /**
     * Which of a suspect's findings (their kinds, in the detectors' lead order) leads its title, fix and leak
     * signature: the first that is a diagnosis rather than context; a kind this version does not know (a newer
     * report's) counts as a diagnosis. The first when all are context, -1 when there are none.
     */
    public static int lead(List<String> kinds) {
        for (int i = 0; i < kinds.size(); i++) {
            Detector d = BY_ID.get(kinds.get(i));
            if (d == null || d.info().role() != DetectorInfo.Role.CONTEXT) {
                return i;
            }
        }
        return kinds.isEmpty() ? -1 : 0;
    }

    /**
     * What a run found: the findings (ordered by map, then detector), the time each detector took (summed over
     * threads), and the detector failures (a detector that threw on a map): how many, and the first few in words.
     */
    public record Run(List<Finding> findings, Map<String, Double> seconds, int failures, List<String> failureExamples) {
    }

    /** Entries from which maps are examined in order of size, largest first, each on its own. */
    private static final int LARGE = 256;
    /** Smaller maps a thread claims and examines together. */
    private static final int SMALL_BATCH = 64;

    public static Run run(DetectContext ctx) {
        List<Finding> findings = Collections.synchronizedList(new ArrayList<>());
        AtomicLongArray nanos = new AtomicLongArray(ALL.size());
        AtomicInteger failures = new AtomicInteger();
        List<String> examples = Collections.synchronizedList(new ArrayList<>());
        // Largest maps first, claimed one at a time by every thread: a few maps of hundreds of thousands of entries
        // take most of the time, and a parallel stream's fixed split left one thread with them while the other
        // had finished. Each thread sums its detectors' times in its own array, added up at the end (one shared
        // counter a detector, updated for every map from every thread, was contended memory); one clock reading
        // ends one detector's time and starts the next's.
        // Only the maps of LARGE entries or more are sorted, then the others in their order: sorting every view
        // (381,000 on the 1 GB benchmark dump, nearly all of a few entries) took 90 ms of one thread. The order only
        // decides which thread examines which map: the findings are the same.
        List<MapView> large = new ArrayList<>();
        List<MapView> small = new ArrayList<>();
        for (MapView m : ctx.views) {
            (m.size() >= LARGE ? large : small).add(m);
        }
        large.sort(java.util.Comparator.comparingLong(MapView::size).reversed());
        large.addAll(small);
        MapView[] bySize = large.toArray(new MapView[0]);
        // Claimed a unit at a time: a large map alone, the small ones in batches of SMALL_BATCH, each detector
        // going over the whole batch between two clock readings (one reading per detector per map was 10% of the
        // detectors' time on the 1 GB benchmark dump: 3.8 million readings).
        int largeCount = bySize.length - small.size();
        int units = largeCount + (small.size() + SMALL_BATCH - 1) / SMALL_BATCH;
        AtomicInteger next = new AtomicInteger();
        java.util.stream.IntStream.range(0, Runtime.getRuntime().availableProcessors()).parallel().forEach(t -> {
            long[] spent = new long[ALL.size()];
            for (int u; (u = next.getAndIncrement()) < units; ) {
                int from = u < largeCount ? u : largeCount + (u - largeCount) * SMALL_BATCH;
                int to = u < largeCount ? u + 1 : Math.min(bySize.length, from + SMALL_BATCH);
                List<Finding> local = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < ALL.size(); i++) {
                    Detector detector = ALL.get(i);
                    for (int k = from; k < to; k++) {
                        MapView m = bySize[k];
                        try {
                            detector.examine(ctx, m, local);
                        } catch (RuntimeException e) {
                            // A map whose internals defeat one detector must not hide the others' findings; counted.
                            if (failures.incrementAndGet() <= FAILURES_KEPT) {
                                examples.add(detector.id() + " on " + m.implementation() + " "
                                        + io.mapleak.heap.Hex.id(ctx.index.id(m.object())) + ": " + e);
                            }
                        }
                    }
                    long t1 = System.nanoTime();
                    spent[i] += t1 - t0;
                    t0 = t1;
                }
                if (!local.isEmpty()) {
                    findings.addAll(local);
                }
            }
            for (int i = 0; i < spent.length; i++) {
                nanos.addAndGet(i, spent[i]);
            }
        });
        List<Finding> all = new ArrayList<>(findings);
        for (int i = 0; i < ALL.size(); i++) {
            long t0 = System.nanoTime();
            try {
                ALL.get(i).examineAll(ctx, ctx.views, all);
            } catch (RuntimeException e) {
                if (failures.incrementAndGet() <= FAILURES_KEPT) {
                    examples.add(ALL.get(i).id() + " over all maps: " + e);
                }
            }
            nanos.addAndGet(i, System.nanoTime() - t0);
        }
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (int i = 0; i < ALL.size(); i++) {
            seconds.put("detector " + ALL.get(i).id(), nanos.get(i) / 1e9);
        }
        // Deterministic order whatever the parallel schedule: by map, then detector order.
        List<String> order = ids();
        all.sort((a, b) -> a.maps()[0] != b.maps()[0] ? Integer.compare(a.maps()[0], b.maps()[0])
                : Integer.compare(order.indexOf(a.kind()), order.indexOf(b.kind())));
        return new Run(List.copyOf(all), seconds, failures.get(), List.copyOf(examples));
    }
}
