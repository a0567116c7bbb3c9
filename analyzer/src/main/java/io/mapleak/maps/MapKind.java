package io.mapleak.maps;

/** How a map stores its entries. */
public enum MapKind {
    HASH_TABLE("hash table"),
    TREE("tree"),
    SKIP_LIST("skip list"),
    ENUM("enum"),
    IDENTITY("identity"),
    WEAK_KEYED("weak-keyed"),
    THREAD_LOCAL("thread-local"),
    IMMUTABLE("immutable"),
    CACHE("cache");

    private final String label;

    MapKind(String label) {
        this.label = label;
    }

    /** Words for reports ("hash table"); the JSON uses the same words with dashes. */
    public String label() {
        return label;
    }

    public String json() {
        return label.replace(' ', '-');
    }
}
