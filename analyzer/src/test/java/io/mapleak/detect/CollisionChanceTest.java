package io.mapleak.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The chance figure collision-hotspot weighs a long bin against, checked against sums computed another way. */
class CollisionChanceTest {
    /** capacity × P(X ≥ length), X Poisson, as one minus the sum below length: exact where the tail is not tiny. */
    private static double byComplement(long length, long entries, long capacity) {
        double lambda = (double) entries / capacity;
        double below = 0;
        double term = Math.exp(-lambda);
        for (int k = 0; k < length; k++) {
            below += term;
            term *= lambda / (k + 1);
        }
        return capacity * (1 - below);
    }

    @Test
    void theTailMatchesTheComplementWhereBothAreExact() {
        assertThat(CollisionHotspotDetector.binsAtLeastByChance(5, 2048, 1024))
                .isCloseTo(byComplement(5, 2048, 1024), within(1e-9 * 1024));
        assertThat(CollisionHotspotDetector.binsAtLeastByChance(3, 700, 1024))
                .isCloseTo(byComplement(3, 700, 1024), within(1e-9 * 1024));
    }

    @Test
    void hashMapsOwnFiguresForItsBins() {
        // HashMap's comment: at load 0.5, a bin of 8 has probability 0.00000006; the tail adds a few percent
        double p = CollisionHotspotDetector.binsAtLeastByChance(8, 1 << 19, 1 << 20) / (1 << 20);
        assertThat(p).isBetween(6.0e-8, 6.5e-8);
    }

    @Test
    void aBinOfEightIsChanceInALargeTableAndEvidenceInASmallOne() {
        double threshold = new Thresholds().get("collision.chance");
        // 20,000 random keys in 32,768 bins: a bin of 8 comes in about one table in a hundred
        assertThat(CollisionHotspotDetector.binsAtLeastByChance(8, 20_000, 32_768)).isBetween(0.008, 0.01)
                .isGreaterThan(threshold);
        assertThat(CollisionHotspotDetector.binsAtLeastByChance(10, 20_000, 32_768)).isLessThan(threshold);
        // 200 keys in 512 bins: eight in one bin would take a million tables
        assertThat(CollisionHotspotDetector.binsAtLeastByChance(8, 200, 512)).isLessThan(1e-5);
        // sixteen million bins at load 0.6: bins of 8 are expected, eleven still are not
        assertThat(CollisionHotspotDetector.binsAtLeastByChance(8, 10_066_330, 1 << 24)).isGreaterThan(1);
        assertThat(CollisionHotspotDetector.binsAtLeastByChance(12, 10_066_330, 1 << 24)).isLessThan(threshold);
    }

    @Test
    void extremeBinsNeitherOverflowNorVanishWrongly() {
        // the poor-hashcode fixture's shape: 5,000 keys in seven bins of a 8,192-bin table
        assertThat(CollisionHotspotDetector.binsAtLeastByChance(715, 5_000, 8_192)).isEqualTo(0.0);
        // more entries than bins per bin: a bin this short says nothing
        assertThat(CollisionHotspotDetector.binsAtLeastByChance(8, 100_000, 1_024)).isEqualTo(1_024.0);
        assertThat(CollisionHotspotDetector.logFactorial(20)).isCloseTo(exactLogFactorial(20), within(1e-9));
        assertThat(CollisionHotspotDetector.logFactorial(170)).isCloseTo(exactLogFactorial(170), within(1e-9));
    }

    private static double exactLogFactorial(int n) {
        double f = 0;
        for (int i = 2; i <= n; i++) {
            f += Math.log(i);
        }
        return f;
    }
}
