package io.mapleak.detect;

import io.mapleak.maps.MapKind;
import io.mapleak.maps.MapView;
import java.util.List;

/**
 * {@code unbounded-cache}: a Guava or Caffeine cache, or a {@code LinkedHashMap} used as one (access-ordered
 * without an eviction subclass), built with no size, weight or expiry bound, holding many entries.
 */
final class UnboundedCacheDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("unbounded-cache", "Cache without a bound",
            Finding.Category.LEAK, DetectorInfo.Role.SPECIFIC_LEAK, UnboundedCacheEvidence.class, 50, 15);

    @Override
    public DetectorInfo info() {
        return INFO;
    }

    @Override
    public String title(Finding f, Subject s) {
        return "Cache without a bound: " + s.owner();
    }

    @Override
    public String clause(Finding f, Subject s) {
        return "the cache has no size bound or expiry";
    }

    /** Weak or soft keys or values: the garbage collector bounds the cache, if loosely. */
    private static boolean collectedByGc(MapView m) {
        for (String k : new String[] {"keyStrength", "valueStrength"}) {
            Object v = m.settings().get(k);
            if (v != null && !v.toString().equalsIgnoreCase("STRONG")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        if (m.size() < ctx.thresholds.get("cache.entries")) {
            return;
        }
        boolean cache = m.kind() == MapKind.CACHE && Boolean.FALSE.equals(m.settings().get("bounded"))
                && !collectedByGc(m);
        boolean lruWithoutEviction = m.implementation().equals("java.util.LinkedHashMap")
                && Boolean.TRUE.equals(m.settings().get("accessOrder"));
        if (!cache && !lruWithoutEviction) {
            return;
        }
        UnboundedCacheEvidence e = new UnboundedCacheEvidence(m.size(), m.settings());
        long retained = ctx.retained(m.object());
        String advice;
        if (lruWithoutEviction) {
            advice = String.format("%s is an access-ordered LinkedHashMap, the usual LRU cache, but a plain "
                    + "LinkedHashMap never evicts: subclass it and override removeEldestEntry(e) to return "
                    + "size() > MAX, or use Caffeine.newBuilder().maximumSize(MAX).", ctx.ownerLabel(m.object()));
        } else if (m.implementation().startsWith("com.github.benmanes.caffeine")) {
            advice = String.format("The Caffeine cache %s was built without maximumSize, maximumWeight or "
                    + "expireAfterWrite/expireAfterAccess, so it holds everything ever put (%,d entries now). Add "
                    + ".maximumSize(N) (or .maximumWeight with a weigher) and an expiry to its builder.",
                    ctx.ownerLabel(m.object()), m.size());
        } else {
            advice = String.format("The Guava cache %s was built without maximumSize, maximumWeight or "
                    + "expireAfterWrite/expireAfterAccess, so it holds everything ever loaded (%,d entries now). Add "
                    + "CacheBuilder.maximumSize(N) and an expiry, or move to Caffeine with the same bounds.",
                    ctx.ownerLabel(m.object()), m.size());
        }
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, retained));
    }
}
