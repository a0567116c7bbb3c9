package io.mapleak.growth;

import io.mapleak.analysis.AnalysisResult;
import io.mapleak.analysis.AnalysisResult.InventoryRow;
import io.mapleak.heap.ByteCounts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares analyses of dumps of one process taken over time: which maps grow, how fast, and when the heap would be
 * full at that pace; then which classes' instance counts grow fastest. Works on {@link AnalysisResult}s alone (their
 * map inventories and class tables), so dumps and their analyze reports give the same answer.
 *
 * <p><b>Matching.</b> Object ids change from dump to dump, so a map is matched by its owner path key
 * ({@link AnalysisResult.Owner#key}): declaring classes and field names from the last static field (or the root),
 * with array indices, hash bins and thread numbers left out. Inventory rows of one input that share a key are one
 * row here (their sizes and bytes summed): the per-thread maps of a pool, the maps in the slots of one array.
 *
 * <p><b>Trend.</b> Over the inputs that list a map: absent from the last input, it is {@code gone}; listed in the
 * last only, {@code new}. Otherwise its change from the first input that lists it to the last ({@link Change})
 * decides, in entries and in retained bytes, against {@link GrowthThresholds}: {@code growing}, {@code shrinking},
 * or {@code stable}; a map absent from the first input that is not growing is {@code new}. Rates are those changes
 * per minute. Classes follow the same rule on instance counts and shallow bytes.
 *
 * <p>Costs nothing worth measuring beyond reading the inputs: a few thousand rows per input.
 */
public final class Growth {
    private Growth() {
    }

    /**
     * Compares {@code given} (at least two, any order). Throws {@link IllegalArgumentException} when two inputs are
     * the same dump ({@link #sameDump}).
     */
    public static GrowthResult compare(List<GrowthInput> given, GrowthOptions options) {
        if (given.size() < 2) {
            throw new IllegalArgumentException("growth compares at least two inputs, not " + given.size());
        }
        String same = sameDump(given);
        if (same != null) {
            throw new IllegalArgumentException(same);
        }
        List<String> warnings = new ArrayList<>();
        List<GrowthInput> inputs = inTimeOrder(given, warnings);
        int n = inputs.size();
        double[] minutes = new double[n];
        Instant first = instant(inputs.get(0));
        for (int i = 0; i < n; i++) {
            minutes[i] = Duration.between(first, instant(inputs.get(i))).toMillis() / 60_000.0;
        }
        SameProcess.check(inputs, warnings);
        for (GrowthInput in : inputs) {
            AnalysisResult.Dump d = in.result().dump();
            if (d.truncated()) {
                warnings.add(name(in) + " is a truncated dump: its sizes are lower bounds, and maps past the cut are "
                        + "missing from it");
            }
            AnalysisResult.Inventory inv = in.result().inventory();
            if (inv != null && inv.total() > inv.rows().size() && !inv.rows().isEmpty()) {
                warnings.add(String.format(Locale.ROOT, "%s lists the %,d maps that retain the most of %,d: maps "
                        + "retaining less than %s there are not followed in it", name(in), inv.rows().size(),
                        inv.total(), ByteCounts.format(inv.rows().get(inv.rows().size() - 1).retainedBytes())));
            }
        }

        MaxHeap max = maxHeap(inputs, options, warnings);
        long lastLive = live(inputs.get(n - 1).result().dump());
        List<GrowthResult.Input> rows = new ArrayList<>();
        Long[] liveBytes = new Long[n];
        for (int i = 0; i < n; i++) {
            GrowthInput in = inputs.get(i);
            AnalysisResult r = in.result();
            AnalysisResult.Dump d = r.dump();
            liveBytes[i] = live(d);
            rows.add(new GrowthResult.Input(in.file().toString(), in.kind().word(), in.argument(), d.timestamp(),
                    round(minutes[i], 4), d.heapBytes(), d.liveBytes(),
                    d.process() == null ? -1 : d.process().maxHeapBytes(),
                    r.inventory() == null ? 0 : r.inventory().rows().size(), r.tool() == null ? null
                            : r.tool().version()));
        }
        Change heapChange = Change.of(minutes, liveBytes);
        Long heapRate = heapChange == null || heapChange.perMinute() == null ? null
                : Math.round(heapChange.perMinute());
        Double heapFull = fullIn(max.bytes(), lastLive, heapRate);
        GrowthResult.Heap heap = new GrowthResult.Heap(Arrays.asList(liveBytes), heapRate, max.bytes(), max.from(),
                iso(heapFull), heapFull == null ? null : round(heapFull, 1));

        List<GrowthResult.MapGrowth> maps = maps(inputs, minutes, options.thresholds(), max.bytes(), lastLive);
        Map<String, Integer> trends = counts(maps.stream().map(GrowthResult.MapGrowth::trend).toList());
        List<GrowthResult.ClassGrowth> all = classes(inputs, minutes, options.thresholds(), warnings);
        Map<String, Integer> classTrends = counts(all.stream().map(GrowthResult.ClassGrowth::trend).toList());
        List<GrowthResult.ClassGrowth> changed = all.stream().filter(c -> c.trend() != Trend.STABLE).toList();
        return new GrowthResult(GrowthResult.SCHEMA_VERSION, new AnalysisResult.Tool("mapleak",
                io.mapleak.analysis.Version.get()), rows, heap, maps, trends, changed, classTrends,
                options.thresholds().values(), warnings);
    }

    /** How many of each trend, every trend named, in {@link Trend} order. */
    private static Map<String, Integer> counts(List<Trend> trends) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Trend t : Trend.values()) {
            out.put(t.word(), 0);
        }
        for (Trend t : trends) {
            out.merge(t.word(), 1, Integer::sum);
        }
        return out;
    }

    /**
     * A sentence naming two inputs that are the same dump (the same file twice, a dump and its report, two
     * reports of one dump: equal timestamps, object counts and heap bytes), or null when there are none.
     */
    public static String sameDump(List<GrowthInput> inputs) {
        for (int i = 0; i < inputs.size(); i++) {
            for (int j = i + 1; j < inputs.size(); j++) {
                AnalysisResult.Dump a = inputs.get(i).result().dump();
                AnalysisResult.Dump b = inputs.get(j).result().dump();
                if (a.timestamp().equals(b.timestamp()) && a.objects() == b.objects()
                        && a.heapBytes() == b.heapBytes()) {
                    return String.format(Locale.ROOT, "%s and %s are the same dump (taken %s, %,d objects): give "
                            + "each dump once, as a dump or as its report", inputs.get(i).file(),
                            inputs.get(j).file(), a.timestamp(), a.objects());
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ inputs

    private static List<GrowthInput> inTimeOrder(List<GrowthInput> given, List<String> warnings) {
        for (GrowthInput in : given) {
            if (parse(in.result().dump().timestamp()) == null) {
                warnings.add(name(in) + " has no readable timestamp ('" + in.result().dump().timestamp() + "'): "
                        + "it is taken as the time of the first input");
            }
        }
        List<GrowthInput> sorted = new ArrayList<>(given);
        sorted.sort(Comparator.comparing(Growth::instant)); // stable: equal times keep the command line's order
        if (!sorted.equals(given)) {
            List<String> names = new ArrayList<>();
            for (GrowthInput in : sorted) {
                names.add(name(in));
            }
            warnings.add("the inputs were not given in the order their dumps were taken; they are compared in time "
                    + "order: " + String.join(", ", names));
        }
        for (int i = 1; i < sorted.size(); i++) {
            if (instant(sorted.get(i)).equals(instant(sorted.get(i - 1)))) {
                warnings.add(name(sorted.get(i - 1)) + " and " + name(sorted.get(i)) + " were taken at the same "
                        + "moment (" + sorted.get(i).result().dump().timestamp() + "): no rate can be measured "
                        + "between them");
            }
        }
        return sorted;
    }

    private static Instant instant(GrowthInput in) {
        Instant t = parse(in.result().dump().timestamp());
        return t == null ? Instant.EPOCH : t;
    }

    private static Instant parse(String iso) {
        try {
            return iso == null ? null : Instant.parse(iso);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String name(GrowthInput in) {
        Path fileName = in.file().getFileName();
        return fileName == null ? in.file().toString() : fileName.toString();
    }

    private static long live(AnalysisResult.Dump d) {
        return d.liveBytes() > 0 ? d.liveBytes() : d.heapBytes();
    }

    private record MaxHeap(long bytes, String from) {
    }

    private static MaxHeap maxHeap(List<GrowthInput> inputs, GrowthOptions options, List<String> warnings) {
        Map<Long, String> seen = new LinkedHashMap<>();
        for (GrowthInput in : inputs) {
            AnalysisResult.JvmProcess p = in.result().dump().process();
            if (p != null && p.maxHeapBytes() > 0) {
                seen.merge(p.maxHeapBytes(), name(in), (a, b) -> a + ", " + b);
            }
        }
        if (seen.size() > 1) {
            List<String> parts = new ArrayList<>();
            seen.forEach((bytes, names) -> parts.add(ByteCounts.format(bytes) + " in " + names));
            warnings.add("the max heap differs between the inputs (" + String.join("; ", parts) + "): the JVM ran "
                    + "with other settings; the last input's is used");
        }
        if (options.maxHeapBytes() > 0) {
            return new MaxHeap(options.maxHeapBytes(), "given with --max-heap");
        }
        GrowthInput last = inputs.get(inputs.size() - 1);
        AnalysisResult.JvmProcess p = last.result().dump().process();
        if (p == null) {
            return new MaxHeap(-1, "not known: the report of " + name(last) + " was written by a mapleak that did "
                    + "not record it (analyse the dump again, or give --max-heap)");
        }
        return new MaxHeap(p.maxHeapBytes() > 0 ? p.maxHeapBytes() : -1, p.maxHeapFrom());
    }

    // ------------------------------------------------------------------ maps

    /** One owner key's rows in one input, summed; the identity (class, owner) is the largest row's. */
    private static final class Sum {
        long size;
        long capacity = -1;
        long retained;
        int maps;
        InventoryRow largest;

        void add(InventoryRow r) {
            size += Math.max(0, r.size());
            if (r.capacity() >= 0) {
                capacity = Math.max(0, capacity) + r.capacity();
            }
            retained += r.retainedBytes();
            maps += r.mapCount();
            if (largest == null || r.retainedBytes() > largest.retainedBytes()) {
                largest = r;
            }
        }

        /** This sum with {@code other}'s rows added. */
        void add(Sum other) {
            size += other.size;
            if (other.capacity >= 0) {
                capacity = Math.max(0, capacity) + other.capacity;
            }
            retained += other.retained;
            maps += other.maps;
            if (largest == null || other.largest.retainedBytes() > largest.retainedBytes()) {
                largest = other.largest;
            }
        }
    }

    private static List<GrowthResult.MapGrowth> maps(List<GrowthInput> inputs, double[] minutes,
            GrowthThresholds t, long maxHeap, long lastLive) {
        int n = inputs.size();
        Map<String, Sum[]> byKey = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            AnalysisResult.Inventory inv = inputs.get(i).result().inventory();
            if (inv == null) {
                continue;
            }
            for (InventoryRow r : inv.rows()) {
                String key = r.owner().key() != null ? r.owner().key() : r.owner().label();
                Sum[] sums = byKey.computeIfAbsent(key, k -> new Sum[n]);
                if (sums[i] == null) {
                    sums[i] = new Sum();
                }
                sums[i].add(r);
            }
        }
        joinMovedOwners(byKey, n);
        List<GrowthResult.MapGrowth> out = new ArrayList<>();
        for (Sum[] sums : byKey.values()) {
            Long[] sizes = new Long[n];
            Long[] capacities = new Long[n];
            Long[] retained = new Long[n];
            Integer[] counts = new Integer[n];
            InventoryRow latest = null;
            int mapCount = 0;
            for (int i = 0; i < n; i++) {
                if (sums[i] != null) {
                    sizes[i] = sums[i].size;
                    capacities[i] = sums[i].capacity;
                    retained[i] = sums[i].retained;
                    counts[i] = sums[i].maps;
                    latest = sums[i].largest;
                    mapCount = Math.max(mapCount, sums[i].maps);
                }
            }
            Change entries = Change.of(minutes, sizes);
            Change bytes = Change.of(minutes, retained);
            Judged j = judge(sizes, retained, entries, bytes, t.entries(), t, "entries");
            Long bytesPerMinute = bytes == null || bytes.perMinute() == null ? null : Math.round(bytes.perMinute());
            Double fullIn = j.trend() == Trend.GROWING ? fullIn(maxHeap, lastLive, bytesPerMinute) : null;
            out.add(new GrowthResult.MapGrowth(latest.owner(), latest.className(), latest.kind(), mapCount,
                    Arrays.asList(counts), Arrays.asList(sizes), Arrays.asList(capacities), Arrays.asList(retained),
                    j.trend(), j.why(), entries == null || entries.perMinute() == null ? null
                            : round(entries.perMinute(), 2),
                    bytesPerMinute, iso(fullIn), fullIn == null ? null : round(fullIn, 1)));
        }
        out.sort(Comparator.comparing(GrowthResult.MapGrowth::trend)
                .thenComparing(m -> m.trend() == Trend.GROWING ? -rate(m.bytesPerMinute()) : 0.0)
                .thenComparing(m -> m.trend() == Trend.GROWING ? -rate(m.entriesPerMinute()) : 0.0)
                .thenComparing(m -> -latest(m.retainedBytes()))
                .thenComparing(m -> m.owner().key() == null ? "" : m.owner().key()));
        return out;
    }

    /**
     * Joins the rows of maps whose owner path changed between two dumps: the path mapleak names is the shortest from
     * a GC root, and another path to the same map can become as short (in a dump of the growth-series fixture the
     * JDK's module descriptors moved from {@code BuiltinClassLoader.packageToModule} to {@code System.bootLayer} once
     * the JVM had loaded its time-zone data, and read as three maps gone and three new). A key listed in every dump
     * up to one and in none after, and another listed from the next on, with the same owner label, class and number
     * of maps at the seam, are one series, when each is the single such key on its side. Beyond those, the keys of one
     * owner label and class that end at a seam and those that start after it are one series when they hold as many
     * maps and about as many entries together on both sides (see {@link #same}): the same maps split over new paths
     * or merged into one (two modules' descriptors under one path, then each under its own, as in another
     * growth-series dump).
     */
    private static void joinMovedOwners(Map<String, Sum[]> byKey, int n) {
        Map<String, List<String>> ending = new HashMap<>();
        Map<String, List<String>> starting = new HashMap<>();
        Map<String, long[]> seamSize = new HashMap<>(); // by key: its entries and maps on its side of the seam
        for (Map.Entry<String, Sum[]> e : byKey.entrySet()) {
            Sum[] sums = e.getValue();
            int first = 0;
            while (first < n && sums[first] == null) {
                first++;
            }
            int last = first;
            while (last + 1 < n && sums[last + 1] != null) {
                last++;
            }
            boolean contiguous = true;
            for (int i = last + 1; i < n; i++) {
                contiguous &= sums[i] == null;
            }
            if (!contiguous || first == n) {
                continue;
            }
            if (first == 0 && last < n - 1) {
                ending.computeIfAbsent(seam(sums[last], last), k -> new ArrayList<>()).add(e.getKey());
                seamSize.put(e.getKey(), new long[] {sums[last].size, sums[last].maps});
            } else if (first > 0 && last == n - 1) {
                starting.computeIfAbsent(seam(sums[first], first - 1), k -> new ArrayList<>()).add(e.getKey());
                seamSize.put(e.getKey(), new long[] {sums[first].size, sums[first].maps});
            }
        }
        Map<String, List<String>> endingLoose = new HashMap<>();
        Map<String, List<String>> startingLoose = new HashMap<>();
        for (Map.Entry<String, List<String>> e : ending.entrySet()) {
            List<String> earlier = e.getValue();
            List<String> later = starting.remove(e.getKey());
            if (later != null && earlier.size() == 1 && later.size() == 1) {
                join(byKey, earlier, later, n);
                continue;
            }
            endingLoose.computeIfAbsent(loose(e.getKey()), k -> new ArrayList<>()).addAll(earlier);
            if (later != null) {
                startingLoose.computeIfAbsent(loose(e.getKey()), k -> new ArrayList<>()).addAll(later);
            }
        }
        for (Map.Entry<String, List<String>> e : starting.entrySet()) {
            startingLoose.computeIfAbsent(loose(e.getKey()), k -> new ArrayList<>()).addAll(e.getValue());
        }
        // The same maps under other paths, split or merged (two modules' descriptors under one path, then each
        // under its own): same owner label and class, and as many maps and entries on both sides of the seam.
        for (Map.Entry<String, List<String>> e : endingLoose.entrySet()) {
            List<String> later = startingLoose.get(e.getKey());
            if (later != null && same(total(e.getValue(), seamSize), total(later, seamSize))) {
                join(byKey, e.getValue(), later, n);
            }
        }
    }

    /** A seam without its count of maps: owner label, class and the dump it follows. */
    private static String loose(String seam) {
        String[] p = seam.split("\u0000", -1);
        return p[0] + '\u0000' + p[1] + '\u0000' + p[3];
    }

    /**
     * Whether two totals (entries, maps) are the same maps across a seam: entries and maps each within a hundredth
     * (at least one) of each other, as maps that changed a little between the dumps while their path moved (the
     * JDK's module descriptors: 77 export-target sets of 200 entries, then 78 of 201).
     */
    private static boolean same(List<Long> a, List<Long> b) {
        return near(a.get(0), b.get(0), 1) && near(a.get(1), b.get(1), 50);
    }

    /** Within a hundredth of each other, and at least one apart from {@code from} on (exact below it). */
    private static boolean near(long a, long b, long from) {
        long max = Math.max(a, b);
        return Math.abs(a - b) <= (max >= from ? Math.max(1, max / 100) : 0);
    }

    /** Entries and maps of {@code keys} together at the seam. */
    private static List<Long> total(List<String> keys, Map<String, long[]> seamSize) {
        long entries = 0;
        long maps = 0;
        for (String k : keys) {
            entries += seamSize.get(k)[0];
            maps += seamSize.get(k)[1];
        }
        return List.of(entries, maps);
    }

    /** The rows of every key of {@code later} join those of the first of {@code earlier}, as do the other earlier. */
    private static void join(Map<String, Sum[]> byKey, List<String> earlier, List<String> later, int n) {
        Sum[] into = byKey.get(earlier.get(0));
        List<String> others = new ArrayList<>(earlier.subList(1, earlier.size()));
        others.addAll(later);
        for (String k : others) {
            Sum[] from = byKey.remove(k);
            for (int i = 0; i < n; i++) {
                if (from[i] == null) {
                    continue;
                }
                if (into[i] == null) {
                    into[i] = new Sum();
                }
                into[i].add(from[i]);
            }
        }
    }

    /** What must match across the seam after dump {@code at}: owner label, class, maps counted. */
    private static String seam(Sum s, int at) {
        return s.largest.owner().label() + '\u0000' + s.largest.className() + '\u0000' + s.maps + '\u0000' + at;
    }

    private static double rate(Number r) {
        return r == null ? Double.POSITIVE_INFINITY : r.doubleValue(); // unmeasurable: first, it grew at once
    }

    private static long latest(List<Long> values) {
        for (int i = values.size() - 1; i >= 0; i--) {
            if (values.get(i) != null) {
                return values.get(i);
            }
        }
        return 0;
    }

    private record Judged(Trend trend, String why) {
    }

    /**
     * The trend of a series of counts (entries, or instances) and bytes, and the sentence that says why; the
     * counts' absolute threshold is {@code minCount}, their noun {@code noun}.
     */
    private static Judged judge(Long[] counts, Long[] bytes, Change c, Change b, double minCount, GrowthThresholds t,
            String noun) {
        int n = counts.length;
        int firstAt = -1;
        int listed = 0;
        for (int i = 0; i < n; i++) {
            if (counts[i] != null) {
                firstAt = firstAt < 0 ? i : firstAt;
                listed++;
            }
        }
        if (counts[n - 1] == null) {
            int lastAt = n - 1;
            while (counts[lastAt] == null) {
                lastAt--;
            }
            return new Judged(Trend.GONE, String.format(Locale.ROOT, "listed in %s, not in the last: gone, or "
                    + "below the inventory's floor there; %s and %s in input %d", inputsText(counts),
                    count(counts[lastAt], noun), ByteCounts.format(bytes[lastAt]), lastAt + 1));
        }
        if (listed == 1) {
            return new Judged(Trend.NEW, String.format(Locale.ROOT, "listed in the last input only: %s, %s",
                    count(counts[n - 1], noun), ByteCounts.format(bytes[n - 1])));
        }
        boolean grows = c.rise() >= Math.max(minCount, t.share() * c.first())
                || b.rise() >= Math.max(t.bytes(), t.share() * b.first());
        boolean shrinks = -c.rise() >= Math.max(minCount, t.share() * c.first())
                || -b.rise() >= Math.max(t.bytes(), t.share() * b.first());
        String change = String.format(Locale.ROOT, "%s %s, retained bytes %s, from input %d to %d",
                noun, signed(c.rise(), c.first()), signedBytes(b.rise(), b.first()), firstAt + 1, n);
        if (grows) {
            return new Judged(Trend.GROWING, "rose: " + change);
        }
        if (firstAt > 0) {
            return new Judged(Trend.NEW, "appeared in input " + (firstAt + 1) + ", then " + change
                    + ", within the thresholds");
        }
        if (shrinks) {
            return new Judged(Trend.SHRINKING, "fell: " + change);
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Long v : counts) {
            if (v != null) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        String swing = max - min >= Math.max(minCount, t.share() * max)
                ? String.format(Locale.ROOT, "; it swung between %,d and %,d on the way", min, max) : "";
        return new Judged(Trend.STABLE, "within the thresholds: " + change + swing);
    }

    private static String inputsText(Long[] counts) {
        List<String> at = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != null) {
                at.add(String.valueOf(i + 1));
            }
        }
        return (at.size() == 1 ? "input " : "inputs ") + String.join(", ", at);
    }

    private static String count(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s", n, noun.equals("entries") && n == 1 ? "entry"
                : noun.equals("instances") && n == 1 ? "instance" : noun);
    }

    /** {@code +40,000 (+200%)} or {@code -12 (-0.1%)}: a line's rise, and against its start. */
    private static String signed(double rise, double first) {
        long r = Math.round(rise);
        return String.format(Locale.ROOT, "%s%,d%s", r >= 0 ? "+" : "-", Math.abs(r), share(rise, first));
    }

    private static String signedBytes(double rise, double first) {
        long r = Math.round(rise);
        return (r >= 0 ? "+" : "-") + ByteCounts.format(Math.abs(r)) + share(rise, first);
    }

    private static String share(double rise, double first) {
        if (first <= 0) {
            return "";
        }
        double percent = 100 * rise / first;
        return String.format(Locale.ROOT, Math.abs(percent) < 10 ? " (%+.1f%%)" : " (%+.0f%%)", percent);
    }

    // ------------------------------------------------------------------ classes

    private static List<GrowthResult.ClassGrowth> classes(List<GrowthInput> inputs, double[] minutes,
            GrowthThresholds t, List<String> warnings) {
        int n = inputs.size();
        for (GrowthInput in : inputs) {
            AnalysisResult.Classes c = in.result().classes();
            if (c == null || c.byInstances() == null) {
                warnings.add("classes are not compared: the report of " + name(in) + " has no per-class instance "
                        + "table (written by a mapleak that did not record it; analyse the dump again)");
                return List.of();
            }
        }
        Map<String, Long[][]> byName = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            for (AnalysisResult.ClassRow r : inputs.get(i).result().classes().byInstances()) {
                Long[][] v = byName.computeIfAbsent(r.name(), k -> new Long[2][n]);
                v[0][i] = r.instances();
                v[1][i] = r.shallowBytes();
            }
        }
        List<GrowthResult.ClassGrowth> out = new ArrayList<>();
        byName.forEach((name, v) -> {
            Change c = Change.of(minutes, v[0]);
            Change b = Change.of(minutes, v[1]);
            Trend trend = judge(v[0], v[1], c, b, t.instances(), t, "instances").trend();
            out.add(new GrowthResult.ClassGrowth(name, Arrays.asList(v[0]), Arrays.asList(v[1]), trend,
                    c == null || c.perMinute() == null ? null : round(c.perMinute(), 2),
                    b == null || b.perMinute() == null ? null : Math.round(b.perMinute())));
        });
        out.sort(Comparator.comparing(GrowthResult.ClassGrowth::trend)
                .thenComparing(k -> k.trend() == Trend.GROWING ? -rate(k.instancesPerMinute()) : 0.0)
                .thenComparing(k -> -latest(k.instances()))
                .thenComparing(GrowthResult.ClassGrowth::name));
        return out;
    }

    // ------------------------------------------------------------------ numbers

    /** Minutes until {@code live} grows to {@code max} at {@code perMinute}; null when it does not rise or max is unknown. */
    private static Double fullIn(long max, long live, Long perMinute) {
        if (max <= 0 || perMinute == null || perMinute <= 0) {
            return null;
        }
        return Math.max(0, max - live) / (double) perMinute;
    }

    /** Minutes as an ISO-8601 duration: whole seconds below an hour, whole minutes above ({@code PT3H12M}). */
    static String iso(Double minutes) {
        if (minutes == null) {
            return null;
        }
        long seconds = Math.round(minutes * 60);
        if (seconds >= 3600) {
            seconds = Math.round(seconds / 60.0) * 60;
        }
        return Duration.ofSeconds(seconds).toString();
    }

    private static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }
}
