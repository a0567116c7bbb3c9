package io.mapleak.rank;

/**
 * A well-known framework map, matched by the class that declares the field holding it and the field's name: what
 * it is, which library owns it, the part it plays ({@link #role}), and the library's own remedy for it growing.
 *
 * @param role one of {@code sessions}, {@code cache}, {@code cache-manager}, {@code container}, {@code metrics},
 *             {@code loggers}, {@code persistence-context}, {@code query-cache}, {@code thread-pool},
 *             {@code class-loader}, {@code thread-locals}, {@code other}
 * @param bound where the map's configured bound is, when the library keeps one: {@code Class.field} of an object on
 *              the owner path (a number of entries; {@code Long.MAX_VALUE} or less than 1 means none); or null
 */
public record KnownMap(String id, String declaringClass, String field, String library, String role, String what,
        String fix, String bound) {

    /**
     * Roles of maps whose entries stay until a lifecycle removes them (a session expires, a context is cleared, a
     * meter or logger is removed): unbounded growth of one of these is a leak pattern, not a large design.
     */
    public static final java.util.Set<String> ACCUMULATING = java.util.Set.of("sessions", "cache",
            "persistence-context", "metrics", "loggers", "query-cache");

    /** The owner label a map held by this field has: {@code DeclaringClass.field}. */
    public String ownerLabel() {
        return declaringClass + "." + field;
    }

    /** Whether the map holds other components (beans, caches) rather than entries of its own. */
    public boolean holdsComponents() {
        return role.equals("container") || role.equals("cache-manager");
    }
}
