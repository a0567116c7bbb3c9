package io.mapleak.analysis;

import io.mapleak.detect.Evidence;
import io.mapleak.detect.Severity;
import java.util.List;
import java.util.Map;

/**
 * Everything one analysis of one dump established, immutable: the only thing commands, renderers, growth and
 * triage see of an analysis. Written as the JSON report ({@link ResultJson}, schema in docs/report-schema.md) and
 * read back from it unchanged, so a report can be rendered again, compared, or indexed without the dump.
 *
 * <p>Object ids are hex strings ({@code "0x7f0a3c218"}), sizes are bytes, class names are Java source names.
 *
 * @param suspects       ranked suspects, the most important first; suspects inside another's retained set are in
 *                       that suspect's {@code nested} list, not here
 * @param largestHolders maps holding much of the heap with nothing wrong found about them: information, not suspects
 * @param mapCount       maps decoded (a HashSet and its HashMap count once), reachable or not
 * @param inventory      every reachable map, or group of maps with one owner, with at least
 *                       {@link Inventory#MIN_ENTRIES} entries or {@link Inventory#MIN_BYTES} retained: what growth
 *                       compares across dumps
 * @param classes        the largest classes by shallow and by retained bytes
 * @param seconds        wall time of the whole analysis
 * @param phases         seconds per phase (reading, dominators, decoding, detectors...)
 * @param detectorSeconds seconds per detector, summed over threads
 * @param thresholds     the detector thresholds used (see {@code --list-thresholds})
 * @param redacted       no key or value text from the dump appears anywhere ({@code --redact})
 * @param problems       maps that could not be decoded, detectors that failed: counted, never silent
 * @param warnings       everything the reader and the analysis found worth saying: truncation, damage, failures
 */
public record AnalysisResult(String schemaVersion, Tool tool, Dump dump, List<Suspect> suspects,
        List<Holder> largestHolders, int mapCount, Inventory inventory, Classes classes, double seconds,
        Map<String, Double> phases, Map<String, Double> detectorSeconds, Map<String, Double> thresholds,
        boolean redacted, Problems problems, List<String> warnings) {

    /** The version of the JSON report this code writes; see docs/report-schema.md. */
    public static final String SCHEMA_VERSION = "2.1";

    public AnalysisResult {
        suspects = List.copyOf(suspects);
        largestHolders = List.copyOf(largestHolders);
        phases = ordered(phases);
        detectorSeconds = ordered(detectorSeconds);
        thresholds = ordered(thresholds);
        warnings = List.copyOf(warnings);
    }

    /** An unmodifiable copy that keeps the order (reports list phases and properties as they came). */
    static <K, V> Map<K, V> ordered(Map<K, V> m) {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m));
    }

    /** The most severe suspect, nested ones included; null when there is none. */
    public Severity worstSeverity() {
        Severity worst = null;
        for (Suspect s : suspects) {
            for (Suspect x : s.andNested()) {
                if (worst == null || x.severity().compareTo(worst) > 0) {
                    worst = x.severity();
                }
            }
        }
        return worst;
    }

    public record Tool(String name, String version) {
    }

    /**
     * The dump and what was read of it.
     *
     * @param heapBytes    shallow bytes of every object in the dump; {@code liveBytes} of those GC roots reach
     * @param unreachable  garbage the dump still holds (objects no root reaches): said once, never reported on
     * @param jvm          the JVM's own system properties found in the dump ({@code java.version}...), may be empty
     * @param truncation   where and how the dump ends early, or null for a whole dump
     * @param process      what the dump tells of the process that wrote it (for growth across dumps); null in
     *                     reports written before it was recorded
     */
    public record Dump(String file, long fileBytes, String compression, String format, int idSize, String timestamp,
            int heapDumps, int selectedDump, long objects, int classes, long heapBytes, boolean truncated,
            Layout layout, long liveBytes, long liveObjects, Garbage unreachable, Map<String, String> jvm,
            Truncation truncation, JvmProcess process) {
        public Dump {
            jvm = ordered(jvm);
        }

        /** A dump without process facts (reports written before they were recorded). */
        public Dump(String file, long fileBytes, String compression, String format, int idSize, String timestamp,
                int heapDumps, int selectedDump, long objects, int classes, long heapBytes, boolean truncated,
                Layout layout, long liveBytes, long liveObjects, Garbage unreachable, Map<String, String> jvm,
                Truncation truncation) {
            this(file, fileBytes, compression, format, idSize, timestamp, heapDumps, selectedDump, objects, classes,
                    heapBytes, truncated, layout, liveBytes, liveObjects, unreachable, jvm, truncation, null);
        }
    }

    /**
     * What a dump tells of the process that wrote it, read from JDK statics: enough to tell dumps of one process
     * from another's, and the heap's limit for "when would the heap be full" (see {@code ProcessFacts}).
     *
     * @param pid          the process id ({@code java.lang.ProcessHandleImpl.current}, present once something
     *                     asked for it), or -1
     * @param runId        a value random per JVM run ({@code java.util.ImmutableCollections.SALT32L}, JDK 9+, as
     *                     hex): the same in every dump of one process, different after a restart; null if absent
     * @param maxHeapBytes the JVM's max heap as {@code Runtime.maxMemory()} reports it, or -1 when the dump does not
     *                     tell
     * @param maxHeapFrom  where {@code maxHeapBytes} was read, or why it is unknown
     * @param properties   system properties as the JVM started with them ({@code sun.java.command},
     *                     {@code java.home}, {@code user.dir}...; with {@code --redact} the command is its main
     *                     class alone)
     */
    public record JvmProcess(long pid, String runId, long maxHeapBytes, String maxHeapFrom,
            Map<String, String> properties) {
        public JvmProcess {
            properties = ordered(properties == null ? Map.of() : properties);
        }
    }

    /** The object layout sizes were computed with, and why (see README "Object sizes"). */
    public record Layout(boolean compressedOops, int headerBytes, int referenceBytes, int alignment,
            boolean compactHeaders, String fieldLayout, boolean inferred, String evidence,
            int classSizesLearnedFromAddresses) {
    }

    public record Garbage(long objects, long bytes) {
    }

    /**
     * A dump that ends early: the offset of the cut, the reader's sentence, what was read before it, and how many
     * references point to objects past it (a lower bound of what is missing).
     */
    public record Truncation(long offset, String where, long objectsRead, long heapBytesRead,
            long referencesToMissingObjects) {
    }

    /**
     * One suspect. {@code owner} is who holds its lead map; {@code ownerPath} the steps from the GC root with
     * their retained sizes (containers marked with their role); {@code fix} the one fix, written from all its
     * findings; {@code findings} the evidence. {@code inside} is the rank of the suspect this one is nested in (0
     * for a ranked suspect); {@code entries} sums the members' sizes.
     */
    public record Suspect(int rank, Severity severity, double score, String title, String summary, Owner owner,
            List<PathStep> ownerPath, List<MapRef> maps, int mapCount, long entries, long retainedBytes,
            long wastedBytes, Fix fix, Known known, Shared shared, List<Finding> findings, List<Sample> samples,
            List<Suspect> nested, int inside, List<String> scoreParts) {

        public Suspect {
            ownerPath = List.copyOf(ownerPath);
            maps = List.copyOf(maps);
            findings = List.copyOf(findings);
            samples = List.copyOf(samples);
            nested = List.copyOf(nested);
            scoreParts = List.copyOf(scoreParts);
        }

        /** This suspect followed by the suspects nested in it. */
        public List<Suspect> andNested() {
            List<Suspect> all = new java.util.ArrayList<>();
            all.add(this);
            all.addAll(nested);
            return all;
        }

        /** The finding of {@code kind}, or null. */
        public Finding finding(String kind) {
            for (Finding f : findings) {
                if (f.kind().equals(kind)) {
                    return f;
                }
            }
            return null;
        }
    }

    /**
     * Who holds a map: the field that directly holds it ({@code DeclaringClass.field}, past arrays and collection
     * internals), the kind of GC root ({@code static-field}, {@code thread}, {@code jni}, {@code system-class},
     * {@code other}), the named path from the root, and {@code key}: the path normalised (array indices, hash bins
     * and thread numbers left out) so that the same map has the same key in another dump of the same program.
     */
    public record Owner(String label, String root, List<String> path, String key) {
        public Owner {
            path = List.copyOf(path);
        }
    }

    /** A step of an owner path; {@code role} names a container on the way ("cache-manager"), else null. */
    public record PathStep(String label, String className, long retainedBytes, String role) {
    }

    /** A member map of a suspect; {@code capacity} is -1 where the implementation has no table. */
    public record MapRef(String objectId, String className, String kind, long size, long capacity,
            long retainedBytes, String owner) {
    }

    /** The one fix of a suspect, and what it is written from (finding kinds, or {@code known map ID}). */
    public record Fix(String text, List<String> basedOn) {
        public Fix {
            basedOn = List.copyOf(basedOn);
        }
    }

    /** A well-known framework map: which, whose, the part it plays, and what it is. */
    public record Known(String id, String library, String role, String what) {
    }

    /**
     * Maps that index the same entries: how many, and what they retain together (exact: what would be freed if all
     * of them went), against the largest member's own retained size; or, where something else holds their entries
     * too, what the object above them all that holds them retains ({@code holder}; null for the first kind).
     */
    public record Shared(int maps, long retainedTogether, long largestAlone, String method, EntryHolder holder) {
    }

    /** The object that holds a group's maps and their entries: its id, class and owner label. */
    public record EntryHolder(String objectId, String className, String owner) {
    }

    /**
     * One detector's finding: its kind (a detector id), the maps it is about, what kind of problem it is
     * ({@code leak}, {@code waste}, {@code broken}), the bytes at stake, the typed evidence, the detector's advice
     * for this finding alone, and caveats (a truncated dump, a sample).
     */
    public record Finding(String kind, List<String> maps, String category, long bytesAtStake, Evidence evidence,
            String advice, List<String> caveats) {
        public Finding {
            maps = List.copyOf(maps);
            caveats = List.copyOf(caveats);
        }
    }

    /** One entry of a suspect's map as text, with the bytes its value retains (-1 where the map does not own it). */
    public record Sample(String key, String value, long valueRetainedBytes) {
    }

    /** A large holder: a map holding much of the heap with nothing wrong found about it. */
    public record Holder(String objectId, String className, String owner, long entries, long retainedBytes,
            String note) {
    }

    /**
     * The map inventory: rows (the most retained first), the rule that chose them, and how many there were before
     * {@link #MAX_ROWS} cut the list.
     */
    public record Inventory(String rule, int total, List<InventoryRow> rows) {
        /** A map (or owner group) is listed from this many entries... */
        public static final long MIN_ENTRIES = 100;
        /** ...or from this many bytes retained: a map that filled and drained is still followed where it is small. */
        public static final long MIN_BYTES = 64 << 10;
        /** Rows kept, the most retained first. */
        public static final int MAX_ROWS = 5000;

        public Inventory {
            rows = List.copyOf(rows);
        }
    }

    /**
     * One map, or a group of maps with one owner ({@code mapCount} of them: the sizes and bytes are sums, the object
     * and class are the largest member's).
     */
    public record InventoryRow(String objectId, String className, String kind, long size, long capacity,
            long retainedBytes, int mapCount, Owner owner) {
    }

    /**
     * The largest classes by shallow and by retained bytes, and {@code byInstances}: per class name (classes of one
     * name from several loaders summed) the instances GC roots reach and their shallow bytes, for the
     * {@link #BY_INSTANCES_ROWS} names with the most instances: what growth compares across dumps. Null in reports
     * written before it was recorded.
     */
    public record Classes(List<ClassRow> byShallow, List<ClassRow> byRetained, List<ClassRow> byInstances) {
        /** Rows of {@code byInstances}. */
        public static final int BY_INSTANCES_ROWS = 500;

        public Classes {
            byShallow = List.copyOf(byShallow);
            byRetained = List.copyOf(byRetained);
            byInstances = byInstances == null ? null : List.copyOf(byInstances);
        }

        /** Without the per-name instance table (reports written before it was recorded). */
        public Classes(List<ClassRow> byShallow, List<ClassRow> byRetained) {
            this(byShallow, byRetained, null);
        }
    }

    /** One class: instances, their shallow bytes, and what they retain together (-1 where not computed). */
    public record ClassRow(String name, long instances, long shallowBytes, long retainedBytes) {
    }

    /** What could not be done, counted: maps that failed to decode, detectors that threw on a map. */
    public record Problems(int mapsNotDecoded, int detectorFailures, List<String> examples) {
        public Problems {
            examples = List.copyOf(examples);
        }
    }
}
