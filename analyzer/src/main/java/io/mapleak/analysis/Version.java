package io.mapleak.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** mapleak's version, as the build wrote it into {@code io/mapleak/version.properties}. */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getClassLoader().getResourceAsStream("io/mapleak/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "").trim();
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through: a build without the resource
        }
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "unknown";
    }
}
