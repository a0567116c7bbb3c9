package io.mapleak.detect;

import io.mapleak.maps.MapKind;
import io.mapleak.maps.MapView;
import java.util.List;

/**
 * {@code collision-hotspot}: entries pile into few bins (long chains, tree bins, or far fewer bins used than
 * uniform hashing fills), so lookups degrade and the key class likely has a poor {@code hashCode}. The advice
 * depends on who owns the key class: a class of the application can be fixed; a JDK class (String, Integer)
 * cannot, and its collisions come from the keys chosen.
 */
final class CollisionHotspotDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("collision-hotspot", "Hash collisions",
            Finding.Category.WASTE, DetectorInfo.Role.PERFORMANCE, CollisionEvidence.class, 90, 2);

    @Override
    public DetectorInfo info() {
        return INFO;
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
        List<ClassCount> keys = EvidenceReader.classMix(ctx, m, 200).keyClasses();
        CollisionEvidence e = new CollisionEvidence(m.size(), m.capacity(), c.binsUsed(), Math.round(expected),
                c.longestBin(), c.treeBins(), keys);
        String keyClass = keys.isEmpty() ? "the key class" : keys.get(0).className();
        String facts = String.format("%,d entries of %s use only %,d bins (uniform hashing would fill about %,d; the "
                + "longest bin holds %d, %d bins became trees)", m.size(), ctx.ownerLabel(m.object()), c.binsUsed(),
                Math.round(expected), c.longestBin(), c.treeBins());
        String advice;
        if (jdkOwned(keyClass)) {
            advice = facts + String.format(": the keys, not %s's hashCode(), are the problem: many distinct keys "
                    + "share hash codes (often crafted input, or keys that differ only where the hash ignores them). "
                    + "HashMap keeps such bins as trees, so lookups stay logarithmic, but if the keys come from "
                    + "outside, bound how many one client can add, or key the map by a type you own that hashes "
                    + "every part of the key (a record).", EvidenceReader.simple(keyClass));
        } else {
            advice = facts + String.format(": %s's hashCode() spreads keys poorly. Make it combine every field "
                    + "that equals() compares (Objects.hash(a, b, c), or make the key a record), and avoid hashing "
                    + "only a constant or a low-variety field; if %s also implements Comparable, tree bins at least "
                    + "keep lookups logarithmic.", keyClass, EvidenceReader.simple(keyClass));
        }
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, 0));
    }

    @Override
    public String title(Finding f, Subject s) {
        return "Hash collisions in " + s.owner();
    }

    @Override
    public String clause(Finding f, Subject s) {
        return "its keys collide in few bins";
    }

    /** Key classes of the JDK, whose hashCode the reader cannot change. */
    static boolean jdkOwned(String className) {
        return className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.")
                || className.startsWith("sun.") || className.startsWith("com.sun.");
    }
}
