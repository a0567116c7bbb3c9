package io.mapleak.maps;

import java.util.Map;

/**
 * One map of the dump, whatever its implementation: what it stores about itself ({@code size}, capacity, load
 * factor, threshold, modCount: -1 or NaN where the class keeps none), what walking its internals found
 * ({@link #consistency()}, {@link #entriesReached()}), and its entries on demand. {@code object} is the map
 * users hold (a {@code HashSet}, a {@code Collections$UnmodifiableMap}); {@code storage} the object whose
 * internals hold the entries (its {@code HashMap}, the wrapped map), which is the same for plain maps.
 */
public final class MapView {
    private final int object;
    private final int storage;
    private final String implementation;
    private final MapKind kind;
    private final boolean set;
    // Counts other than the stored size are kept in ints (saturated, see narrow): no heap holds 2^31 objects a map
    // could count, and the decoded maps stay for the whole analysis (3.8 million on a 10 GB dump: 24 bytes a view).
    private final long size;
    private final int entriesReached;
    private final int capacity;
    private final float loadFactor;
    private final int threshold;
    private final int modCount;
    private final boolean threadSafe;
    private final Consistency consistency;
    private final Map<String, Object> settings;
    private final Walker walker;
    private int[] keyClasses = WalkStats.NO_CLASSES;
    private int missingObjects;

    /**
     * Re-walks the entries of the map a view describes; given the view, so that one walker can serve every map of a
     * kind that finds its entries from the view alone (a lambda a map that captures its table costs 24 bytes: 82 MB
     * for the 3.4 million HashMaps of a 10 GB dump).
     */
    @FunctionalInterface
    interface Walker {
        void walk(MapView self, EntrySink sink);
    }

    MapView(int object, int storage, String implementation, MapKind kind, boolean set, long size,
            long entriesReached, long capacity, float loadFactor, long threshold, long modCount, boolean threadSafe,
            Consistency consistency, Map<String, Object> settings, Walker walker) {
        this.object = object;
        this.storage = storage;
        this.implementation = implementation;
        this.kind = kind;
        this.set = set;
        this.size = size;
        this.entriesReached = narrow(entriesReached);
        this.capacity = narrow(capacity);
        this.loadFactor = loadFactor;
        this.threshold = narrow(threshold);
        this.modCount = narrow(modCount);
        this.threadSafe = threadSafe;
        this.consistency = consistency;
        this.settings = settings.isEmpty() ? Map.of() : Map.copyOf(settings); // most maps: none, nothing copied
        this.walker = walker;
    }

    public int object() {
        return object;
    }

    public int storage() {
        return storage;
    }

    /** The class of {@link #object()}, in source form. */
    public String implementation() {
        return implementation;
    }

    public MapKind kind() {
        return kind;
    }

    /** Whether this is a set (keys only; values are the implementation's placeholder). */
    public boolean set() {
        return set;
    }

    /** The number of entries as the map stores it (its {@code size} field, or the equivalent). */
    public long size() {
        return size;
    }

    public long entriesReached() {
        return entriesReached;
    }

    /** Table slots (or the equivalent: the tree's size, the enum's universe); -1 where there is none. */
    public long capacity() {
        return capacity;
    }

    public float loadFactor() {
        return loadFactor;
    }

    public long threshold() {
        return threshold;
    }

    public long modCount() {
        return modCount;
    }

    /** Whether the implementation is meant for concurrent writers (so lagging counters are not damage). */
    public boolean threadSafe() {
        return threadSafe;
    }

    public Consistency consistency() {
        return consistency;
    }

    /** Configuration read from the object (cache bounds, access order...); keys are field-like names. */
    public Map<String, Object> settings() {
        return settings;
    }

    /**
     * Class indices of the keys the decoding walk met (up to eight; a trailing -1 means there were more).
     * Empty where a decoder does not record them.
     */
    public int[] keyClasses() {
        return keyClasses.clone();
    }

    MapView withKeyClasses(int[] classes) {
        this.keyClasses = classes;
        return this;
    }

    /**
     * References the decoding walk met to objects the dump does not hold (a truncated dump cut through this map,
     * or a damaged file). Where there are any, the walk's counts are a lower bound, and an inconsistency is not
     * evidence of misuse.
     */
    public long missingObjects() {
        return missingObjects;
    }

    MapView withMissingObjects(long missing) {
        this.missingObjects = narrow(missing);
        return this;
    }

    /** {@code v} as an int, saturated at the int range (a damaged field read as a long may lie outside it). */
    private static int narrow(long v) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    /** Walks the entries again, reading them from the dump. */
    public void entries(EntrySink sink) {
        walker.walk(this, sink);
    }

    @Override
    public String toString() {
        return implementation + " size=" + size + " capacity=" + capacity;
    }
}
