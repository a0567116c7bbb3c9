package io.mapleak.detect;

import java.util.List;

/**
 * {@code unique-keys}: the pattern the sampled keys follow ({@code UUID}, {@code timestamp}, {@code hex id},
 * {@code token}, {@code numeric id}, {@code increasing numbers}, {@code increasing ids "order-N"} (the prefix left
 * out with --redact)), the percentage of the
 * {@code sampledKeys} (of {@code entries}) that match it, a few of them, the fixed prefix and suffix around random
 * tokens ({@code affixes}, null when there are none or with --redact), and for increasing ids the range the sample
 * spans ({@code sampledRange}: a fact about the sample, not the map; null otherwise or with --redact).
 */
public record UniqueKeysEvidence(String pattern, double matchingPercent, int sampledKeys, long entries,
        List<String> sampleKeys, String affixes, String sampledRange) implements Evidence {
}
