package io.mapleak.heap;

import io.mapleak.hprof.BasicType;
import java.util.Locale;

/**
 * How the JVM that wrote the dump laid out objects, which HPROF does not record: object header bytes,
 * reference (oop) size, object alignment, and which field-layout algorithm placed the fields (JDK 15+ fills
 * gaps, including gaps left by superclasses; older JDKs group fields by size). Either inferred from the dump
 * ({@code inferred}) or given with {@code --layout}.
 */
public record Layout(int headerBytes, int referenceBytes, int alignment, FieldStyle fieldStyle, boolean inferred) {

    /** Field placement algorithm. */
    public enum FieldStyle {
        /** JDK 15 and later: fields fill any gap, largest first, references last. */
        MODERN,
        /** JDK 14 and earlier: fields grouped by size after the superclass's fields. */
        LEGACY
    }

    public static final Layout JDK17_DEFAULT = new Layout(12, 4, 8, FieldStyle.MODERN, false);

    public boolean compressedOops() {
        return referenceBytes == 4;
    }

    /** JDK 24+ compact object headers (8-byte header) on a 64-bit JVM. */
    public boolean compactHeaders() {
        return headerBytes == 8 && fieldStyle == FieldStyle.MODERN;
    }

    /** Where an array's length sits: right after the header. */
    public int arrayLengthOffset() {
        return headerBytes;
    }

    /**
     * Offset of element 0. Up to JDK 21 the element base is word-aligned (16 with a 12-byte header, 24 with 16);
     * with compact headers (JDK 24+, where JDK 22's relaxed array alignment applies) it follows the length field
     * directly, aligned only to the element size for 8-byte elements.
     */
    public int arrayBaseOffset(int elementSize) {
        int afterLength = arrayLengthOffset() + 4;
        if (compactHeaders() || headerBytes == 8) {
            return elementSize == 8 ? align(afterLength, 8) : afterLength;
        }
        return align(afterLength, 8);
    }

    /** Shallow size of an array of {@code length} elements of {@code elementType} (a {@link BasicType} code). */
    public long arraySize(int elementType, long length) {
        int elementSize = elementType == BasicType.OBJECT ? referenceBytes : BasicType.primitiveSize(elementType);
        return alignObject(arrayBaseOffset(elementSize) + length * elementSize);
    }

    public long alignObject(long bytes) {
        long a = alignment;
        return (bytes + a - 1) / a * a;
    }

    static int align(int value, int to) {
        return (value + to - 1) / to * to;
    }

    /** One line for reports: "compressed oops, 12-byte headers, 8-byte alignment (inferred)". */
    public String describe() {
        String header = compactHeaders() ? "compact 8-byte headers" : headerBytes + "-byte headers";
        return String.format(Locale.ROOT, "%s, %s, %d-byte alignment, %s field layout (%s)",
                compressedOops() ? "compressed oops" : referenceBytes + "-byte references", header, alignment,
                fieldStyle == FieldStyle.MODERN ? "JDK 15+" : "JDK 8-14", inferred ? "inferred" : "given");
    }

    /**
     * Parses {@code --layout}: a preset ({@code jdk17}, {@code jdk17-nocoops}, {@code jdk25-compact},
     * {@code jdk8}, {@code jdk8-nocoops}) or {@code key=value} pairs separated by commas ({@code header=12,
     * oop=4,align=8,fields=modern}); keys not given keep the preset/default values.
     */
    public static Layout parse(String spec) {
        Layout base = JDK17_DEFAULT;
        int header = base.headerBytes;
        int oop = base.referenceBytes;
        int align = base.alignment;
        FieldStyle style = base.fieldStyle;
        for (String part : spec.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            switch (p) {
                case "jdk17", "jdk21", "jdk25", "coops" -> {
                    header = 12;
                    oop = 4;
                    style = FieldStyle.MODERN;
                }
                case "jdk17-nocoops", "jdk21-nocoops", "jdk25-nocoops", "nocoops" -> {
                    header = 12;
                    oop = 8;
                    style = FieldStyle.MODERN;
                }
                case "jdk25-compact", "compact" -> {
                    header = 8;
                    oop = 4;
                    style = FieldStyle.MODERN;
                }
                case "jdk8", "jdk11" -> {
                    header = 12;
                    oop = 4;
                    style = FieldStyle.LEGACY;
                }
                case "jdk8-nocoops", "jdk11-nocoops" -> {
                    header = 16;
                    oop = 8;
                    style = FieldStyle.LEGACY;
                }
                default -> {
                    int eq = p.indexOf('=');
                    if (eq < 0) {
                        throw new IllegalArgumentException("unknown layout '" + part.trim()
                                + "' (try jdk17, jdk17-nocoops, jdk25-compact, jdk8, or header=12,oop=4,align=8)");
                    }
                    String key = p.substring(0, eq);
                    String value = p.substring(eq + 1);
                    switch (key) {
                        case "header" -> header = intIn(key, value, 4, 32);
                        case "oop", "ref", "reference" -> oop = intIn(key, value, 4, 8);
                        case "align", "alignment" -> align = intIn(key, value, 4, 256);
                        case "fields" -> style = switch (value) {
                            case "modern", "jdk15" -> FieldStyle.MODERN;
                            case "legacy", "jdk8" -> FieldStyle.LEGACY;
                            default -> throw new IllegalArgumentException("fields= takes modern or legacy");
                        };
                        default -> throw new IllegalArgumentException("unknown layout key '" + key + "'");
                    }
                }
            }
        }
        if (oop != 4 && oop != 8) {
            throw new IllegalArgumentException("oop= takes 4 or 8");
        }
        if (Integer.bitCount(align) != 1) {
            throw new IllegalArgumentException("align= takes a power of two");
        }
        return new Layout(header, oop, align, style, false);
    }

    private static int intIn(String key, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value);
            if (v < min || v > max) {
                throw new IllegalArgumentException(key + "= takes a number from " + min + " to " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "= takes a number, not '" + value + "'");
        }
    }
}
