package io.mapleak.maps;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Reads user map descriptions from a properties file, one block per class:
 * <pre>
 * com.acme.FastMap.table = buckets
 * com.acme.FastMap.size  = count
 * com.acme.FastMap.key   = k
 * com.acme.FastMap.value = v
 * com.acme.FastMap.next  = nextInBucket
 * com.acme.FastMap.hash  = h
 * </pre>
 * {@code table}, {@code key}, {@code value} and {@code next} are required; {@code size} and {@code hash} optional.
 */
public final class UserMapSpecs {
    private UserMapSpecs() {
    }

    public static List<UserMapSpec> read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        TreeSet<String> classes = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            int dot = key.lastIndexOf('.');
            if (dot > 0) {
                classes.add(key.substring(0, dot));
            }
        }
        List<UserMapSpec> specs = new ArrayList<>();
        for (String c : classes) {
            String table = p.getProperty(c + ".table");
            String key = p.getProperty(c + ".key");
            String value = p.getProperty(c + ".value");
            String next = p.getProperty(c + ".next");
            if (table == null || key == null || value == null || next == null) {
                throw new IllegalArgumentException(file + ": " + c + " needs table, key, value and next fields");
            }
            specs.add(new UserMapSpec(c, p.getProperty(c + ".size"), table.trim(), key.trim(), value.trim(),
                    next.trim(), p.getProperty(c + ".hash")));
        }
        return specs;
    }
}
