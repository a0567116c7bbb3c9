package io.mapleak.detect;

import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code unique-keys}: keys that never repeat (UUIDs, timestamps, request ids, counters): every put adds one.
 * Bounded maps (size-bounded or expiring caches, LRU maps that evict, unmodifiable maps) are left out: for them
 * such keys are what a bound is for, and the bound removes entries.
 */
final class UniqueKeysDetector implements Detector {
    @Override
    public String id() {
        return "unique-keys";
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        if (m.size() < ctx.thresholds.get("keys.minEntries") || UnboundedGrowthDetector.bounded(m)) {
            return;
        }
        int limit = (int) ctx.thresholds.getLong("keys.sample");
        List<String> classes = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        m.entries((node, key, value, hash, known, bin) -> {
            classes.add(ctx.className(key));
            texts.add(ctx.text.of(key));
            ids.add(key);
            return texts.size() < limit;
        });
        if (texts.isEmpty()) {
            return;
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            String p = KeyPatterns.classify(classes.get(i), texts.get(i));
            if (p != null) {
                counts.merge(p, 1, Integer::sum);
            }
        }
        String pattern = null;
        int matched = 0;
        for (var e : counts.entrySet()) {
            if (e.getValue() > matched) {
                matched = e.getValue();
                pattern = e.getKey();
            }
        }
        double share = (double) matched / texts.size();
        if (share < ctx.thresholds.get("keys.share")) {
            String seq = m.size() < ctx.thresholds.get("keys.sequentialEntries") ? null
                    : KeyPatterns.sequential(classes, texts, m.size(), ctx.redact);
            if (seq == null) {
                return;
            }
            pattern = seq;
            share = 1.0;
            matched = texts.size();
        }
        Map<String, Object> e = Evidence.basics(ctx, m);
        e.put("pattern", pattern);
        e.put("matchingShare", Math.round(share * 1000) / 10.0);
        e.put("sampledKeys", texts.size());
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(5, ids.size()); i++) {
            sample.add(ctx.show(ids.get(i)));
        }
        e.put("sampleKeys", sample);
        long retained = ctx.retained(m.object());
        String advice = String.format("Keys look like %s (%s of %,d sampled): each put adds an entry no later "
                + "lookup will reuse, so %s grows with traffic. Remove each entry when the work it tracks ends "
                + "(in a finally block), or use a cache that expires entries: Caffeine.newBuilder()"
                + ".expireAfterWrite(Duration.ofMinutes(10)).maximumSize(N).", pattern,
                Evidence.percent(share), texts.size(), ctx.ownerLabel(m.object()));
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, retained, Finding.Category.LEAK));
    }
}
