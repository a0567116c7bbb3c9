package io.mapleak.cli;

import io.mapleak.analysis.Workbench;

import io.mapleak.graph.PathNamer;
import io.mapleak.maps.MapCatalog;
import io.mapleak.maps.MapContext;
import io.mapleak.maps.MapView;
import io.mapleak.maps.UserMapSpecs;
import io.mapleak.maps.ValueText;
import io.mapleak.heap.Hex;
import io.mapleak.report.JsonReports;
import io.mapleak.report.DumpJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mapleak maps}: every map in the dump, or one map's entries. */
@Command(name = "maps", mixinStandardHelpOptions = true,
        description = {"Lists the maps in the dump (every JDK map and set, Guava and Caffeine caches, your own with "
                + "--user-maps) with size, capacity, fill, retained bytes and owner; or prints one map's entries."})
final class MapsCommand implements Callable<Integer> {
    @Mixin
    DumpOptions dump;

    @Option(names = "--class", paramLabel = "TEXT",
            description = "Only maps whose class or owner (the field holding them, e.g. Session.attributes) contains TEXT.")
    String classFilter;

    @Option(names = "--min-size", paramLabel = "N", defaultValue = "0", converter = Counts.NonNegative.class,
            description = "Only maps with at least N entries.")
    int minSize;

    @Option(names = "--min-retained", paramLabel = "BYTES", defaultValue = "0",
            description = "Only maps retaining at least BYTES (suffixes k, m, g allowed).", converter = ByteSize.class)
    long minRetained;

    @Option(names = "--sort", paramLabel = "KEY", defaultValue = "retained",
            description = "retained (default), size, capacity or waste.")
    String sort;

    @Option(names = "--top", paramLabel = "N", defaultValue = "30", converter = Counts.NonNegative.class,
            description = "How many maps to show (0: all).")
    int top;

    @Option(names = "--entries", paramLabel = "OBJECT_ID", description = "Print the entries of this map instead.")
    String entriesOf;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", converter = Counts.NonNegative.class,
            description = "Entries to print with --entries.")
    int limit;

    @Option(names = "--user-maps", paramLabel = "FILE", description = "Properties file describing your own maps.")
    Path userMaps;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the list as JSON to FILE.")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!List.of("retained", "size", "capacity", "waste").contains(sort)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--sort takes retained, size, capacity or waste, not '" + sort + "'");
        }
        MapCatalog catalog = MapCatalog.standard(userMaps != null ? UserMapSpecs.read(userMaps) : List.of());
        try (Workbench wb = Workbench.open(dump.dump, dump.readOptions(), new TerminalListener())) {
            PrintWriter out = spec.commandLine().getOut();
            Text.warnings(spec.commandLine().getErr(), wb.index.facts().warnings());
            if (entriesOf != null) {
                return entries(wb, catalog, out);
            }
            List<MapView> all = catalog.findAll(wb.index, wb.dominators);
            if (classFilter != null) {
                wb.pathsFor(null); // the filter also matches owners, which need every map's path
            }
            List<MapView> shown = new ArrayList<>();
            for (MapView m : all) {
                if (m.size() >= minSize && wb.dominators.retainedSize(m.object()) >= minRetained
                        && (classFilter == null || m.implementation().contains(classFilter)
                                || ownerLabel(wb, m.object()).contains(classFilter))) {
                    shown.add(m);
                }
            }
            shown.sort(order(wb).reversed());
            if (top > 0 && shown.size() > top) {
                shown = shown.subList(0, top);
            }
            wb.pathsFor(shown.stream().mapToInt(MapView::object).toArray());
            out.printf("%s: %s (%,d shown); analysed in %.1f s%n", wb.file.path().getFileName(),
                    io.mapleak.report.Words.count(all.size(), "map", "maps"), shown.size(), wb.seconds());
            if (shown.isEmpty()) {
                out.printf("No map matches%s%s%s. Without filters, mapleak maps lists the maps that retain the most.%n",
                        classFilter != null ? " --class '" + Text.safe(classFilter) + "' (in the map's class or in its "
                                + "owner, such as Session.attributes)" : "",
                        minSize > 0 ? " --min-size " + minSize : "", minRetained > 0 ? " --min-retained "
                                + minRetained : "");
                return ExitCodes.OK;
            }
            out.printf("%4s %10s %10s %12s %5s  %-44s %s%n", "#", "retained", "size", "capacity", "fill", "map",
                    "owner");
            List<Map<String, Object>> rows = new ArrayList<>();
            int rank = 0;
            for (MapView m : shown) {
                rank++;
                long retained = wb.dominators.retainedSize(m.object());
                PathNamer.Owner owner = wb.owner(m.object());
                out.printf("%4d %10s %,10d %,12d %5s  %-44s %s%n", rank, Text.bytes(retained), m.size(),
                        m.capacity(), fill(m), Text.safe(shortName(m.implementation()) + " " + Hex.id(wb.index.id(m.object()))),
                        Text.safe(owner.label()));
                if (m.consistency().corrupt() && !m.threadSafe()) {
                    out.printf("%4s %s%n", "", Text.safe("damaged: " + String.join("; ", m.consistency().problems())));
                }
                rows.add(row(wb, m, retained, owner));
            }
            if (json != null) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("schemaVersion", JsonReports.SCHEMA_VERSION);
                root.put("dump", DumpJson.of(wb.file, wb.index.facts(), wb.index.objectCount(),
                        wb.index.classes().size(), wb.index.heapBytes()));
                root.put("mapCount", all.size());
                root.put("maps", rows);
                root.put("phases", wb.phases);
                JsonReports.write(json, root);
            }
        }
        return ExitCodes.OK;
    }

    /** The field that holds {@code map} (or its root in words); paths must have been computed. */
    private static String ownerLabel(Workbench wb, int map) {
        return wb.paths().stronglyReachable(map) ? wb.namer.ownerOrRootLabel(wb.paths(), map) : "";
    }

    private Comparator<MapView> order(Workbench wb) {
        switch (sort) {
            case "size": return Comparator.comparingLong(MapView::size);
            case "capacity": return Comparator.comparingLong(MapView::capacity);
            case "waste": return Comparator.comparingLong(m -> wasted(wb, m));
            default: return Comparator.comparingLong(m -> wb.dominators.retainedSize(m.object()));
        }
    }

    /** Bytes of table slots that hold nothing (0 for maps without a table). */
    static long wasted(Workbench wb, MapView m) {
        long empty = m.capacity() - m.consistency().binsUsed();
        return m.capacity() > 0 && empty > 0 ? empty * wb.index.layout().referenceBytes() : 0;
    }

    private static String fill(MapView m) {
        if (m.capacity() <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.0f%%", 100.0 * m.size() / m.capacity());
    }

    private static String shortName(String className) {
        return className.startsWith("java.util.") ? className.substring("java.util.".length()) : className;
    }

    private Map<String, Object> row(Workbench wb, MapView m, long retained, PathNamer.Owner owner) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("objectId", Hex.id(wb.index.id(m.object())));
        r.put("className", m.implementation());
        r.put("kind", m.kind().json());
        r.put("set", m.set());
        r.put("size", m.size());
        r.put("entriesReached", m.entriesReached());
        r.put("capacity", m.capacity());
        r.put("loadFactor", Float.isNaN(m.loadFactor()) ? null : m.loadFactor());
        r.put("threshold", m.threshold());
        r.put("modCount", m.modCount());
        r.put("retainedBytes", retained);
        r.put("shallowBytes", wb.index.shallowSize(m.object()));
        r.put("wastedBytes", wasted(wb, m));
        Map<String, Object> c = new LinkedHashMap<>();
        var k = m.consistency();
        c.put("binsUsed", k.binsUsed());
        c.put("longestBin", k.longestBin());
        c.put("treeBins", k.treeBins());
        c.put("loops", k.loops());
        c.put("misplacedEntries", k.misplacedEntries());
        c.put("linkedOrderMismatch", k.linkedOrderMismatch());
        c.put("staleEntries", k.staleEntries());
        c.put("forwardedBins", k.forwardedBins());
        c.put("sizeMismatch", k.sizeMismatch());
        c.put("problems", k.problems());
        r.put("consistency", c);
        r.put("settings", m.settings());
        Map<String, Object> ow = new LinkedHashMap<>();
        ow.put("label", owner.label());
        ow.put("root", owner.root());
        ow.put("path", owner.path());
        r.put("owner", ow);
        return r;
    }

    private int entries(Workbench wb, MapCatalog catalog, PrintWriter out) {
        int o = ObjectIds.resolve(wb.index, entriesOf, "--entries", spec.commandLine().getErr());
        long id = wb.index.id(o);
        MapView m = catalog.decode(new MapContext(wb.index), o);
        if (m == null) {
            throw new UsageError("--entries: " + Hex.id(id) + " is a " + wb.index.classOf(o).name()
                    + ", not a map mapleak can read (mapleak maps lists the maps)");
        }
        ValueText text = new ValueText(wb.index, 120);
        out.printf("%s %s: size %,d, capacity %,d%n", Text.safe(m.implementation()), Hex.id(id), m.size(),
                m.capacity());
        int[] shown = {0};
        m.entries((node, key, value, hash, hashKnown, bin) -> {
            if (shown[0] >= limit) {
                return false;
            }
            shown[0]++;
            String k = Text.safe(text.of(key));
            out.printf("  %s%s%n", k, m.set() ? "" : " = " + Text.safe(text.of(value)));
            return true;
        });
        if (m.size() > shown[0]) {
            out.printf("  ... %,d more (--limit N shows more)%n", m.size() - shown[0]);
        }
        return ExitCodes.OK;
    }
}
