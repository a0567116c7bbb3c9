package io.mapleak.growth;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a map (or a class's instance count) is heading across the inputs of a growth comparison; the rule is
 * {@link Growth}'s, the numbers it decides with are {@link GrowthThresholds}. Declared in the order reports list
 * them: what needs attention first.
 */
public enum Trend {
    /** Rose by more than the thresholds over the inputs that list it, the last one included. */
    GROWING("growing"),
    /** Listed in the last input and not the first, and not growing since it appeared. */
    NEW("new"),
    /** Neither rose nor fell by more than the thresholds, though it may have swung in between. */
    STABLE("stable"),
    /** Fell by more than the thresholds. */
    SHRINKING("shrinking"),
    /** Listed earlier, not in the last input: gone, or below the inventory's floor. */
    GONE("gone");

    private final String word;

    Trend(String word) {
        this.word = word;
    }

    /** The word reports use: {@code growing}, {@code new}, {@code stable}, {@code shrinking}, {@code gone}. */
    @JsonValue
    public String word() {
        return word;
    }
}
