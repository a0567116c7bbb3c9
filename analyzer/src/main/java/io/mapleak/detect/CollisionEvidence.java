package io.mapleak.detect;

import java.util.List;

/**
 * {@code collision-hotspot}: the entries against the table's slots, the bins they use against what uniform hashing
 * would fill, the longest bin, the bins that became trees, and the key classes among the first 200 entries.
 */
public record CollisionEvidence(long entries, long capacity, long binsUsed, long binsExpected, long longestBin,
        long treeBins, List<ClassCount> keyClasses) implements Evidence {
}
