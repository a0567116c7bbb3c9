package io.mapleak.detect;

import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Runs every detector over every map (maps in parallel; detectors only read) and collects the findings. */
public final class Detectors {
    private static final List<Detector> ALL = List.of(new UnboundedGrowthDetector(), new StaticRootDetector(),
            new ValueRetentionDetector(), new UniqueKeysDetector(), new WeakMapNoReleaseDetector(),
            new StaleThreadLocalsDetector(), new UnboundedCacheDetector(), new HollowTableDetector(),
            new SmallMapOverheadDetector(), new CollisionHotspotDetector(), new ConcurrentCorruptionDetector(),
            new MutatedKeysDetector());

    private Detectors() {
    }

    /** The ids of all detectors, in the order they run. */
    public static List<String> ids() {
        return ALL.stream().map(Detector::id).toList();
    }

    public static List<Finding> run(DetectContext ctx) {
        return run(ctx, new java.util.LinkedHashMap<>());
    }

    /** Runs the detectors; {@code seconds} receives the time each took (summed over threads). */
    public static List<Finding> run(DetectContext ctx, java.util.Map<String, Double> seconds) {
        List<Finding> findings = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicLongArray nanos = new java.util.concurrent.atomic.AtomicLongArray(ALL.size());
        ctx.views.parallelStream().forEach(m -> {
            List<Finding> local = new ArrayList<>();
            for (int i = 0; i < ALL.size(); i++) {
                long t0 = System.nanoTime();
                try {
                    ALL.get(i).examine(ctx, m, local);
                } catch (RuntimeException e) {
                    // A map whose internals defeat one detector must not hide the others' findings.
                }
                nanos.addAndGet(i, System.nanoTime() - t0);
            }
            findings.addAll(local);
        });
        List<Finding> all = new ArrayList<>(findings);
        for (int i = 0; i < ALL.size(); i++) {
            long t0 = System.nanoTime();
            ALL.get(i).examineAll(ctx, ctx.views, all);
            nanos.addAndGet(i, System.nanoTime() - t0);
        }
        for (int i = 0; i < ALL.size(); i++) {
            seconds.put("detector " + ALL.get(i).id(), nanos.get(i) / 1e9);
        }
        // Deterministic order whatever the parallel schedule: by map, then detector order.
        List<String> order = ids();
        all.sort((a, b) -> a.maps()[0] != b.maps()[0] ? Integer.compare(a.maps()[0], b.maps()[0])
                : Integer.compare(order.indexOf(a.kind()), order.indexOf(b.kind())));
        return all;
    }
}
