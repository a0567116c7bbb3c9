package io.mapleak.capture;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names capture gives its dumps, {@code MAINCLASS-PID-20261205T114951Z.hprof[.gz]}: what was dumped and
 * when, in UTC and ISO 8601's basic format, so that names sort in time order and say the same on every machine.
 * MAINCLASS is the simple name of the target's main class, or its jar's name without {@code .jar}, made safe for
 * a file name.
 */
public final class DumpName {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** Long enough for any real class name; a generated one (lambdas, proxies) is cut here. */
    static final int MAX_MAIN_LENGTH = 64;
    /** When the JVM names no main class (a JVM embedded in a native program, or one that cleared the property). */
    static final String UNKNOWN_MAIN = "jvm";
    /** The source launcher ({@code java Tool.java}): the file after it names the program. JDK 11-21, then 22+. */
    private static final Set<String> SOURCE_LAUNCHERS =
            Set.of("com.sun.tools.javac.launcher.Main", "com.sun.tools.javac.launcher.SourceLauncher");
    /** The java launcher's options that take the next argument as their value. */
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p",
            "--module-path", "--upgrade-module-path", "--add-modules", "--limit-modules", "--add-reads",
            "--add-exports", "--add-opens", "--patch-module", "--source");

    private DumpName() {
    }

    /** {@code FixtureMain-31326-20261205T114951Z.hprof}, or {@code .hprof.gz} when gzipped. */
    public static String fileName(String mainClass, long pid, Instant at, boolean gzip) {
        return mainClass + "-" + pid + "-" + STAMP.format(at) + (gzip ? ".hprof.gz" : ".hprof");
    }

    /**
     * The name of the program from the JVM's {@code sun.java.command} ("main class or jar, then arguments"):
     * {@code com.acme.Shop --port 80} → {@code Shop}; {@code /opt/shop-1.2.jar} → {@code shop-1.2};
     * {@code app.module/com.acme.Shop} → {@code Shop}; {@code java Tool.java} → {@code Tool}.
     */
    public static String mainClass(String javaCommand) {
        if (javaCommand == null || javaCommand.isBlank()) {
            return UNKNOWN_MAIN;
        }
        String command = javaCommand.strip();
        String[] words = command.split("\\s+");
        String first = words[0];
        if (SOURCE_LAUNCHERS.contains(first) && words.length > 1) {
            return sanitise(stripSuffix(fileName(words[1]), ".java"));
        }
        if (looksLikePath(first)) {
            // a jar's path may hold spaces: "/opt/my app/shop.jar --port 80"
            int jar = command.toLowerCase(Locale.ROOT).indexOf(".jar");
            while (jar >= 0 && jar + 4 < command.length() && !Character.isWhitespace(command.charAt(jar + 4))) {
                jar = command.toLowerCase(Locale.ROOT).indexOf(".jar", jar + 1);
            }
            if (jar >= 0) {
                return sanitise(stripSuffix(fileName(command.substring(0, jar + 4)), ".jar"));
            }
            return sanitise(fileName(first));
        }
        if (first.toLowerCase(Locale.ROOT).endsWith(".jar")) {
            return sanitise(stripSuffix(fileName(first), ".jar"));
        }
        String className = first.substring(first.indexOf('/') + 1); // module/class
        return sanitise(className.substring(className.lastIndexOf('.') + 1));
    }

    /**
     * The program's name from its command line ({@code java [options] MAIN|-jar JAR|-m MODULE/MAIN ...}), for when
     * mapleak cannot ask the JVM; {@link #UNKNOWN_MAIN} when none is found.
     */
    public static String fromArguments(List<String> arguments) {
        for (int i = 1; i < arguments.size(); i++) {
            String a = arguments.get(i);
            if ((a.equals("-jar") || a.equals("-m") || a.equals("--module")) && i + 1 < arguments.size()) {
                return mainClass(arguments.get(i + 1));
            }
            if (OPTIONS_WITH_VALUE.contains(a)) {
                i++;
            } else if (!a.startsWith("-") && !a.startsWith("@")) {
                return mainClass(a);
            }
        }
        return UNKNOWN_MAIN;
    }

    /** Letters, digits, '.', '_' and '-' kept, anything else '_'; no leading dot or dash; at most 64 characters. */
    static String sanitise(String name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length() && b.length() < MAX_MAIN_LENGTH; i++) {
            char c = name.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || ((c == '.' || c == '-') && b.length() > 0);
            b.append(safe ? c : '_');
        }
        String s = b.toString();
        return s.isEmpty() || s.chars().allMatch(c -> c == '_') ? UNKNOWN_MAIN : s;
    }

    private static boolean looksLikePath(String word) {
        return word.startsWith("/") || word.startsWith(".") || word.contains("\\")
                || word.indexOf('/') != word.lastIndexOf('/');
    }

    private static String fileName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }

    private static String stripSuffix(String name, String suffix) {
        return name.toLowerCase(Locale.ROOT).endsWith(suffix) && name.length() > suffix.length()
                ? name.substring(0, name.length() - suffix.length()) : name;
    }
}
