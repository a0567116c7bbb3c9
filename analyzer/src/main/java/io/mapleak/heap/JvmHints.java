package io.mapleak.heap;

import io.mapleak.hprof.BasicType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the dump says about the JVM that wrote it, read from the JDK's own version statics
 * ({@code java.lang.VersionProps} on JDK 9+, {@code sun.misc.Version} on JDK 8 and older).
 */
public final class JvmHints {
    private JvmHints() {
    }

    /** Keys such as {@code java.version}, {@code java.runtime.name}, {@code java.vendor}; empty if unknown. */
    public static Map<String, String> read(HeapIndex index) {
        Map<String, String> hints = new LinkedHashMap<>();
        for (ClassInfo c : index.classes()) {
            if (c.loaderId() != 0 || !("java.lang.VersionProps".equals(c.name())
                    || "sun.misc.Version".equals(c.name()))) {
                continue;
            }
            for (int i = 0; i < c.staticCount(); i++) {
                String key = switch (c.staticName(i)) {
                    case "java_version" -> "java.version";
                    case "java_runtime_name" -> "java.runtime.name";
                    case "java_runtime_version" -> "java.runtime.version";
                    case "VENDOR" -> "java.vendor";
                    case "java_version_date" -> "java.version.date";
                    default -> null;
                };
                if (key == null || c.staticType(i) != BasicType.OBJECT) {
                    continue;
                }
                int s = index.indexOf(c.staticValue(i));
                if (s < 0) {
                    continue;
                }
                try {
                    String v = index.reader().string(s, 200);
                    if (v != null) {
                        hints.put(key, v);
                    }
                } catch (RuntimeException e) {
                    // an unreadable hint is no hint
                }
            }
        }
        return hints;
    }
}
