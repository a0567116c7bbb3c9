package io.mapleak.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds an installed JDK of a given feature version (17, 25...) without hard-coded paths.
 *
 * <p>Looks, in this order, at: the variable {@code MAPLEAK_JDK<N>}, which must then name such a JDK (or this
 * throws rather than quietly using another one), or be {@code none} to treat the version as not installed;
 * variables in the style of CI images, {@code JAVA_HOME_<N>_X64}, {@code JAVA_HOME_<N>_ARM64}, {@code JAVA_HOME_<N>};
 * the JDK running this code; and finally the subdirectories of the usual install roots ({@code /usr/lib/jvm},
 * {@code /usr/java}, {@code /opt}, {@code /opt/java}, {@code ~/.sdkman/candidates/java}, {@code ~/.jdks}, and
 * macOS's {@code /Library/Java/JavaVirtualMachines}), where the highest version wins. A directory is a JDK of
 * version N when it has {@code bin/java} and a {@code release} file whose {@code JAVA_VERSION} starts with N.
 * Reads a few small files; no caching.
 */
public final class JdkLocator {

    private static final Pattern JAVA_VERSION = Pattern.compile("^JAVA_VERSION=\"?([^\"\\s]+)\"?\\s*$");

    private JdkLocator() {
    }

    /** The home directory of a JDK whose feature version is {@code feature}, if one is installed. */
    public static Optional<Path> find(int feature) {
        return find(feature, System.getenv(), Path.of(System.getProperty("java.home")),
                Path.of(System.getProperty("user.home")));
    }

    static Optional<Path> find(int feature, Map<String, String> env, Path runningHome, Path userHome) {
        String explicitVar = "MAPLEAK_JDK" + feature;
        String explicit = env.get(explicitVar);
        if ("none".equals(explicit)) {
            return Optional.empty(); // a developer's way to leave out a slow or broken configuration
        }
        if (explicit != null && !explicit.isBlank()) {
            Path home = Path.of(explicit);
            if (featureOf(home).orElse(-1) != feature) {
                throw new IllegalStateException(explicitVar + "=" + explicit + " is not a JDK " + feature
                        + " (expected bin/java and a release file with JAVA_VERSION=\"" + feature + "...\")");
            }
            return Optional.of(home);
        }

        Pattern ciVar = Pattern.compile("JAVA_HOME_" + feature + "(_[A-Za-z0-9]+)?");
        Optional<Path> fromCiVar = env.keySet().stream()
                .filter(k -> ciVar.matcher(k).matches())
                .sorted()
                .map(k -> Path.of(env.get(k)))
                .filter(home -> featureOf(home).orElse(-1) == feature)
                .findFirst();
        if (fromCiVar.isPresent()) {
            return fromCiVar;
        }

        if (featureOf(runningHome).orElse(-1) == feature) {
            return Optional.of(runningHome);
        }

        return candidates(userHome).stream()
                .filter(home -> featureOf(home).orElse(-1) == feature)
                .max(Comparator.comparing(JdkLocator::versionOrLowest));
    }

    /** The feature version of the JDK at {@code home}, if it has {@code bin/java} and a readable release file. */
    public static OptionalInt featureOf(Path home) {
        if (!Files.isRegularFile(javaIn(home))) {
            return OptionalInt.empty();
        }
        return javaVersion(home).map(JdkLocator::featureOf).orElse(OptionalInt.empty());
    }

    /** {@code JAVA_VERSION} of the release file at {@code home}: {@code 25.0.3}, {@code 17.0.15}, {@code 1.8.0_292}. */
    public static Optional<String> javaVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(release)) {
                Matcher m = JAVA_VERSION.matcher(line.trim());
                if (m.matches()) {
                    return Optional.of(m.group(1));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + release, e);
        }
    }

    /** The feature number of a {@code JAVA_VERSION}: 25 for {@code 25.0.3} and {@code 25-ea}, 8 for {@code 1.8.0_292}. */
    static OptionalInt featureOf(String javaVersion) {
        Matcher m = Pattern.compile("^(\\d+)(?:\\.(\\d+))?").matcher(javaVersion);
        if (!m.find()) {
            return OptionalInt.empty();
        }
        int first = Integer.parseInt(m.group(1));
        if (first == 1 && m.group(2) != null) {
            return OptionalInt.of(Integer.parseInt(m.group(2))); // the 1.x scheme of JDK 8 and older
        }
        return OptionalInt.of(first);
    }

    /** The {@code java} launcher of the JDK at {@code home}. */
    public static Path javaIn(Path home) {
        boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
        return home.resolve("bin").resolve(windows ? "java.exe" : "java");
    }

    private static List<Path> candidates(Path userHome) {
        List<Path> roots = List.of(
                Path.of("/usr/lib/jvm"), Path.of("/usr/java"), Path.of("/opt"), Path.of("/opt/java"),
                userHome.resolve(".sdkman/candidates/java"), userHome.resolve(".jdks"),
                Path.of("/Library/Java/JavaVirtualMachines"));
        Set<Path> found = new LinkedHashSet<>(); // by real path: /usr/lib/jvm holds symlinks to its own JDKs
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> children = Files.list(root)) {
                for (Path child : children.sorted().toList()) {
                    for (Path home : List.of(child, child.resolve("Contents/Home"))) {
                        if (Files.isDirectory(home) && Files.isRegularFile(home.resolve("release"))) {
                            found.add(home.toRealPath());
                        }
                    }
                }
            } catch (IOException e) {
                // an unreadable root (permissions) holds no JDK we could run anyway
                continue;
            }
        }
        return new ArrayList<>(found);
    }

    private static Runtime.Version versionOrLowest(Path home) {
        try {
            return Runtime.Version.parse(javaVersion(home).orElse("1"));
        } catch (IllegalArgumentException e) {
            return Runtime.Version.parse("1"); // a 1.x version string: ranks below any modern one
        }
    }
}
