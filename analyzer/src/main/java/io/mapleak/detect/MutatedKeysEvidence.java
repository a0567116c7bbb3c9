package io.mapleak.detect;

/**
 * {@code mutated-keys}: of the {@code entriesChecked} entries whose key hash could be recomputed, how many no longer
 * match the hash stored in their entry, with one example (its key as text, or a class placeholder with --redact).
 */
public record MutatedKeysEvidence(long entries, int entriesChecked, int entriesAffected, Example example)
        implements Evidence {

    /** One entry whose key changed: the key, its class, the hash stored at insertion, its hash now, its bin. */
    public record Example(String key, String keyClass, String storedHash, String currentHash, int bin) {
    }
}
