package io.mapleak.heap;

import io.mapleak.hprof.BasicType;
import io.mapleak.hprof.Bytes;

/**
 * One instance's field values, read from the dump by {@link ObjectReader}. Fields are looked up by name, the
 * most-derived first; asking for a field the class does not have throws, so decoders that expect a field say
 * so loudly instead of reading garbage ({@link #has} checks first).
 */
public final class Instance {
    private final int object;
    private final ClassInfo cls;
    private final FieldTable table;
    private final byte[] data;
    private final int idSize;

    Instance(int object, ClassInfo cls, FieldTable table, byte[] data, int idSize) {
        this.object = object;
        this.cls = cls;
        this.table = table;
        this.data = data;
        this.idSize = idSize;
    }

    public int object() {
        return object;
    }

    public ClassInfo classInfo() {
        return cls;
    }

    public boolean has(String field) {
        return find(field) >= 0;
    }

    /** Names of all fields, own class first, with duplicates where a subclass shadows a field. */
    public java.util.List<String> fieldNames() {
        return java.util.List.of(table.names);
    }

    private int at(String field, int type) {
        int i = find(field);
        if (i < 0) {
            throw new IllegalArgumentException(cls.name() + " has no field " + field);
        }
        if (table.types[i] != type && !(type == BasicType.INT && table.types[i] == BasicType.FLOAT)) {
            throw new IllegalArgumentException(cls.name() + "." + field + " is not of type " + type);
        }
        int off = table.offsets[i];
        if (off + BasicType.size(type, idSize) > data.length) {
            throw new IllegalArgumentException(cls.name() + "." + field + " lies outside the record");
        }
        return off;
    }

    /** The object id held by a reference field (0 for null). */
    public long ref(String field) {
        return Bytes.id(data, at(field, BasicType.OBJECT), idSize);
    }

    /**
     * The object a reference field declared by {@code declaringClass} points to (-1 for null, absent, or no such
     * field): for fields a subclass shadows, such as {@code java.lang.Enum.name} under an enum's own {@code name}.
     */
    public int refIndexDeclaredIn(String declaringClass, String field) {
        for (int i = 0; i < table.names.length; i++) {
            if (table.names[i].equals(field) && table.declaringClasses[i].equals(declaringClass)
                    && table.types[i] == BasicType.OBJECT) {
                long id = refAt(table.offsets[i]);
                return id == 0 || index == null ? -1 : index.indexOf(id);
            }
        }
        return -1;
    }

    /**
     * A view of this instance where a field name resolves to the field a JDK or library class declares, when
     * one does, rather than the most-derived one: a user's {@code class Lru extends LinkedHashMap} that declares
     * its own {@code int size} must not be read as the map's size.
     */
    public Instance preferringLibraryFields() {
        if (preferLibrary) {
            return this;
        }
        Instance i = new Instance(object, cls, table, data, idSize);
        i.index = index;
        i.preferLibrary = true;
        return i;
    }

    private boolean preferLibrary;

    private int find(String field) {
        return preferLibrary ? table.findLibrary(field) : table.find(field);
    }

    /** The id stored at a byte offset of the record (for callers that walk a {@link FieldTable}). */
    long refAt(int offset) {
        return offset + idSize <= data.length ? Bytes.id(data, offset, idSize) : 0;
    }

    /** The type code of a field, or 0 if there is none of that name. */
    public int type(String field) {
        int i = find(field);
        return i < 0 ? 0 : table.types[i];
    }

    public int getInt(String field) {
        return Bytes.i4(data, at(field, BasicType.INT));
    }

    public long getLong(String field) {
        return Bytes.i8(data, at(field, BasicType.LONG));
    }

    public float getFloat(String field) {
        return Float.intBitsToFloat(Bytes.i4(data, at(field, BasicType.FLOAT)));
    }

    public double getDouble(String field) {
        return Double.longBitsToDouble(Bytes.i8(data, at(field, BasicType.DOUBLE)));
    }

    public byte getByte(String field) {
        return data[at(field, BasicType.BYTE)];
    }

    public boolean getBoolean(String field) {
        return data[at(field, BasicType.BOOLEAN)] != 0;
    }

    public short getShort(String field) {
        return Bytes.i2(data, at(field, BasicType.SHORT));
    }

    public char getChar(String field) {
        return (char) Bytes.u2(data, at(field, BasicType.CHAR));
    }

    /** Set by {@link #withIndex}: lets {@link #refIndex} resolve ids. */
    private HeapIndex index;

    Instance withIndex(HeapIndex index) {
        this.index = index;
        return this;
    }

    /** The index of the object a reference field points to, or -1 for null or an object not in the dump. */
    public int refIndex(String field) {
        long id = ref(field);
        return id == 0 || index == null ? -1 : index.indexOf(id);
    }
}
