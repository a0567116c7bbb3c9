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
}
