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
    /** Entries a HashMap or ConcurrentHashMap bin holds when it is turned into a tree (TREEIFY_THRESHOLD + 1). */
    private static final long TREEIFIED = 9;

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
        // A tree bin held more than TREEIFY_THRESHOLD entries when it was made, whatever it holds now.
        long longest = c.treeBins() > 0 ? Math.max(c.longestBin(), TREEIFIED) : c.longestBin();
        // A long bin is a hotspot only where uniform hashing would rarely make one: in a table of millions of bins,
        // a few bins of 8 or 9 are expected by chance, and a healthy map must not be called a collision.
        boolean longChains = longest >= ctx.thresholds.get("collision.longestBin")
                && binsAtLeastByChance(longest, m.entriesReached(), m.capacity())
                        < ctx.thresholds.get("collision.chance");
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

    /**
     * How many bins uniform hashing is expected to fill with at least {@code length} entries when {@code entries}
     * keys go into {@code capacity} bins: capacity × P(X ≥ length) for X Poisson-distributed with mean
     * entries / capacity (the approximation HashMap's own comments use for its bins).
     */
    static double binsAtLeastByChance(long length, long entries, long capacity) {
        if (length <= 0 || entries <= 0) {
            return length <= 0 ? capacity : 0;
        }
        double lambda = (double) entries / capacity;
        if (lambda >= length) {
            return capacity; // at least about half the bins: no evidence at all
        }
        // Terms e^-λ λ^k / k! for k ≥ length fall by a factor λ/k < 1 each: sum until they stop mattering.
        double term = Math.exp(-lambda + length * Math.log(lambda) - logFactorial(length));
        double sum = 0;
        for (long k = length; term > sum * 1e-12 && term > 0 && k < length + 100_000; k++) {
            sum += term;
            term *= lambda / (k + 1);
        }
        return capacity * Math.min(1, sum);
    }

    /** ln(n!): exact for small n, Stirling's series (error below 1e-9) beyond. */
    static double logFactorial(long n) {
        if (n < 20) {
            double f = 0;
            for (int i = 2; i <= n; i++) {
                f += Math.log(i);
            }
            return f;
        }
        double x = n;
        return x * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI * x) + 1 / (12 * x) - 1 / (360 * x * x * x);
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
