package io.mapleak.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Facts about a Java installation from its {@code release} file, for advice in messages. Reads one small file. */
final class JavaHomes {
    private static final Pattern FEATURE = Pattern.compile("^(\\d+)(?:\\.(\\d+))?");

    private JavaHomes() {
    }

    /** The feature release of a {@code java.version}: 17 for {@code 17.0.15}, 25 for {@code 25-ea}, 8 for {@code 1.8.0_392}; 0 if unreadable. */
    static int feature(String javaVersion) {
        if (javaVersion == null) {
            return 0;
        }
        Matcher m = FEATURE.matcher(javaVersion.strip());
        if (!m.find()) {
            return 0;
        }
        int first = Integer.parseInt(m.group(1));
        return first == 1 && m.group(2) != null ? Integer.parseInt(m.group(2)) : first;
    }

    /** The {@code JAVA_VERSION} of the installation at {@code home}. */
    static Optional<String> version(Path home) {
        return releaseValue(home, "JAVA_VERSION");
    }

    /** Whether the installation at {@code home} has {@code module} (its release file's {@code MODULES} line says). */
    static boolean hasModule(Path home, String module) {
        return releaseValue(home, "MODULES").map(m -> (" " + m + " ").contains(" " + module + " ")).orElse(false);
    }

    /** Its {@code jcmd}, if it has one. */
    static Optional<Path> jcmd(Path home) {
        Path jcmd = home.resolve("bin").resolve("jcmd");
        return Files.isRegularFile(jcmd) ? Optional.of(jcmd) : Optional.empty();
    }

    private static Optional<String> releaseValue(Path home, String key) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith(key + "=")) {
                    String v = line.substring(key.length() + 1).strip();
                    return Optional.of(v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2
                            ? v.substring(1, v.length() - 1) : v);
                }
            }
        } catch (IOException e) {
            // no release file (a JDK 8 JRE, an unusual layout): nothing to advise from it
        }
        return Optional.empty();
    }
}
