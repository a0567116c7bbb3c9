package io.mapleak.growth;

import io.mapleak.analysis.AnalysisResult;
import io.mapleak.analysis.AnalysisResult.ClassRow;
import io.mapleak.analysis.AnalysisResult.InventoryRow;
import io.mapleak.analysis.AnalysisResult.Owner;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Made-up analyses for growth's rules: an input is a time, a live heap, inventory rows and class rows, with the
 * process facts of one JVM run unless told otherwise. Only what growth reads is filled in.
 */
final class Inputs {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final long MAX_HEAP = 1L << 30;

    private final List<GrowthInput> inputs = new ArrayList<>();
    private String runId = "0x1234";
    private long pid = 4242;
    private String command = "com.acme.Shop --port 8080";
    private long maxHeap = MAX_HEAP;
    private boolean classTable = true;

    /** Inputs of the next {@link #at} calls come from this run. */
    Inputs run(String id, long processId, String cmd) {
        this.runId = id;
        this.pid = processId;
        this.command = cmd;
        return this;
    }

    Inputs maxHeap(long bytes) {
        this.maxHeap = bytes;
        return this;
    }

    Inputs withoutClassTable() {
        this.classTable = false;
        return this;
    }

    /** An input taken {@code minutes} after T0 with {@code live} bytes live, holding {@code rows}. */
    Inputs at(double minutes, long live, List<InventoryRow> rows, List<ClassRow> classes) {
        Instant t = T0.plusMillis(Math.round(minutes * 60_000));
        int n = inputs.size() + 1;
        AnalysisResult.JvmProcess process = runId == null ? null : new AnalysisResult.JvmProcess(pid, runId, maxHeap,
                "jdk.internal.misc.VM.directMemory", Map.of("sun.java.command", command, "java.home", "/opt/jdk"));
        AnalysisResult.Dump dump = new AnalysisResult.Dump("/dumps/shop-" + n + ".hprof", 1000 + n, "none",
                "JAVA PROFILE 1.0.2", 8, t.toString(), 1, 1, 100_000 + n, 500, live + 1000, false,
                new AnalysisResult.Layout(true, 12, 4, 8, false, "jdk15+", true, "", 0), live, 90_000, 
                new AnalysisResult.Garbage(0, 0), Map.of("java.version", "17.0.15"), null, process);
        AnalysisResult.Inventory inventory = new AnalysisResult.Inventory("rule", rows.size(), rows);
        AnalysisResult.Classes table = new AnalysisResult.Classes(List.of(), List.of(), classTable ? classes : null);
        AnalysisResult r = new AnalysisResult(AnalysisResult.SCHEMA_VERSION, new AnalysisResult.Tool("mapleak", "t"),
                dump, List.of(), List.of(), rows.size(), inventory, table, 1.0, Map.of(), Map.of(), Map.of(), false,
                new AnalysisResult.Problems(0, 0, List.of()), List.of());
        inputs.add(new GrowthInput(Path.of("/reports/shop-" + n + ".json"), GrowthInput.Kind.REPORT, n, r));
        return this;
    }

    Inputs at(double minutes, long live, InventoryRow... rows) {
        return at(minutes, live, List.of(rows), List.of());
    }

    List<GrowthInput> list() {
        return List.copyOf(inputs);
    }

    GrowthResult compare() {
        return Growth.compare(list(), GrowthOptions.defaults());
    }

    /** A map held by static field {@code field} of com.acme.Shop. */
    static InventoryRow map(String field, long size, long retained) {
        return new InventoryRow("0x" + Long.toHexString(size + retained), "java.util.HashMap", "hash-table", size,
                size * 2, retained, 1, staticOwner(field));
    }

    static Owner staticOwner(String field) {
        return new Owner("com.acme.Shop." + field, "static-field", List.of("static com.acme.Shop." + field),
                "static com.acme.Shop." + field);
    }

    /** A thread-local map of one pool thread: the key leaves the thread's number out. */
    static InventoryRow threadMap(int thread, long size, long retained) {
        return new InventoryRow("0x" + thread, "java.util.HashMap", "hash-table", size, size * 2, retained, 1,
                new Owner("java.lang.ThreadLocal$ThreadLocalMap$Entry.value", "thread",
                        List.of("thread \"pool-" + thread + "\"", ".threadLocals", ".table", "[3]", ".value"),
                        "thread \"pool-#\" java.lang.Thread.threadLocals java.lang.ThreadLocal$ThreadLocalMap.table "
                                + "[] java.lang.ThreadLocal$ThreadLocalMap$Entry.value"));
    }

    static ClassRow cls(String name, long instances, long bytes) {
        return new ClassRow(name, instances, bytes, -1);
    }
}
