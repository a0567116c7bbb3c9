package io.mapleak.bench.netbeans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One tool's class histogram: instances and shallow bytes per class, keyed by {@link ClassNames#canonical} name
 * (classes of the same name from different loaders are added together), plus the totals the tool reported.
 */
final class ClassHistogram {

    /** One class's row. */
    record Row(String name, long instances, long bytes) {
    }

    // "   1:       2176368      422706600  [B (java.base@17.0.15)" as written by jcmd GC.class_histogram.
    private static final Pattern JVM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
    private static final Pattern JVM_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    private final String tool;
    private final Map<String, long[]> rows = new LinkedHashMap<>();
    private long totalObjects = -1;
    private long totalBytes = -1;

    ClassHistogram(String tool) {
        this.tool = tool;
    }

    String tool() {
        return tool;
    }

    void add(String name, long instances, long bytes) {
        long[] r = rows.computeIfAbsent(ClassNames.canonical(name), k -> new long[2]);
        r[0] += instances;
        r[1] += bytes;
    }

    /** The totals as the tool stated them; without this, {@link #totalObjects} and {@link #totalBytes} sum the rows. */
    void setTotals(long objects, long bytes) {
        this.totalObjects = objects;
        this.totalBytes = bytes;
    }

    long totalObjects() {
        return totalObjects >= 0 ? totalObjects : rows.values().stream().mapToLong(r -> r[0]).sum();
    }

    long totalBytes() {
        return totalBytes >= 0 ? totalBytes : rows.values().stream().mapToLong(r -> r[1]).sum();
    }

    int classCount() {
        return rows.size();
    }

    /** The row for a canonical class name, or a row of zeros if this tool did not report that class. */
    Row row(String canonicalName) {
        long[] r = rows.get(canonicalName);
        return r == null ? new Row(canonicalName, 0, 0) : new Row(canonicalName, r[0], r[1]);
    }

    boolean has(String canonicalName) {
        return rows.containsKey(canonicalName);
    }

    List<Row> rowsByBytes() {
        List<Row> out = new ArrayList<>(rows.size());
        rows.forEach((name, r) -> out.add(new Row(name, r[0], r[1])));
        out.sort(Comparator.comparingLong(Row::bytes).reversed().thenComparing(Row::name));
        return out;
    }

    /** Writes {@code name<TAB>instances<TAB>bytes} lines, largest first, with a header line. */
    void writeTsv(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("class\tinstances\tbytes\n");
            for (Row r : rowsByBytes()) {
                w.write(r.name() + "\t" + r.instances() + "\t" + r.bytes() + "\n");
            }
        }
    }

    static ClassHistogram readTsv(String tool, Path file) throws IOException {
        ClassHistogram h = new ClassHistogram(tool);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t");
            if (f.length == 3) {
                h.add(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]));
            }
        }
        return h;
    }

    /** Reads the text of {@code jcmd PID GC.class_histogram} (what the fixtures write as *.histo-before.txt). */
    static ClassHistogram readJvm(Path file) throws IOException {
        ClassHistogram h = new ClassHistogram("jvm");
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = JVM_ROW.matcher(line);
            if (m.matches()) {
                h.add(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                continue;
            }
            Matcher t = JVM_TOTAL.matcher(line);
            if (t.matches()) {
                h.setTotals(Long.parseLong(t.group(1)), Long.parseLong(t.group(2)));
            }
        }
        return h;
    }

    /**
     * Reads {@code mapleak histogram --json}: {@code {"classes":[{"name","instances","shallowBytes"}],
     * "objects","heapBytes"}}; totals fall back to the sum of the rows when absent.
     */
    static ClassHistogram readMapleakJson(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        ClassHistogram h = new ClassHistogram("mapleak");
        for (JsonNode c : root.path("classes")) {
            h.add(c.path("name").asText(), c.path("instances").asLong(), c.path("shallowBytes").asLong());
        }
        if (root.has("objects") && root.has("heapBytes")) {
            h.setTotals(root.get("objects").asLong(), root.get("heapBytes").asLong());
        }
        return h;
    }
}
