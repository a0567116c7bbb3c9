package io.mapleak.detect;

import java.util.Map;

/**
 * {@code unbounded-cache}: the cache's entries and its configuration as read from the object ({@code maximumSize},
 * {@code maximumWeight}, {@code expireAfterWriteNanos}, {@code expireAfterAccessNanos}, {@code refreshNanos},
 * {@code keyStrength}, {@code valueStrength}, {@code bounded}; or {@code accessOrder} for a LinkedHashMap).
 */
public record UnboundedCacheEvidence(long entries, Map<String, Object> configuration) implements Evidence {
    public UnboundedCacheEvidence {
        configuration = new java.util.TreeMap<>(configuration);
    }
}
