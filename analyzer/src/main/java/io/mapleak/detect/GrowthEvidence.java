package io.mapleak.detect;

import java.util.List;

/**
 * {@code unbounded-growth}: the map's entries and what it holds ({@code retainedBytes}: its retained size, or with
 * {@code sharingMaps} other maps indexing the same entries, what the group retains together), what kind of root
 * holds it, and the classes of the keys and values among the first {@code sampled} entries.
 */
public record GrowthEvidence(long entries, long retainedBytes, double heapPercent, int sharingMaps, String root,
        List<ClassCount> keyClasses, List<ClassCount> valueClasses, int sampled) implements Evidence {
}
