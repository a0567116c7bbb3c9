package io.mapleak.detect;

import java.util.List;

/**
 * {@code weak-map-no-release}: of the {@code entriesChecked} entries (of {@code entries}), how many have a value
 * that strongly reaches its own key, the estimate over the whole map, what those values retain, and one path
 * value → … → its key.
 */
public record WeakMapEvidence(long entries, int entriesChecked, int entriesAffected, long estimatedAffected,
        long valueRetainedBytes, List<String> examplePath) implements Evidence {
}
