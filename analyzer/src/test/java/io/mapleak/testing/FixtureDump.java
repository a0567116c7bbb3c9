package io.mapleak.testing;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

/**
 * A heap dump made by a fixture scenario in a real JVM, with what that JVM measured: its class histogram just
 * before and just after the dump (the dump itself loads a few classes, so counts of JDK classes can differ by a
 * little between the two), and the scenario's facts.
 *
 * @param hprof  the dump file
 * @param before the JVM's class histogram taken right before the dump
 * @param after  the JVM's class histogram taken right after the dump
 * @param facts  the scenario's {@code .facts.properties}: expected answers, plus {@code java.version} and
 *               {@code scenario}
 */
public record FixtureDump(Path hprof, JvmHistogram before, JvmHistogram after, Map<String, String> facts) {

    public FixtureDump {
        facts = Map.copyOf(facts);
    }

    /** A numeric fact; a missing or non-numeric one is an error in the test or the scenario, so it throws. */
    public long fact(String key) {
        String value = factString(key);
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fact " + key + "=" + value + " is not a whole number", e);
        }
    }

    /** A fact as written; throws naming the known keys if the scenario did not record it. */
    public String factString(String key) {
        String value = facts.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no fact " + key + " in " + hprof.getFileName()
                    + "; facts: " + new TreeSet<>(facts.keySet()));
        }
        return value;
    }
}
