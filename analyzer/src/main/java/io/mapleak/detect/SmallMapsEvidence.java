package io.mapleak.detect;

import java.util.Map;

/**
 * {@code small-map-overhead}: the maps one field holds, how many hold at most two entries, how their sizes spread
 * ({@code 0}, {@code 1}, {@code 2}, {@code 3-8}, {@code 9+}), the bytes their own machinery costs (measured on
 * {@code measuredMaps} of the small ones and scaled to all), and their implementation.
 */
public record SmallMapsEvidence(String owner, long maps, long smallMaps, Map<String, Long> sizeHistogram,
        long overheadBytes, long measuredMaps, String implementation) implements Evidence {
    public SmallMapsEvidence {
        sizeHistogram = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sizeHistogram));
    }
}
