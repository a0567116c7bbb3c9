package io.mapleak.heap;

import io.mapleak.hprof.BasicType;
import java.util.ArrayList;
import java.util.List;

/**
 * Where each instance field of a class sits in an HPROF instance record: the class's own fields first, then
 * each superclass's, in the dump's order. Names can repeat across levels (a subclass shadowing a field);
 * lookups by name find the most-derived one.
 */
final class FieldTable {
    final String[] names;
    final byte[] types;
    final int[] offsets;
    final String[] declaringClasses;
    final int recordBytes;

    private FieldTable(String[] names, byte[] types, int[] offsets, String[] declaring, int recordBytes) {
        this.names = names;
        this.types = types;
        this.offsets = offsets;
        this.declaringClasses = declaring;
        this.recordBytes = recordBytes;
    }

    static FieldTable of(List<ClassInfo> classes, int cls, int idSize) {
        List<String> names = new ArrayList<>();
        List<Byte> types = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        List<String> declaring = new ArrayList<>();
        int at = 0;
        int depth = 0;
        for (ClassInfo c = classes.get(cls); c != null && depth++ < 256;
                c = c.superIndex >= 0 ? classes.get(c.superIndex) : null) {
            for (int i = 0; i < c.fieldTypes.length; i++) {
                names.add(c.fieldNames[i]);
                types.add(c.fieldTypes[i]);
                offsets.add(at);
                declaring.add(c.name);
                at += BasicType.size(c.fieldTypes[i], idSize);
            }
        }
        byte[] t = new byte[types.size()];
        int[] o = new int[offsets.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = types.get(i);
            o[i] = offsets.get(i);
        }
        return new FieldTable(names.toArray(new String[0]), t, o, declaring.toArray(new String[0]), at);
    }

    /** Position of the most-derived field called {@code name}, or -1. */
    int find(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Packages whose classes map decoders read: their fields win over same-named fields of user subclasses. */
    private static final String[] LIBRARY_PREFIXES = {"java.", "javax.", "jdk.", "sun.", "com.google.common.",
        "com.github.benmanes.caffeine."};

    /**
     * {@link #findLibrary} by name, filled as names are asked for: decoders ask each map and node class for the same
     * few fields millions of times, and the search compares every field's name and declaring class.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> libraryPositions =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Position of the field called {@code name} that a JDK or library class declares, when one does, else of the
     * most-derived one; -1 for none.
     */
    int findLibrary(String name) {
        Integer known = libraryPositions.get(name);
        if (known != null) {
            return known;
        }
        int first = -1;
        int found = -1;
        for (int i = 0; i < names.length && found < 0; i++) {
            if (names[i].equals(name)) {
                if (first < 0) {
                    first = i;
                }
                for (String prefix : LIBRARY_PREFIXES) {
                    if (declaringClasses[i].startsWith(prefix)) {
                        found = i;
                        break;
                    }
                }
            }
        }
        int position = found >= 0 ? found : first;
        libraryPositions.put(name, position);
        return position;
    }
}
