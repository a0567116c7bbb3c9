package io.mapleak.heap;

import io.mapleak.hprof.BasicType;
import io.mapleak.hprof.Bytes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads objects' contents from the dump file when asked: instance fields by name, strings, array elements.
 * Each call is one positional read of the object's record (no shared cursor), so it is safe across threads.
 * Maps, entries, keys and values are a small part of a heap; reading them on demand keeps the index small.
 */
public final class ObjectReader {
    private final HeapIndex index;
    private final int idSize;
    private final FieldTable[] tables;
    private final DumpPages mapped;

    ObjectReader(HeapIndex index, FileChannel channel) throws IOException {
        this.index = index;
        this.mapped = new DumpPages(channel);
        this.idSize = index.idSize;
        this.tables = new FieldTable[index.classes.size()];
    }

    /** Lets go of the threads' page caches (see {@link DumpPages#release}); the index calls it as it closes. */
    void release() {
        mapped.release();
    }

    /** The instance fields of {@code object}, or null if it is an array or a class mirror. */
    public Instance instance(int object) {
        ClassInfo c = index.classOf(object);
        if (c.isArray() || index.isMirror(object)) {
            return null;
        }
        long at = index.offset(object);
        int headBytes = 1 + 2 * idSize + 8;
        int expected = c.recordFieldBytes;
        if (expected >= 0 && at + headBytes + expected <= mapped.size()
                && mapped.getInt(at + headBytes - 4) == expected) {
            // The header's length confirms the class's record size: the fields read straight into their array.
            return new Instance(object, c, table(c.index), read(at + headBytes, expected), idSize).withIndex(index);
        }
        byte[] head = read(at, headBytes);
        int length = Bytes.i4(head, headBytes - 4);
        byte[] data = read(at + headBytes, length);
        return new Instance(object, c, table(c.index), data, idSize).withIndex(index);
    }

    /**
     * Where a field sits in instance records of class {@code classIndex}: an offset for {@link #intAt} and
     * {@link #idAt}, or -1 if the class has no field of that name and type. The most-derived field wins.
     */
    public int fieldOffset(int classIndex, String name, int type) {
        FieldTable t = table(classIndex);
        for (int i = 0; i < t.names.length; i++) {
            if (t.names[i].equals(name)) {
                return t.types[i] == type ? t.offsets[i] : -1;
            }
        }
        return -1;
    }

    /** Like {@link #fieldOffset}, preferring a field declared by a JDK or library class over a subclass's. */
    public int libraryFieldOffset(int classIndex, String name, int type) {
        return libraryFieldOffset(classIndex, name, type, null);
    }

    /**
     * {@link #libraryFieldOffset(int, String, int)}, leaving out a field that class {@code notDeclaredBy} declares
     * (Guava's weak map entries extend {@code java.lang.ref.Reference}, whose {@code next} links a reference queue:
     * the last entry of a bin has no {@code next} of its own).
     */
    public int libraryFieldOffset(int classIndex, String name, int type, String notDeclaredBy) {
        FieldTable t = table(classIndex);
        int first = -1;
        for (int i = 0; i < t.names.length; i++) {
            if (t.names[i].equals(name) && t.types[i] == type && !t.declaringClasses[i].equals(notDeclaredBy)) {
                if (first < 0) {
                    first = t.offsets[i];
                }
                String d = t.declaringClasses[i];
                if (d.startsWith("java.") || d.startsWith("com.google.common.")
                        || d.startsWith("com.github.benmanes.caffeine.")) {
                    return t.offsets[i];
                }
            }
        }
        return first;
    }

    /** The int field at {@code fieldOffset} of an instance, read through the thread's page cache (no copy). */
    public int intAt(int object, int fieldOffset) {
        return intAtFields(fieldsAt(object), fieldOffset);
    }

    /** Where an instance's field values start in the file: for several reads of one object's fields. */
    public long fieldsAt(int object) {
        return index.offset(object) + 1 + 2L * idSize + 8;
    }

    /** The int at {@code fieldOffset} of the instance whose fields start at {@code fields} ({@link #fieldsAt}). */
    public int intAtFields(long fields, int fieldOffset) {
        return mapped.getInt(fields + fieldOffset);
    }

    /** The reference at {@code fieldOffset} of the instance whose fields start at {@code fields}. */
    public long idAtFields(long fields, int fieldOffset) {
        long at = fields + fieldOffset;
        return idSize == 8 ? mapped.getLong(at) : mapped.getInt(at) & 0xFFFF_FFFFL;
    }

    /** The reference (an id, 0 for null) at {@code fieldOffset} of an instance, read straight from the file. */
    public long idAt(int object, int fieldOffset) {
        return idAtFields(fieldsAt(object), fieldOffset);
    }

    /**
     * Fills {@code out} (position to limit) with the dump's bytes from {@code position}, not through the thread's page
     * cache: for a reader that goes through a run of objects once, in file order. Stops early at the end of the dump.
     */
    public void readRun(long position, java.nio.ByteBuffer out) {
        mapped.readUncached(position, out);
    }

    /** Bytes of the (uncompressed) dump the objects are read from. */
    public long dumpSize() {
        return mapped.size();
    }

    /** Number of elements of an array object, or -1 if it is not an array. */
    public int arrayLength(int object) {
        if (!index.classOf(object).isArray()) {
            return -1;
        }
        long at = index.offset(object) + 1 + idSize + 4;
        if (at + 4 > mapped.size()) {
            throw new DamagedDumpException("an array at offset " + index.offset(object)
                    + " is cut off by the end of the dump (" + mapped.size() + ")");
        }
        return mapped.getInt(at); // no array allocated: asked for every table of every map
    }

    /** The element ids of an object array ({@code from}, at most {@code max} of them). */
    public long[] objectArray(int object, int from, int max) {
        ClassInfo c = index.classOf(object);
        if (c.arrayElementType() != BasicType.OBJECT) {
            throw new IllegalArgumentException(c.name() + " is not an object array");
        }
        int length = arrayLength(object);
        int n = Math.max(0, Math.min(max, length - from));
        long dataAt = index.offset(object) + 1 + idSize + 8 + idSize + (long) from * idSize;
        if (dataAt + (long) n * idSize > mapped.size()) {
            throw new DamagedDumpException("an object at offset " + index.offset(object) + " claims " + length
                    + " elements, past the end of the dump (" + mapped.size() + ")");
        }
        long[] out = new long[n];
        if (n <= SMALL_ARRAY) {
            // A small map's table, most of them: ids straight from the thread's page cache, no bytes copied first.
            for (int i = 0; i < n; i++) {
                long at = dataAt + (long) i * idSize;
                out[i] = idSize == 8 ? mapped.getLong(at) : mapped.getInt(at) & 0xFFFF_FFFFL;
            }
            return out;
        }
        // Read a piece at a time: the whole array's bytes beside the ids would double what a large table costs
        // (an 8-million-slot table: 64 MB of ids and 64 MB more of bytes).
        byte[] piece = new byte[Math.min(n, ARRAY_PIECE) * idSize];
        for (int i = 0; i < n; ) {
            int k = Math.min(n - i, ARRAY_PIECE);
            mapped.read(dataAt + (long) i * idSize, piece, 0, k * idSize);
            for (int j = 0; j < k; j++) {
                out[i + j] = Bytes.id(piece, j * idSize, idSize);
            }
            i += k;
        }
        return out;
    }

    /** Elements of an object array read one by one from the page cache, up to which no bytes are copied first. */
    private static final int SMALL_ARRAY = 64;

    /** Elements of an object array read at a time: 256 KB of 8-byte ids, read past the page cache (see DumpPages). */
    private static final int ARRAY_PIECE = 1 << 15;

    /** The raw big-endian bytes of a primitive array, at most {@code maxBytes}. */
    public byte[] primitiveArray(int object, int maxBytes) {
        ClassInfo c = index.classOf(object);
        int element = c.arrayElementType();
        if (element == 0 || element == BasicType.OBJECT) {
            throw new IllegalArgumentException(c.name() + " is not a primitive array");
        }
        int length = arrayLength(object);
        long bytes = (long) length * BasicType.primitiveSize(element);
        return read(index.offset(object) + 1 + idSize + 9, (int) Math.min(bytes, maxBytes));
    }

    /**
     * The text of a {@code java.lang.String}, decoded for JDK 6 ({@code char[]} + offset + count), 7-8
     * ({@code char[]}) and 9+ ({@code byte[]} + coder; UTF-16 in the JVM's byte order, recognised from the bytes);
     * at most {@code maxChars} characters. Null if the object is not a readable string.
     */
    public String string(int object, int maxChars) {
        Instance s = instance(object);
        if (s == null || !"java.lang.String".equals(s.classInfo().name())) {
            return null;
        }
        int value = s.refIndex("value");
        if (value < 0) {
            return s.ref("value") == 0 ? null : "";
        }
        ClassInfo array = index.classOf(value);
        if (array.arrayElementType() == BasicType.CHAR) {
            int offset = s.has("offset") ? s.getInt("offset") : 0;
            int count = s.has("count") ? s.getInt("count") : -1;
            int length = arrayLength(value);
            if (count < 0) {
                count = length - offset;
            }
            int n = Math.max(0, Math.min(count, Math.min(maxChars, length - offset)));
            byte[] b = read(index.offset(value) + 1 + idSize + 9 + 2L * offset, 2 * n);
            char[] chars = new char[n];
            for (int i = 0; i < n; i++) {
                chars[i] = (char) Bytes.u2(b, 2 * i);
            }
            return new String(chars);
        }
        if (array.arrayElementType() == BasicType.BYTE) {
            int coder = s.has("coder") ? s.getByte("coder") : 0;
            if (coder == 0) {
                byte[] b = primitiveArray(value, maxChars);
                return new String(b, StandardCharsets.ISO_8859_1);
            }
            byte[] b = primitiveArray(value, (int) Math.min(Integer.MAX_VALUE, 2L * maxChars));
            return utf16(b, bigEndianStrings());
        }
        return null;
    }

    /** 0 unknown, 1 little-endian, 2 big-endian: the byte order of UTF-16 strings in this dump. */
    private volatile int stringOrder;

    /**
     * The JVM's byte order for UTF-16 strings, as the dump records it: {@code java.lang.StringUTF16.HI_BYTE_SHIFT}
     * is 8 on big-endian JVMs and 0 on little-endian ones. Dumps without that class (JDK 8 and older keep
     * {@code char[]}) default to little-endian, the order of x86 and ARM.
     */
    private boolean bigEndianStrings() {
        int order = stringOrder;
        if (order == 0) {
            order = 1;
            for (ClassInfo c : index.classes) {
                if (c.loaderId == 0 && "java.lang.StringUTF16".equals(c.name)) {
                    for (int i = 0; i < c.staticCount(); i++) {
                        if ("HI_BYTE_SHIFT".equals(c.staticName(i)) && c.staticType(i) == BasicType.INT) {
                            order = c.staticValue(i) == 8 ? 2 : 1;
                        }
                    }
                }
            }
            stringOrder = order;
        }
        return order == 2;
    }

    /** Decodes UTF-16 bytes in the given byte order. */
    static String utf16(byte[] b, boolean bigEndian) {
        int n = b.length / 2;
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            int hi = b[2 * i + (bigEndian ? 0 : 1)] & 0xFF;
            int lo = b[2 * i + (bigEndian ? 1 : 0)] & 0xFF;
            chars[i] = (char) (hi << 8 | lo);
        }
        return new String(chars);
    }

    /**
     * How {@code holder} refers to {@code target}: a static field (holder is a class mirror), an instance field
     * (with the class that declares it), or an array slot; null if no stored reference is found (the implicit
     * reference to the class, or one the holder no longer shows, or a holder whose record the dump contradicts:
     * a path through a damaged object is still shown, without that step's field name). Reads the holder's record
     * (for arrays, at most the first {@code maxElements} elements), unless the index's reference slots already name
     * the field (see {@link #fieldFromSlots}).
     */
    public Link findLink(int holder, int target, int maxElements) {
        try {
            return link(holder, target, maxElements, true);
        } catch (DamagedDumpException e) {
            return null;
        }
    }

    /** {@link #findLink} always reading the holder's record, never answering from its reference slots (tests). */
    Link findLinkByReading(int holder, int target, int maxElements) {
        try {
            return link(holder, target, maxElements, false);
        } catch (DamagedDumpException e) {
            return null;
        }
    }

    private Link link(int holder, int target, int maxElements, boolean fromSlots) {
        ClassInfo mirrored = index.mirroredClass(holder);
        if (mirrored != null) {
            long targetId = index.id(target);
            for (int i = 0; i < mirrored.staticCount(); i++) {
                if (mirrored.staticType(i) == BasicType.OBJECT && mirrored.staticValue(i) == targetId) {
                    return new Link(Link.Kind.STATIC, mirrored.name(), mirrored.staticName(i), -1);
                }
            }
            if (mirrored.superIndex() >= 0 && index.classObject(mirrored.superIndex()) == target) {
                return new Link(Link.Kind.CLASS_INTERNAL, mirrored.name(), "<superclass>", -1);
            }
            if (mirrored.loaderId() == targetId) {
                return new Link(Link.Kind.CLASS_INTERNAL, mirrored.name(), "<classloader>", -1);
            }
            return new Link(Link.Kind.CLASS_INTERNAL, mirrored.name(), "<constant pool>", -1);
        }
        ClassInfo c = index.classOf(holder);
        if (c.arrayElementType() == BasicType.OBJECT) {
            long targetId = index.id(target);
            int length = arrayLength(holder);
            int chunk = 1 << 16;
            for (int from = 0; from < Math.min(length, maxElements); from += chunk) {
                long[] ids = objectArray(holder, from, Math.min(chunk, maxElements - from));
                for (int i = 0; i < ids.length; i++) {
                    if (ids[i] == targetId) {
                        return new Link(Link.Kind.ARRAY_ELEMENT, c.name(), null, from + i);
                    }
                }
            }
            return null;
        }
        if (c.isArray()) {
            return null;
        }
        if (index.classObject(c.index()) == target) {
            return new Link(Link.Kind.CLASS_INTERNAL, c.name(), "<class>", -1);
        }
        Link known = fromSlots ? fieldFromSlots(holder, c, target) : null;
        if (known != null) {
            return known;
        }
        long targetId = index.id(target);
        Instance inst = instance(holder);
        FieldTable t = table(c.index());
        for (int i = 0; i < t.names.length; i++) {
            if (t.types[i] == BasicType.OBJECT && inst.refAt(t.offsets[i]) == targetId) {
                return new Link(Link.Kind.FIELD, t.declaringClasses[i], t.names[i], -1);
            }
        }
        return null;
    }

    /**
     * The instance field of {@code holder} that refers to {@code target}, from the index's reference slots alone, or
     * null when they cannot tell (the caller then reads the record). The slots hold an instance's non-null references
     * in the order of its class's reference fields (the order of {@link FieldTable}'s object fields), so when every
     * reference field is set (as many slots as fields, none left empty by a reference to a missing object) slot k is
     * field k. A referent field is stored last, out of order: such classes are read. Grouping hundreds of thousands
     * of maps by owner asks this once a map; reading each holder's record was most of that.
     */
    private Link fieldFromSlots(int holder, ClassInfo c, int target) {
        int[] fields = c.referenceOffsets;
        if (fields == null || index.holdsReferent(c.index())) {
            return null;
        }
        int n = index.outboundCount(holder);
        if (n != fields.length) {
            return null;
        }
        long start = index.refStart(holder);
        int slot = -1;
        for (int k = 0; k < n; k++) {
            int w = index.reference(start + k);
            if (w < 0) {
                return null;
            }
            if (w == target && slot < 0) {
                slot = k;
            }
        }
        if (slot < 0) {
            return null;
        }
        FieldTable t = table(c.index());
        for (int i = 0, k = 0; i < t.names.length; i++) {
            if (t.types[i] == BasicType.OBJECT && k++ == slot) {
                return new Link(Link.Kind.FIELD, t.declaringClasses[i], t.names[i], -1);
            }
        }
        return null;
    }

    /** How one object refers to another: see {@link #findLink}. */
    public record Link(Kind kind, String declaringClass, String field, int arrayIndex) {
        /** What holds the reference. */
        public enum Kind { STATIC, FIELD, ARRAY_ELEMENT, CLASS_INTERNAL }
    }

    FieldTable table(int cls) {
        FieldTable t = tables[cls];
        if (t == null) {
            t = FieldTable.of(index.classes, cls, idSize);
            tables[cls] = t;
        }
        return t;
    }

    byte[] read(long position, int length) {
        if (length < 0 || position < 0 || position + length > mapped.size()) {
            // Checked before allocating: a damaged length must not become a huge allocation.
            throw new DamagedDumpException("an object at offset " + position + " claims " + length
                    + " bytes, past the end of the dump (" + mapped.size() + ")");
        }
        byte[] out = new byte[length];
        mapped.read(position, out, 0, length);
        return out;
    }
}
