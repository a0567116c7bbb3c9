package io.mapleak.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM's own class histogram ({@code jcmd PID GC.class_histogram}): live instances and their bytes per class,
 * as the JVM measured them. It is the oracle for mapleak's counts and shallow sizes.
 *
 * <p>Class names are turned into Java source form, the form mapleak reports: {@code [B} becomes {@code byte[]},
 * {@code [[Ljava.lang.String;} becomes {@code java.lang.String[][]}. Other names stay as printed, including hidden
 * classes ({@code a.B$$Lambda/0x0000000800c04000}; note the HPROF file spells these with {@code +} instead of
 * {@code /}). Immutable; parsing is done once, up front.
 *
 * <p>Where a dump and the histogram disagree by design: {@code java.lang.Class} counts every mirror, while a dump
 * has fewer class records; on JDK 25 with G1 the histogram lists dead-space fillers as
 * {@code jdk.internal.vm.FillerElement[]}, and the dump writes those same fillers as {@code int[]} (measured:
 * dump {@code int[]} = histogram {@code int[]} + {@code FillerElement[]} of the histogram taken after the dump,
 * in count and bytes).
 */
public final class JvmHistogram {

    /**
     * One class, or several classes of one name from different class loaders added together.
     *
     * @param module the module and version as printed ({@code java.base@17.0.15}), or {@code ""} for a class in
     *               an unnamed module
     */
    public record Row(String name, long instances, long bytes, String module) {
    }

    // "   1:         15689         897568  [B (java.base@17.0.15)"; classes in unnamed modules have no "(...)"
    private static final Pattern ROW =
            Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)(?:\\s+\\((.*)\\))?\\s*$");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final Pattern HEADER = Pattern.compile("^\\s*num\\s+#instances\\s+#bytes\\s+class name.*$");
    private static final Pattern RULE = Pattern.compile("^-+$");

    private final List<Row> rows;
    private final Map<String, Row> byName;
    private final long totalInstances;
    private final long totalBytes;

    private JvmHistogram(List<Row> rows, Map<String, Row> byName, long totalInstances, long totalBytes) {
        this.rows = rows;
        this.byName = byName;
        this.totalInstances = totalInstances;
        this.totalBytes = totalBytes;
    }

    public static JvmHistogram read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the text; a line that is not a header, a row or the Total line is an error, not skipped. */
    public static JvmHistogram parse(String text) {
        List<Row> rows = new ArrayList<>();
        Map<String, Row> byName = new LinkedHashMap<>();
        long totalInstances = -1;
        long totalBytes = -1;
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher row = ROW.matcher(line);
            Matcher total = TOTAL.matcher(line);
            if (row.matches()) {
                Row r = new Row(sourceName(row.group(3)), Long.parseLong(row.group(1)), Long.parseLong(row.group(2)),
                        row.group(4) == null ? "" : row.group(4));
                rows.add(r);
                byName.merge(r.name(), r, (a, b) ->
                        new Row(a.name(), a.instances() + b.instances(), a.bytes() + b.bytes(), a.module()));
            } else if (total.matches()) {
                if (totalInstances >= 0) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": a second Total line");
                }
                totalInstances = Long.parseLong(total.group(1));
                totalBytes = Long.parseLong(total.group(2));
            } else if (!line.isBlank() && !HEADER.matcher(line).matches() && !RULE.matcher(line).matches()) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a class histogram line: " + line);
            }
        }
        if (totalInstances < 0) {
            throw new IllegalArgumentException("no Total line: the histogram is cut short");
        }
        return new JvmHistogram(Collections.unmodifiableList(rows), Collections.unmodifiableMap(byName),
                totalInstances, totalBytes);
    }

    /**
     * The Java source form of a name as the histogram prints it: array descriptors become {@code T[]...};
     * anything else is returned unchanged.
     */
    public static String sourceName(String printed) {
        int dims = 0;
        while (dims < printed.length() && printed.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return printed;
        }
        String element = printed.substring(dims);
        String base;
        if (element.length() == 1) {
            base = switch (element.charAt(0)) {
                case 'Z' -> "boolean";
                case 'B' -> "byte";
                case 'C' -> "char";
                case 'S' -> "short";
                case 'I' -> "int";
                case 'F' -> "float";
                case 'J' -> "long";
                case 'D' -> "double";
                default -> throw new IllegalArgumentException("not an array type: " + printed);
            };
        } else if (element.startsWith("L") && element.endsWith(";")) {
            base = element.substring(1, element.length() - 1);
        } else {
            throw new IllegalArgumentException("not an array type: " + printed);
        }
        return base + "[]".repeat(dims);
    }

    /** Every row in the order printed (largest bytes first), one per class: a name can occur more than once. */
    public List<Row> rows() {
        return rows;
    }

    /** Rows by source name; classes of one name from several loaders are added into one row. */
    public Map<String, Row> byName() {
        return byName;
    }

    /** Instances of the classes named {@code name}, 0 if the histogram has none. */
    public long instances(String name) {
        Row r = byName.get(name);
        return r == null ? 0 : r.instances();
    }

    /** Bytes of the classes named {@code name}, 0 if the histogram has none. */
    public long bytes(String name) {
        Row r = byName.get(name);
        return r == null ? 0 : r.bytes();
    }

    /** The Total line's instance count. */
    public long totalInstances() {
        return totalInstances;
    }

    /** The Total line's byte count. */
    public long totalBytes() {
        return totalBytes;
    }
}
