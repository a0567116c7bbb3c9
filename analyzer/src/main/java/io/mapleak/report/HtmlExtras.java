package io.mapleak.report;

import java.util.List;
import java.util.Map;

/**
 * What the HTML report shows beyond the JSON report it embeds: owner paths with a retained size per step, sample
 * entries, the map inventory, the largest classes and the JVM's own version strings. Every string here may come
 * from the dump; the template escapes all of them.
 *
 * @param jvmHints         {@code java.version}, {@code java.runtime.name}... as read from the dump (may be empty)
 * @param suspects         per suspect rank: its owner path and sample entries
 * @param inventory        the maps above the inventory thresholds, largest retained first (the collector keeps
 *                         the first few hundred of {@code inventoryTotal})
 * @param inventoryRule    the thresholds in words, e.g. "at least 1,000 entries or 1.0 MB retained"
 * @param inventoryTotal   how many maps met the thresholds
 * @param classesByShallow the classes with the most shallow bytes, largest first
 * @param classesByRetained the classes whose instances together retain the most, largest first
 * @param redacted         whether key and value text was left out (--redact)
 */
public record HtmlExtras(Map<String, String> jvmHints, Map<Integer, SuspectExtras> suspects, List<MapRow> inventory,
        String inventoryRule, int inventoryTotal, List<ClassRow> classesByShallow, List<ClassRow> classesByRetained,
        boolean redacted) {

    public HtmlExtras {
        jvmHints = Map.copyOf(jvmHints);
        suspects = Map.copyOf(suspects);
        inventory = List.copyOf(inventory);
        classesByShallow = List.copyOf(classesByShallow);
        classesByRetained = List.copyOf(classesByRetained);
    }

    /** A suspect's owner path (GC root first, the map last) and a few of its entries (empty when redacted). */
    public record SuspectExtras(List<PathStep> ownerPath, List<SampleEntry> samples) {
        public SuspectExtras {
            ownerPath = List.copyOf(ownerPath);
            samples = List.copyOf(samples);
        }
    }

    /** One step of an owner path: how it is reached ({@code .table}, {@code [17]}), its class and retained size. */
    public record PathStep(String label, String className, long retainedBytes) {
    }

    /** One entry of a map as readable text, with the bytes its value retains (-1 if the map does not own it). */
    public record SampleEntry(String key, String value, long valueRetainedBytes) {
    }

    /** One map of the inventory; {@code capacity} is -1 where the implementation has no table. */
    public record MapRow(String objectId, String className, String kind, long size, long capacity,
            long retainedBytes, String owner) {
    }

    /** One class: instances, their shallow bytes, and what they retain together (-1 where not computed). */
    public record ClassRow(String name, long instances, long shallowBytes, long retainedBytes) {
    }
}
