package io.mapleak.cli;

import io.mapleak.analysis.Workbench;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.JvmHints;
import io.mapleak.heap.ThreadInfo;
import io.mapleak.hprof.DumpFile;
import io.mapleak.hprof.GcRootKind;
import io.mapleak.report.DumpJson;
import io.mapleak.heap.Hex;
import io.mapleak.report.JsonReports;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mapleak info}: what the dump is and holds, after building the full index. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"What the dump is and what it holds: format, when it was taken, the JVM, objects, classes, "
                + "heap bytes, the inferred object layout, GC roots by kind, threads, and any warnings."})
final class InfoCommand implements Callable<Integer> {
    @Mixin
    DumpOptions dump;

    @Option(names = "--threads", description = "List every thread with its stack.")
    boolean threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the information as JSON to FILE.")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DumpFile file = DumpFile.open(dump.dump);
        long started = System.nanoTime();
        HeapIndex index;
        TerminalListener progress = new TerminalListener();
        progress.phase("Indexing", 2 * file.fileBytes()); // in bytes on disk, compressed ones for gzip
        try {
            index = HeapIndex.build(file, dump.readOptions().withProgress(Workbench.bothPasses(file.fileBytes(),
                    progress)));
        } finally {
            progress.phaseDone();
        }
        try (index) {
            double seconds = (System.nanoTime() - started) / 1e9;
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Text.warnings(err, index.facts().warnings());
            var facts = index.facts();
            Map<String, String> hints = JvmHints.read(index);
            out.printf("file        %s (%s%s)%n", Text.safe(file.path().toString()), Text.bytes(file.fileBytes()),
                    file.compressed() ? ", " + file.compression().name().toLowerCase().replace('_', ' ') : "");
            out.printf("format      %s, %d-byte ids, %s%n", facts.header().version(), facts.header().idSize(),
                    facts.heapDumps() > 1 ? "heap dump " + facts.selectedDump() + " of " + facts.heapDumps()
                            : "one heap dump");
            out.printf("taken       %s%n", Instant.ofEpochMilli(facts.header().timestampMillis()));
            if (!hints.isEmpty()) {
                out.printf("jvm         %s%n", Text.safe(String.join(", ", hints.values())));
            }
            out.printf("objects     %,d in %,d classes; %s of shallow size%n", index.objectCount(),
                    index.classes().size(), Text.bytes(index.heapBytes()));
            out.printf("references  %,d%s%n", index.referenceCount(), index.danglingReferences() > 0
                    ? String.format(" (%,d to objects not in the dump)", index.danglingReferences()) : "");
            out.printf("layout      %s%n", index.layout().describe());
            out.printf("            %s%s%n", facts.layoutEvidence(), facts.learnedClassSizes() > 0
                    ? String.format("; %d class sizes settled from addresses", facts.learnedClassSizes()) : "");
            Map<GcRootKind, Integer> roots = new EnumMap<>(GcRootKind.class);
            for (int r = 0; r < index.rootCount(); r++) {
                roots.merge(index.rootKind(r), 1, Integer::sum);
            }
            List<String> parts = new ArrayList<>();
            roots.forEach((k, v) -> parts.add(String.format("%,d %s", v, k.label())));
            out.printf("gc roots    %,d: %s%n", index.rootCount(), String.join(", ", parts));
            java.util.BitSet live = io.mapleak.graph.Reachability.compute(new io.mapleak.graph.HeapGraph(index));
            Map<String, long[]> unreachable = new java.util.HashMap<>();
            long deadObjects = 0;
            long deadBytes = 0;
            for (int o = live.nextClearBit(0); o < index.objectCount(); o = live.nextClearBit(o + 1)) {
                long[] v = unreachable.computeIfAbsent(index.classOf(o).name(), k -> new long[2]);
                v[0]++;
                v[1] += index.shallowSize(o);
                deadObjects++;
                deadBytes += index.shallowSize(o);
            }
            List<Map.Entry<String, long[]>> deadClasses = new ArrayList<>(unreachable.entrySet());
            deadClasses.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
            out.printf("unreachable %,d objects, %s: no GC root reaches them in the dump, so retained sizes leave them"
                    + " out%n            (garbage the dump kept, or objects held only by java.lang.Class fields such"
                    + " as reflection caches, which HPROF does not record)%n", deadObjects, Text.bytes(deadBytes));
            for (int i = 0; i < Math.min(5, deadClasses.size()); i++) {
                var e = deadClasses.get(i);
                out.printf("            %,d %s, %s%n", e.getValue()[0], Text.safe(e.getKey()), Text.bytes(e.getValue()[1]));
            }
            out.printf("threads     %,d%n", index.threads().size());
            if (threads) {
                for (ThreadInfo t : index.threads()) {
                    out.printf("  \"%s\"%n", Text.safe(t.name()));
                    for (ThreadInfo.Frame f : t.frames()) {
                        out.printf("      at %s%n", Text.safe(f.describe()));
                    }
                }
            }
            List<String> phases = new ArrayList<>();
            index.buildPhases().forEach((k, v) -> phases.add(String.format("%s %.2f s", k, v)));
            out.printf("index       %s in memory, built in %.1f s (%s)%n", Text.bytes(index.indexBytes()), seconds,
                    String.join(", ", phases));
            if (facts.truncated()) {
                out.println("truncated   yes: the analysis covers the part of the dump before the cut");
            }
            if (json != null) {
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("schemaVersion", JsonReports.SCHEMA_VERSION);
                Map<String, Object> d = DumpJson.of(file, facts, index.objectCount(), index.classes().size(),
                        index.heapBytes());
                d.put("jvm", hints);
                d.put("references", index.referenceCount());
                d.put("danglingReferences", index.danglingReferences());
                root.put("dump", d);
                Map<String, Integer> rootCounts = new LinkedHashMap<>();
                roots.forEach((k, v) -> rootCounts.put(k.label(), v));
                root.put("gcRoots", rootCounts);
                List<Map<String, Object>> dead = new ArrayList<>();
                for (var e : deadClasses) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", e.getKey());
                    m.put("instances", e.getValue()[0]);
                    m.put("shallowBytes", e.getValue()[1]);
                    dead.add(m);
                }
                Map<String, Object> u = new LinkedHashMap<>();
                u.put("objects", deadObjects);
                u.put("bytes", deadBytes);
                u.put("classes", dead);
                root.put("unreachable", u);
                List<Map<String, Object>> ts = new ArrayList<>();
                for (ThreadInfo t : index.threads()) {
                    Map<String, Object> tm = new LinkedHashMap<>();
                    tm.put("name", t.name());
                    tm.put("objectId", t.objectIndex() >= 0 ? Hex.id(index.id(t.objectIndex())) : null);
                    tm.put("frames", t.frames().stream().map(ThreadInfo.Frame::describe).toList());
                    ts.add(tm);
                }
                root.put("threads", ts);
                root.put("indexBytes", index.indexBytes());
                root.put("seconds", seconds);
                root.put("phases", index.buildPhases());
                root.put("warnings", facts.warnings());
                JsonReports.write(json, root);
            }
        }
        return ExitCodes.OK;
    }
}
