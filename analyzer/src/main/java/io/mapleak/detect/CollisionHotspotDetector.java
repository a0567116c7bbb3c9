package io.mapleak.detect;

import io.mapleak.maps.MapKind;
import io.mapleak.maps.MapView;
import java.util.List;
import java.util.Map;

/**
 * {@code collision-hotspot}: entries pile into few bins (long chains, tree bins, or far fewer bins used than
 * uniform hashing fills), so lookups degrade and the key class likely has a poor {@code hashCode}.
 */
final class CollisionHotspotDetector implements Detector {
    @Override
    public String id() {
        return "collision-hotspot";
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        if ((m.kind() != MapKind.HASH_TABLE && m.kind() != MapKind.CACHE) || m.capacity() <= 0
                || m.size() < ctx.thresholds.get("collision.minEntries")) {
            return;
        }
        var c = m.consistency();
        // Bins uniform hashing would fill: capacity * (1 - e^(-size/capacity)).
        double expected = m.capacity() * (1 - Math.exp(-(double) m.entriesReached() / m.capacity()));
        boolean longChains = c.longestBin() >= ctx.thresholds.get("collision.longestBin") || c.treeBins() > 0;
        boolean clustered = c.binsUsed() < ctx.thresholds.get("collision.binShare") * expected;
        if (!longChains && !clustered) {
            return;
        }
        Map<String, Object> e = Evidence.basics(ctx, m);
        e.put("binsUsed", c.binsUsed());
        e.put("binsExpected", Math.round(expected));
        e.put("longestBin", c.longestBin());
        e.put("treeBins", c.treeBins());
        Map<String, Object> mix = Evidence.classMix(ctx, m, 200);
        e.put("keyClasses", mix.get("keyClasses"));
        String keyClass = ((List<?>) mix.get("keyClasses")).isEmpty() ? "the key class"
                : ((List<?>) mix.get("keyClasses")).get(0).toString().replaceAll(" \\(\\d+\\)$", "");
        String advice = String.format("%,d entries of %s use only %,d bins (uniform hashing would fill about %,d; "
                + "the longest bin holds %d, %d bins became trees): %s's hashCode() spreads keys poorly. Make it "
                + "combine every field that equals() compares (Objects.hash(a, b, c), or a record), and avoid "
                + "hashing only a constant or a low-variety field.", m.size(), ctx.ownerLabel(m.object()),
                c.binsUsed(), Math.round(expected), c.longestBin(), c.treeBins(), keyClass);
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, 0, Finding.Category.WASTE));
    }
}
