package io.mapleak.detect;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How urgent a suspect is. {@code HIGH}: it can plausibly cause an OutOfMemoryError, or a map is damaged;
 * {@code MEDIUM}: significant waste, or a leak signal on a smaller share of the heap; {@code LOW}: the rest.
 * Ordered from the least to the most urgent, so {@code compareTo} answers "at least as bad as".
 */
public enum Severity {
    LOW, MEDIUM, HIGH;

    /** The word the reports use: {@code high}, {@code medium}, {@code low}. */
    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The severity for {@code high}, {@code medium} or {@code low} (any case). */
    @JsonCreator
    public static Severity parse(String word) {
        for (Severity s : values()) {
            if (s.word().equalsIgnoreCase(word.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("a severity is high, medium or low, not '" + word + "'");
    }

    public boolean atLeast(Severity other) {
        return compareTo(other) >= 0;
    }
}
