package io.mapleak.cli;

import io.mapleak.analysis.Workbench;

import io.mapleak.graph.PathNamer;
import io.mapleak.heap.ClassInfo;
import io.mapleak.report.DumpJson;
import io.mapleak.heap.Hex;
import io.mapleak.report.JsonReports;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mapleak top}: the objects that retain the most memory, with who holds them. */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = {"The objects with the largest retained sizes (what would be freed if each became "
                + "unreachable), with class, shallow size, share of the heap, owner and the path from a GC root."})
final class TopCommand implements Callable<Integer> {
    @Mixin
    DumpOptions dump;

    @Option(names = "--top", paramLabel = "N", defaultValue = "20", converter = Counts.NonNegative.class,
            description = "How many objects (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--classes", description = "Include class objects (whose statics retain memory) in the list.")
    boolean classes;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the list as JSON to FILE.")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Workbench wb = Workbench.open(dump.dump, dump.readOptions(), new TerminalListener())) {
            PrintWriter out = spec.commandLine().getOut();
            Text.warnings(spec.commandLine().getErr(), wb.index.facts().warnings());
            int[] best = largest(wb, Math.max(1, top));
            wb.pathsFor(best);
            long live = wb.dominators.reachableBytes();
            out.printf("%s: %,d live objects, %s live (%s in the dump); analysed in %.1f s%n",
                    wb.file.path().getFileName(), wb.dominators.reachableObjects(), Text.bytes(live),
                    Text.bytes(wb.index.heapBytes()), wb.seconds());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int r = 0; r < best.length; r++) {
                int o = best[r];
                ClassInfo mirrored = wb.index.mirroredClass(o);
                String cls = mirrored != null ? "class " + mirrored.name() : wb.index.classOf(o).name();
                long retained = wb.dominators.retainedSize(o);
                PathNamer.Owner owner = wb.owner(o);
                out.printf("%3d  %10s  %5.1f%%  %s  %s%n", r + 1, Text.bytes(retained), pct(retained, live),
                        Text.safe(cls), Hex.id(wb.index.id(o)));
                out.printf("     owner %s (%s root); shallow %s%n", Text.safe(owner.label()), owner.root(),
                        Text.bytes(wb.index.shallowSize(o)));
                if (!owner.path().isEmpty()) {
                    out.printf("     path  %s%n", Text.safe(String.join(" ", owner.path())));
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("rank", r + 1);
                row.put("objectId", Hex.id(wb.index.id(o)));
                row.put("className", cls);
                row.put("retainedBytes", retained);
                row.put("shallowBytes", wb.index.shallowSize(o));
                row.put("heapPercent", pct(retained, live));
                Map<String, Object> ow = new LinkedHashMap<>();
                ow.put("label", owner.label());
                ow.put("root", owner.root());
                ow.put("path", owner.path());
                row.put("owner", ow);
                rows.add(row);
            }
            if (json != null) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("schemaVersion", JsonReports.SCHEMA_VERSION);
                root.put("dump", DumpJson.of(wb.file, wb.index.facts(), wb.index.objectCount(),
                        wb.index.classes().size(), wb.index.heapBytes()));
                root.put("liveBytes", live);
                root.put("liveObjects", wb.dominators.reachableObjects());
                root.put("objects", rows);
                root.put("phases", wb.phases);
                root.put("warnings", wb.index.facts().warnings());
                JsonReports.write(json, root);
            }
        }
        return ExitCodes.OK;
    }

    private int[] largest(Workbench wb, int n) {
        int count = wb.index.objectCount();
        int[] best = new int[0];
        // A small sorted array: n is a few dozen, so insertion beats a heap.
        List<Integer> keep = new ArrayList<>();
        long floor = -1;
        for (int o = 0; o < count; o++) {
            long r = wb.dominators.retainedSize(o);
            if (r <= floor || (!classes && wb.index.isMirror(o))) {
                continue;
            }
            int at = keep.size();
            while (at > 0 && wb.dominators.retainedSize(keep.get(at - 1)) < r) {
                at--;
            }
            keep.add(at, o);
            if (keep.size() > n) {
                keep.remove(keep.size() - 1);
            }
            if (keep.size() == n) {
                floor = wb.dominators.retainedSize(keep.get(n - 1));
            }
        }
        best = keep.stream().mapToInt(Integer::intValue).toArray();
        return best;
    }

    static double pct(long part, long whole) {
        return whole == 0 ? 0 : Math.round(1000.0 * part / whole) / 10.0;
    }
}
