package io.mapleak.detect;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The numbers detectors decide with, each with why it is what it is. Every one can be changed with
 * {@code --threshold name=value} or a properties file ({@code --config}); {@link #describe()} lists them.
 */
public final class Thresholds {
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final Map<String, String> why = new LinkedHashMap<>();

    public Thresholds() {
        def("growth.heapShare", 0.10, "a map retaining a tenth of the live heap is worth an explanation");
        def("growth.minEntries", 1000, "a map with fewer entries whose values are large holds memory, but it is "
                + "not growing: the report lists it as a large holder");
        def("growth.entries", 100_000, "a hundred thousand entries is beyond what most maps hold on purpose");
        def("static.heapShare", 0.02, "static maps below 2% of the heap are the JDK's and frameworks' own tables");
        def("static.minBytes", 1 << 20, "and below 1 MB they do not matter on any heap");
        def("values.heapShare", 0.05, "value breakdowns are shown for maps retaining at least 5% of the heap");
        def("keys.minEntries", 1000, "patterns in fewer keys are not a trend");
        def("keys.sample", 2000, "keys examined per map: enough for a share to within a few percent");
        def("keys.share", 0.80, "most keys must match one pattern before it describes the map");
        def("keys.sequentialEntries", 10_000, "counter ids key many lookup tables; only in large maps do they "
                + "suggest ids that are never reused");
        def("weak.sample", 500, "weak-map entries checked for a value that reaches its key");
        def("weak.searchLimit", 20_000, "objects visited per value while looking for its key");
        def("threadLocals.minStale", 1, "one stale entry with a live value is already a leak per thread");
        def("threadLocals.heapShare", 0.005, "but stale values below half a percent of the live heap in all threads "
                + "together are the lag of ThreadLocalMap's lazy clean-up, found in healthy JVMs (32-48 bytes)");
        def("cache.entries", 1000, "caches this small do no harm without a bound");
        def("hollow.capacity", 1024, "tables smaller than this waste too little to mention");
        def("hollow.fill", 0.10, "fewer entries than a tenth of the slots: the table grew, then emptied");
        def("hollow.wastedBytes", 64 << 10, "64 KB of empty slots in one table, or in one group of tables");
        def("small.maps", 1000, "a thousand maps from one owner field make a pattern");
        def("small.maxEntries", 2, "maps of at most two entries pay more overhead than they store");
        def("small.share", 0.50, "half of the owner's maps must be that small");
        def("collision.minEntries", 64, "hash quality cannot be judged on a handful of keys");
        def("collision.longestBin", 8, "HashMap turns a bin into a tree past 8 entries: shorter bins never matter");
        def("collision.chance", 1e-4, "and a bin that long counts only where uniform hashing would make one in "
                + "fewer than one table in 10,000 of that size and load: in a large table, a bin of 8 is luck");
        def("collision.binShare", 0.50, "fewer than half the bins uniform hashing would fill");
        def("collision.mediumChain", 8, "collisions make a suspect medium when the used bins hold this many entries "
                + "on average (a lookup walks a chain or tree that long); a poor hash below that is real but cheap");
        def("mutated.sample", 5000, "entries whose key hash is recomputed per map");
        def("classes.minClasses", 500, "a map keeping this many classes defined at run time holds megabytes of "
                + "metaspace that the heap does not show");
        def("classes.loaderShare", 0.5, "and they come from at least this many class loaders per class: one loader "
                + "per script, template or proxy, not an application's or a framework's own classes");
        def("classes.highClasses", 5000, "from this many such classes the metaspace they hold (tens of KB each) is "
                + "a leak on any JVM: high");
        def("sessions.maxTimeout", 4 * 3600, "servlet sessions that all expire within this many seconds idle (and "
                + "are not overdue) leave their map as their timeout bounds it: a large share of the heap then makes it "
                + "high, not its random session ids");
        def("sessions.overdueShare", 0.01, "sessions idle past their timeout and still there, beyond this share of "
                + "those sampled, mean the container does not expire them");
        def("severity.highShare", 0.05, "a specific leak pattern over a twentieth of the live heap can exhaust it");
        def("severity.highMinBytes", 1 << 20, "below 1 MB nothing causes an OutOfMemoryError, whatever its share");
        def("severity.growthHighShare", 0.50, "a map holding over half the live heap through many entries is the "
                + "leak whatever holds it, even without a key pattern");
        def("severity.growthHighEntries", 10_000, "tens of thousands of entries: the half of the heap is spread "
                + "over entries that keep coming, not one large value");
        def("severity.sizeOfMaxHeap", 0.01, "growth without a key pattern or known role, or tiny maps' waste, "
                + "under a hundredth of the JVM's max heap (when the dump tells it) is far from an OutOfMemoryError: low");
        def("severity.mediumShare", 0.01, "leak signals and waste matter from a hundredth of the live heap");
        def("report.jdkShare", 0.05, "maps owned by the JDK's own classes are reported only from this share of "
                + "the heap: below it they are the JVM's normal bookkeeping");
        def("report.minShare", 0.005, "a leak pattern on less than half a percent of the live heap is not worth "
                + "an engineer's time (damage, mutated keys and waste have their own thresholds)");
        def("report.nestedShare", 0.50, "a map inside another suspect's map that holds at least this share of it "
                + "and as many entries is where the memory accumulates: the outer map is its container");
    }

    private void def(String name, double value, String reason) {
        values.put(name, value);
        why.put(name, reason);
    }

    public double get(String name) {
        Double v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no threshold " + name);
        }
        return v;
    }

    public long getLong(String name) {
        return (long) get(name);
    }

    /** Sets {@code name=value}; unknown names and non-numbers are errors a user can act on. */
    public void set(String assignment) {
        Map.Entry<String, Double> a = parse(assignment, values.keySet());
        values.put(a.getKey(), a.getValue());
    }

    /**
     * Reads {@code name=value} against the known names (this class's and growth's thresholds): a missing '=', an
     * unknown name and a non-number are errors a user can act on.
     */
    public static Map.Entry<String, Double> parse(String assignment, java.util.Set<String> known) {
        int eq = assignment.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("thresholds are name=value, not '" + assignment + "'");
        }
        String name = assignment.substring(0, eq).trim();
        if (!known.contains(name)) {
            throw new IllegalArgumentException("unknown threshold '" + name + "'; known: " + known);
        }
        try {
            return Map.entry(name, Double.parseDouble(assignment.substring(eq + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("threshold " + name + " takes a number");
        }
    }

    /** name = value: why, one per line. */
    public String describe() {
        return describe(values, why, 22, 12);
    }

    /** The lines of {@link #describe()}, in columns of these widths (growth's thresholds use it too). */
    public static String describe(Map<String, Double> values, Map<String, String> why, int nameWidth,
            int valueWidth) {
        String format = "%-" + nameWidth + "s %" + valueWidth + "s  %s%n";
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> b.append(String.format(Locale.ROOT, format, k,
                v == Math.rint(v) ? String.valueOf(v.longValue()) : String.valueOf(v), why.get(k))));
        return b.toString();
    }

    public Map<String, Double> values() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
