package io.mapleak.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A JVM configuration that fixture dumps are generated with: a JDK plus the flags that choose its object layout.
 * Each one lays objects out differently, and mapleak must compute the same shallow sizes as that JVM did.
 *
 * <p>{@link #JDK17} is the JDK running the tests when that is a 17 (as in CI), otherwise a JDK 17 found by
 * {@link JdkLocator}; the JDK 25 configurations use the JDK 25 that {@link JdkLocator} finds. Locating reads a few
 * small files on each call.
 */
public enum Jvm {
    /** 12-byte headers, 4-byte compressed references, 8-byte alignment. */
    JDK17("jdk17", 17),
    /** 16-byte headers and 8-byte references. */
    JDK17_NO_COOPS("jdk17-nocoops", 17, "-XX:-UseCompressedOops"),
    /** The JDK 17 layout, but {@code java.lang.Enum} and other JDK classes have different fields. */
    JDK25("jdk25", 25, "-XX:-UseCompactObjectHeaders"),
    /** 8-byte headers with the class pointer inside the mark word (JEP 519; a product flag since JDK 25). */
    JDK25_COMPACT("jdk25-compact", 25, "-XX:+UseCompactObjectHeaders");

    private final String id;
    private final int feature;
    private final List<String> flags;

    Jvm(String id, int feature, String... flags) {
        this.id = id;
        this.feature = feature;
        this.flags = List.of(flags);
    }

    /** A short name for directories and test names: {@code jdk17}, {@code jdk17-nocoops}, {@code jdk25}... */
    public String id() {
        return id;
    }

    /** The JDK's feature version: 17 or 25. */
    public int featureVersion() {
        return feature;
    }

    /** The flags that select this configuration's layout, given to the child JVM before all others. */
    public List<String> flags() {
        return flags;
    }

    /** Whether a JDK for this configuration is installed on this machine. */
    public boolean isAvailable() {
        return home().isPresent();
    }

    /** The home of the JDK this configuration runs, if installed. */
    public Optional<Path> home() {
        if (feature == Runtime.version().feature()) {
            return Optional.of(Path.of(System.getProperty("java.home")));
        }
        return JdkLocator.find(feature);
    }

    /** The {@code java} launcher to run; throws if the JDK is not installed (check {@link #isAvailable()}). */
    public Path java() {
        return JdkLocator.javaIn(home().orElseThrow(() -> new IllegalStateException(unavailableMessage())));
    }

    /** Why this configuration cannot run here, and how to make it run. */
    String unavailableMessage() {
        if ("none".equals(System.getenv("MAPLEAK_JDK" + feature))) {
            return id + " is left out: MAPLEAK_JDK" + feature + "=none";
        }
        return "no JDK " + feature + " found for " + id + ": set MAPLEAK_JDK" + feature
                + " to its home, or install one under /usr/lib/jvm, /opt, ~/.sdkman/candidates/java or ~/.jdks";
    }

    @Override
    public String toString() {
        return id;
    }
}
