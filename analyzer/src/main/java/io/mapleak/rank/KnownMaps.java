package io.mapleak.rank;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Framework knowledge as data: the well-known framework maps mapleak recognises by owner, from the resource
 * {@code io/mapleak/rank/known-maps.properties} plus the user's own ({@code --config} entries prefixed
 * {@code map.}). An entry is {@code ID.class}, {@code ID.field}, {@code ID.library}, {@code ID.role},
 * {@code ID.what}, {@code ID.fix}, optionally {@code ID.bound} (and {@code ID.scenario}, the fixture dump that proves
 * it, ignored here).
 * Immutable once built.
 */
public final class KnownMaps {
    static final String RESOURCE = "io/mapleak/rank/known-maps.properties";
    /** Keys every entry must have. */
    private static final List<String> REQUIRED = List.of("class", "field", "role", "what", "fix");
    static final Set<String> ROLES = Set.of("sessions", "cache", "cache-manager", "container", "metrics", "loggers",
            "persistence-context", "query-cache", "thread-pool", "class-loader", "thread-locals", "other");

    private final Map<String, KnownMap> byOwner;

    private KnownMaps(Map<String, KnownMap> byOwner) {
        this.byOwner = Map.copyOf(byOwner);
    }

    public static KnownMaps none() {
        return new KnownMaps(Map.of());
    }

    /** The entries shipped with mapleak. */
    public static KnownMaps builtIn() {
        Properties p = new Properties();
        try (InputStream in = KnownMaps.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from mapleak's class path");
            }
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KnownMaps(parse(p, "", "mapleak's " + RESOURCE));
    }

    /**
     * These entries plus the {@code map.ID.KEY} entries of {@code config} (a user's file; theirs win where both
     * describe one field). An incomplete or unknown entry is an error naming the key.
     */
    public KnownMaps with(Properties config, String source) {
        Map<String, KnownMap> all = new LinkedHashMap<>(byOwner);
        all.putAll(parse(config, "map.", source));
        return new KnownMaps(all);
    }

    /** The known map held by the field {@code ownerLabel} ({@code DeclaringClass.field}), or null. */
    public KnownMap forOwner(String ownerLabel) {
        return ownerLabel == null ? null : byOwner.get(ownerLabel);
    }

    public Collection<KnownMap> all() {
        return byOwner.values();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Map<String, KnownMap> parse(Properties p, String prefix, String source) {
        Set<String> ids = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith(prefix)) {
                continue;
            }
            int dot = key.lastIndexOf('.');
            if (dot <= prefix.length()) {
                throw new IllegalArgumentException(source + ": '" + key + "' is not " + prefix + "ID.KEY");
            }
            ids.add(key.substring(prefix.length(), dot));
        }
        Map<String, KnownMap> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String id : ids) {
            String base = prefix + id + ".";
            for (String k : REQUIRED) {
                if (p.getProperty(base + k, "").isBlank()) {
                    problems.add(base + k + " is missing");
                }
            }
            String role = p.getProperty(base + "role", "").trim();
            if (!role.isEmpty() && !ROLES.contains(role)) {
                problems.add(base + "role '" + role + "' is not one of " + new TreeSet<>(ROLES));
            }
            if (!problems.isEmpty()) {
                continue;
            }
            KnownMap k = new KnownMap(id, p.getProperty(base + "class").trim(), p.getProperty(base + "field").trim(),
                    p.getProperty(base + "library", "").trim(), role, p.getProperty(base + "what").trim(),
                    p.getProperty(base + "fix").trim(), blankToNull(p.getProperty(base + "bound")));
            out.put(k.ownerLabel(), k);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + String.join("; ", problems));
        }
        return out;
    }
}
