package io.mapleak.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Builds HPROF files in memory for tests, including those no JVM writes on demand: 4-byte ids, old or
 * bad versions, several dumps in one file, cut-off and corrupt records, chunked gzip.
 *
 * <p>Two levels. Methods named after a record or sub-record append exactly that record, big-endian, at
 * the end of the file; {@link #u1}, {@link #u4}, {@link #id}, {@link #bytes} append anything else, so a
 * test can write any corruption. {@link Heap} builds a whole dump from classes and objects, allocates
 * ids and writes the names and LOAD_CLASS records itself. The writer checks only what would make its own
 * output ambiguous: record nesting and ids that do not fit the id size. Not thread-safe; the whole file
 * is held in memory.
 */
public final class HprofWriter {

    public static final String V101 = "JAVA PROFILE 1.0.1";
    public static final String V102 = "JAVA PROFILE 1.0.2";
    /** The timestamp the two-argument constructor writes (2023-11-14T22:13:20Z). */
    public static final long TIMESTAMP = 1_700_000_000_000L;

    // Top-level record tags.
    public static final int UTF8 = 0x01;
    public static final int LOAD_CLASS = 0x02;
    public static final int UNLOAD_CLASS = 0x03;
    public static final int STACK_FRAME = 0x04;
    public static final int STACK_TRACE = 0x05;
    public static final int START_THREAD = 0x0A;
    public static final int HEAP_DUMP = 0x0C;
    public static final int HEAP_DUMP_SEGMENT = 0x1C;
    public static final int HEAP_DUMP_END = 0x2C;

    // Basic types, as written in class dumps and primitive arrays.
    public static final int OBJECT = 2;
    public static final int BOOLEAN = 4;
    public static final int CHAR = 5;
    public static final int FLOAT = 6;
    public static final int DOUBLE = 7;
    public static final int BYTE = 8;
    public static final int SHORT = 9;
    public static final int INT = 10;
    public static final int LONG = 11;

    // Heap-dump sub-record tags.
    private static final int ROOT_UNKNOWN = 0xFF;
    private static final int ROOT_JNI_GLOBAL = 0x01;
    private static final int ROOT_JNI_LOCAL = 0x02;
    private static final int ROOT_JAVA_FRAME = 0x03;
    private static final int ROOT_NATIVE_STACK = 0x04;
    private static final int ROOT_STICKY_CLASS = 0x05;
    private static final int ROOT_THREAD_BLOCK = 0x06;
    private static final int ROOT_MONITOR_USED = 0x07;
    private static final int ROOT_THREAD_OBJECT = 0x08;
    private static final int CLASS_DUMP = 0x20;
    private static final int INSTANCE_DUMP = 0x21;
    private static final int OBJECT_ARRAY_DUMP = 0x22;
    private static final int PRIMITIVE_ARRAY_DUMP = 0x23;

    /** HotSpot's empty stack trace, which it names as the trace of every object and class. */
    private static final int HOTSPOT_TRACE = 1;
    private static final int RECORD_HEADER_SIZE = 9;
    // Leaves the headroom ArrayList leaves: some VMs reserve header words in an array.
    private static final int MAX_SIZE = Integer.MAX_VALUE - 8;

    private final String version;
    private final int idSize;
    private byte[] buf = new byte[4096];
    private int size;
    private long recordTime;
    private int openRecordStart = -1;
    private int openRecordTag;
    private final Map<String, Long> marks = new HashMap<>();
    private final Map<Long, Long> objectOffsets = new HashMap<>();
    private Heap heap;

    /** Writes the header: {@code version}, a NUL, u4 {@code idSize} (any value: 4 and 8 are the valid ones), u8 {@code timestampMillis}. */
    public HprofWriter(String version, int idSize, long timestampMillis) {
        this.version = version;
        this.idSize = idSize;
        bytes(version.getBytes(StandardCharsets.ISO_8859_1)).u1(0).u4(idSize).u8(timestampMillis);
    }

    /** Writes the header with {@link #TIMESTAMP}. */
    public HprofWriter(String version, int idSize) {
        this(version, idSize, TIMESTAMP);
    }

    private HprofWriter(int idSize) {
        this.version = null;
        this.idSize = idSize;
    }

    /** A writer that writes no header, for files whose first bytes the test writes itself; ids take {@code idSize} bytes. */
    public static HprofWriter headerless(int idSize) {
        return new HprofWriter(idSize);
    }

    /** The id size this writer writes ids with. */
    public int idSize() {
        return idSize;
    }

    /** Bytes a value of basic type {@code type} takes at this writer's id size. */
    public int sizeOf(int type) {
        return sizeOf(type, idSize);
    }

    // ---------------------------------------------------------------- raw writing

    /** Appends one byte (the low 8 bits of {@code v}). */
    public HprofWriter u1(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    /** Appends a big-endian u2 (the low 16 bits of {@code v}). */
    public HprofWriter u2(int v) {
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    /** Appends a big-endian u4; {@code v} is an int (−1 writes FFFFFFFF) or an unsigned value below 2³². */
    public HprofWriter u4(long v) {
        if (v < Integer.MIN_VALUE || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("not a u4: " + v);
        }
        ensure(4);
        putU4(size, v);
        size += 4;
        return this;
    }

    /** Appends a big-endian u8. */
    public HprofWriter u8(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[size++] = (byte) (v >>> shift);
        }
        return this;
    }

    /** Appends an id in the id size's width; with 4-byte ids it must lie in 0..2³²−1. */
    public HprofWriter id(long id) {
        if (idSize == 8) {
            return u8(id);
        }
        if (idSize == 4) {
            if (id < 0 || id > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("id 0x" + Long.toHexString(id) + " does not fit 4 bytes");
            }
            return u4(id);
        }
        throw new IllegalStateException("this writer's id size " + idSize + " cannot write ids");
    }

    /** Appends {@code b} as is. */
    public HprofWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
        return this;
    }

    /** Appends a value of its type's width (ids in the id size). */
    public HprofWriter value(Value v) {
        return switch (v.type()) {
            case OBJECT -> id(v.bits());
            case BOOLEAN, BYTE -> u1((int) v.bits());
            case CHAR, SHORT -> u2((int) v.bits());
            case FLOAT, INT -> u4((int) v.bits());
            default -> u8(v.bits()); // DOUBLE, LONG: Value allows no other type
        };
    }

    /** The bytes {@code values} take in an instance dump at this writer's id size, in the order given. */
    public byte[] encode(Value... values) {
        HprofWriter scratch = new HprofWriter(idSize);
        for (Value v : values) {
            scratch.value(v);
        }
        return scratch.toBytes();
    }

    // ---------------------------------------------------------------- offsets and output

    /** The offset the next byte will be written at. */
    public long position() {
        return size;
    }

    /** Remembers the current offset under {@code label}, for {@link #offsetOf}. */
    public HprofWriter mark(String label) {
        if (marks.putIfAbsent(label, (long) size) != null) {
            throw new IllegalArgumentException("mark already set: " + label);
        }
        return this;
    }

    /** The offset {@link #mark} remembered under {@code label}. */
    public long offsetOf(String label) {
        Long offset = marks.get(label);
        if (offset == null) {
            throw new IllegalArgumentException("no mark " + label + "; marks: " + marks.keySet());
        }
        return offset;
    }

    /** Offset of the tag byte of the last class, instance or array sub-record written for object {@code id}. */
    public long offsetOfObject(long id) {
        Long offset = objectOffsets.get(id);
        if (offset == null) {
            throw new IllegalArgumentException("no object 0x" + Long.toHexString(id) + " was written");
        }
        return offset;
    }

    /** The whole file; fails while a record is open (end it, or use {@link #bytesUpTo}). */
    public byte[] toBytes() {
        if (openRecordStart >= 0) {
            throw new IllegalStateException("record 0x" + Integer.toHexString(openRecordTag) + " at " + openRecordStart + " is still open");
        }
        return Arrays.copyOf(buf, size);
    }

    /** The first {@code offset} bytes, as a file cut off there; works with a record open (its length then reads 0). */
    public byte[] bytesUpTo(long offset) {
        if (offset < 0 || offset > size) {
            throw new IllegalArgumentException("offset " + offset + " outside 0.." + size);
        }
        return Arrays.copyOf(buf, (int) offset);
    }

    /** Writes {@link #toBytes()} to {@code file} and returns it. */
    public Path writeTo(Path file) throws IOException {
        Files.write(file, toBytes());
        return file;
    }

    // ---------------------------------------------------------------- top-level records

    /** Sets the u4 time field (µs since the header's timestamp) of the records begun from now on. */
    public HprofWriter timeOffset(long micros) {
        recordTime = micros;
        return this;
    }

    /** Begins a record: tag, time, and a length that {@link #endRecord()} fills in. */
    public HprofWriter beginRecord(int tag) {
        if (openRecordStart >= 0) {
            throw new IllegalStateException("record 0x" + Integer.toHexString(openRecordTag) + " at " + openRecordStart + " is still open");
        }
        int start = size;
        u1(tag).u4(recordTime).u4(0);
        openRecordStart = start;
        openRecordTag = tag;
        return this;
    }

    /** Ends the open record, writing its true body length. */
    public HprofWriter endRecord() {
        requireOpenRecord();
        return endRecord((long) size - openRecordStart - RECORD_HEADER_SIZE);
    }

    /** Ends the open record, writing {@code declaredLength} as its length whatever the body's (0 for "runs to end of file"). */
    public HprofWriter endRecord(long declaredLength) {
        requireOpenRecord();
        if (declaredLength < 0 || declaredLength > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("not a u4 length: " + declaredLength);
        }
        putU4(openRecordStart + 5, declaredLength);
        openRecordStart = -1;
        return this;
    }

    /** Writes a record of any tag with {@code body} as is. */
    public HprofWriter record(int tag, byte[] body) {
        return beginRecord(tag).bytes(body).endRecord();
    }

    /** UTF8 (0x01): id, then {@code text} in UTF-8 (HotSpot's modified UTF-8 differs only for NUL and beyond U+FFFF). */
    public HprofWriter utf8(long id, String text) {
        return utf8(id, text.getBytes(StandardCharsets.UTF_8));
    }

    /** UTF8 (0x01): id, then {@code bytes} as is. */
    public HprofWriter utf8(long id, byte[] bytes) {
        return beginRecord(UTF8).id(id).bytes(bytes).endRecord();
    }

    /** LOAD_CLASS (0x02): u4 class serial, class id, u4 stack trace serial, name id (of a UTF8 record). */
    public HprofWriter loadClass(int classSerial, long classId, int stackTraceSerial, long nameId) {
        return beginRecord(LOAD_CLASS).u4(classSerial).id(classId).u4(stackTraceSerial).id(nameId).endRecord();
    }

    /** UNLOAD_CLASS (0x03): u4 class serial. */
    public HprofWriter unloadClass(int classSerial) {
        return beginRecord(UNLOAD_CLASS).u4(classSerial).endRecord();
    }

    /** STACK_FRAME (0x04): frame id, method name id, signature id, source file id, u4 class serial, i4 line (−1 unknown, −2 compiled, −3 native). */
    public HprofWriter stackFrame(long frameId, long methodNameId, long signatureId, long sourceFileId, int classSerial, int line) {
        return beginRecord(STACK_FRAME).id(frameId).id(methodNameId).id(signatureId).id(sourceFileId)
                .u4(classSerial).u4(line).endRecord();
    }

    /** STACK_TRACE (0x05): u4 serial, u4 thread serial, u4 frame count, frame ids. */
    public HprofWriter stackTrace(int serial, int threadSerial, long... frameIds) {
        beginRecord(STACK_TRACE).u4(serial).u4(threadSerial).u4(frameIds.length);
        for (long frame : frameIds) {
            id(frame);
        }
        return endRecord();
    }

    /** START_THREAD (0x0A, old agent only): u4 thread serial, thread object id, u4 stack trace serial, name, group and parent group name ids. */
    public HprofWriter startThread(int threadSerial, long threadObjectId, int stackTraceSerial, long nameId, long groupNameId, long parentGroupNameId) {
        return beginRecord(START_THREAD).u4(threadSerial).id(threadObjectId).u4(stackTraceSerial)
                .id(nameId).id(groupNameId).id(parentGroupNameId).endRecord();
    }

    /** Begins a HEAP_DUMP (0x0C) record; write sub-records, then {@link #endRecord()}. */
    public HprofWriter beginHeapDump() {
        return beginRecord(HEAP_DUMP);
    }

    /** Begins a HEAP_DUMP_SEGMENT (0x1C) record; write sub-records, then {@link #endRecord()}. */
    public HprofWriter beginHeapDumpSegment() {
        return beginRecord(HEAP_DUMP_SEGMENT);
    }

    /** HEAP_DUMP_END (0x2C): a record of length 0 that closes a run of segments. */
    public HprofWriter heapDumpEnd() {
        return beginRecord(HEAP_DUMP_END).endRecord();
    }

    // ---------------------------------------------------------------- heap-dump sub-records (inside an open HEAP_DUMP or segment)

    /** Root, unknown (0xFF): id. */
    public HprofWriter rootUnknown(long id) {
        return sub(ROOT_UNKNOWN).id(id);
    }

    /** Root, JNI global (0x01): id, JNI global ref id. */
    public HprofWriter rootJniGlobal(long id, long jniRefId) {
        return sub(ROOT_JNI_GLOBAL).id(id).id(jniRefId);
    }

    /** Root, JNI local (0x02): id, u4 thread serial, u4 frame index (−1: none). */
    public HprofWriter rootJniLocal(long id, int threadSerial, int frame) {
        return sub(ROOT_JNI_LOCAL).id(id).u4(threadSerial).u4(frame);
    }

    /** Root, Java frame (0x03): id, u4 thread serial, u4 frame index (−1: none). */
    public HprofWriter rootJavaFrame(long id, int threadSerial, int frame) {
        return sub(ROOT_JAVA_FRAME).id(id).u4(threadSerial).u4(frame);
    }

    /** Root, native stack (0x04): id, u4 thread serial. */
    public HprofWriter rootNativeStack(long id, int threadSerial) {
        return sub(ROOT_NATIVE_STACK).id(id).u4(threadSerial);
    }

    /** Root, sticky (system) class (0x05): class id. */
    public HprofWriter rootStickyClass(long classId) {
        return sub(ROOT_STICKY_CLASS).id(classId);
    }

    /** Root, thread block (0x06): id, u4 thread serial. */
    public HprofWriter rootThreadBlock(long id, int threadSerial) {
        return sub(ROOT_THREAD_BLOCK).id(id).u4(threadSerial);
    }

    /** Root, monitor used (0x07): id. */
    public HprofWriter rootMonitorUsed(long id) {
        return sub(ROOT_MONITOR_USED).id(id);
    }

    /** Root, thread object (0x08): thread object id, u4 thread serial, u4 stack trace serial. */
    public HprofWriter rootThreadObject(long threadObjectId, int threadSerial, int stackTraceSerial) {
        return sub(ROOT_THREAD_OBJECT).id(threadObjectId).u4(threadSerial).u4(stackTraceSerial);
    }

    /** Class dump (0x20) with stack trace 1, no signers, no protection domain and no constant pool. */
    public HprofWriter classDump(long classId, long superId, long loaderId, int instanceSize, List<StaticField> statics, List<Field> fields) {
        return classDump(classId, HOTSPOT_TRACE, superId, loaderId, 0, 0, instanceSize, List.of(), statics, fields);
    }

    /**
     * Class dump (0x20): class id, u4 trace, super, loader, signers and protection domain ids, two zero
     * reserved ids, u4 instance size, then the constant pool, statics and instance field descriptors,
     * each as a u2 count and its entries.
     */
    public HprofWriter classDump(long classId, int stackTraceSerial, long superId, long loaderId, long signersId,
            long protectionDomainId, int instanceSize, List<ConstantPoolEntry> constantPool, List<StaticField> statics,
            List<Field> fields) {
        objectStarts(classId);
        sub(CLASS_DUMP).id(classId).u4(stackTraceSerial).id(superId).id(loaderId).id(signersId).id(protectionDomainId)
                .id(0).id(0).u4(instanceSize);
        u2(count(constantPool.size()));
        for (ConstantPoolEntry entry : constantPool) {
            u2(entry.index()).u1(entry.value().type()).value(entry.value());
        }
        u2(count(statics.size()));
        for (StaticField field : statics) {
            id(field.nameId()).u1(field.value().type()).value(field.value());
        }
        u2(count(fields.size()));
        for (Field field : fields) {
            id(field.nameId()).u1(field.type());
        }
        return this;
    }

    /** Instance dump (0x21): id, u4 trace, class id, u4 byte length, {@code fieldBytes} (see {@link #encode}). */
    public HprofWriter instanceDump(long id, int stackTraceSerial, long classId, byte[] fieldBytes) {
        objectStarts(id);
        return sub(INSTANCE_DUMP).id(id).u4(stackTraceSerial).id(classId).u4(fieldBytes.length).bytes(fieldBytes);
    }

    /** Object array dump (0x22): id, u4 trace, u4 length, array class id, element ids (0 for null). */
    public HprofWriter objectArray(long id, int stackTraceSerial, long arrayClassId, long... elements) {
        objectStarts(id);
        sub(OBJECT_ARRAY_DUMP).id(id).u4(stackTraceSerial).u4(elements.length).id(arrayClassId);
        for (long element : elements) {
            id(element);
        }
        return this;
    }

    /** Primitive array dump (0x23) of a {@code boolean[]}, {@code char[]}, {@code float[]}, {@code double[]}, {@code byte[]}, {@code short[]}, {@code int[]} or {@code long[]}. */
    public HprofWriter primitiveArray(long id, int stackTraceSerial, Object javaArray) {
        PrimitiveData data = PrimitiveData.of(javaArray);
        return primitiveArray(id, stackTraceSerial, data.type(), data.length(), data.bytes());
    }

    /** Primitive array dump (0x23) as given: id, u4 trace, u4 {@code length}, u1 {@code elementType}, {@code data}, consistent or not. */
    public HprofWriter primitiveArray(long id, int stackTraceSerial, int elementType, long length, byte[] data) {
        objectStarts(id);
        return sub(PRIMITIVE_ARRAY_DUMP).id(id).u4(stackTraceSerial).u4(length).u1(elementType).bytes(data);
    }

    // ---------------------------------------------------------------- values

    /** A typed value for a static, a constant pool entry or an instance field; {@code bits} holds the id or the raw bits. */
    public record Value(int type, long bits) {
        public Value {
            sizeOf(type, 8); // rejects anything but the nine basic types
        }

        public static Value ofObject(long id) {
            return new Value(OBJECT, id);
        }

        public static Value ofBoolean(boolean v) {
            return new Value(BOOLEAN, v ? 1 : 0);
        }

        public static Value ofChar(char v) {
            return new Value(CHAR, v);
        }

        public static Value ofFloat(float v) {
            return new Value(FLOAT, Float.floatToRawIntBits(v));
        }

        public static Value ofDouble(double v) {
            return new Value(DOUBLE, Double.doubleToRawLongBits(v));
        }

        public static Value ofByte(byte v) {
            return new Value(BYTE, v);
        }

        public static Value ofShort(short v) {
            return new Value(SHORT, v);
        }

        public static Value ofInt(int v) {
            return new Value(INT, v);
        }

        public static Value ofLong(long v) {
            return new Value(LONG, v);
        }

        /** The zero of {@code type}: null, false, 0. */
        public static Value zero(int type) {
            return new Value(type, 0);
        }
    }

    /** An instance field descriptor of a class dump: name id (of a UTF8 record) and basic type. */
    public record Field(long nameId, int type) {
    }

    /** A static field of a class dump: name id and value. */
    public record StaticField(long nameId, Value value) {
    }

    /** A constant pool entry of a class dump: u2 index and value. */
    public record ConstantPoolEntry(int index, Value value) {
    }

    /** How {@link Heap} writes class names. */
    public enum NameStyle {
        /** HotSpot: {@code java/lang/String}, {@code [Ljava/lang/String;}, {@code [I}. */
        JVM,
        /** The old JVMTI hprof agent: {@code java.lang.String}, {@code java.lang.String[]}, {@code int[]}. */
        HPROF_AGENT
    }

    // ---------------------------------------------------------------- heap builder

    /** The builder of this writer's heap dump; there is one per writer. */
    public Heap heap() {
        if (heap != null) {
            throw new IllegalStateException("this writer already has a heap");
        }
        heap = new Heap();
        return heap;
    }

    /**
     * Builds a dump from classes and objects, and writes it into the writer with {@link #write()}: first
     * UTF8 records for every name, LOAD_CLASS for every class, HotSpot's empty STACK_TRACE 1 and the
     * {@link #top} records, then the heap in one HEAP_DUMP_SEGMENT run ended by HEAP_DUMP_END (or, for a
     * {@code 1.0.1} header, one HEAP_DUMP record), holding sub-records in the order the calls were made.
     *
     * <p>Ids are allocated from 0x10000 by 16 ({@link #ids}), unless {@link #at} pins the next one. Names
     * are given in source form ({@code com.acme.Registry$Entry}, {@code int[]}, {@code java.lang.Object[]})
     * and written in the {@link NameStyle}. Objects and classes name stack trace 1, as HotSpot does.
     * Instance field bytes are laid out when written, so a class may be defined after its instances.
     */
    public final class Heap {
        private long nextId = 0x10000;
        private long stride = 16;
        private Long pinnedId;
        // Symbols live far from objects, as they do in metaspace, and still fit 4-byte ids.
        private long nextSymbol = 0xF000_0000L;
        private NameStyle style = NameStyle.JVM;
        private Boolean segments;
        private boolean basics;
        private boolean cutOff;
        private boolean written;
        private final Map<String, Long> symbols = new LinkedHashMap<>();
        private final List<ClassDef> classes = new ArrayList<>();
        private final Map<Long, ClassDef> classById = new HashMap<>();
        private final List<Consumer<HprofWriter>> topLevel = new ArrayList<>();
        private final List<Item> items = new ArrayList<>();

        private Heap() {
        }

        /** Allocates ids from {@code first} on, {@code stride} apart. */
        public Heap ids(long first, long stride) {
            this.nextId = first;
            this.stride = stride;
            return this;
        }

        /** Gives the next allocated object or class exactly {@code id}; the sequence of {@link #ids} is not advanced. */
        public Heap at(long id) {
            pinnedId = id;
            return this;
        }

        /** Allocates an id without writing anything, e.g. for an object referenced before it is written. */
        public long newId() {
            if (pinnedId != null) {
                long id = pinnedId;
                pinnedId = null;
                return id;
            }
            long id = nextId;
            nextId += stride;
            return id;
        }

        /** Writes class names in {@code style} (default {@link NameStyle#JVM}). */
        public Heap names(NameStyle style) {
            this.style = style;
            return this;
        }

        /** Writes HEAP_DUMP_SEGMENT runs ({@code true}) or HEAP_DUMP records; by default segments unless the header says 1.0.1. */
        public Heap segments(boolean segments) {
            this.segments = segments;
            return this;
        }

        /** The id of the UTF8 record holding {@code text}, written once in the preamble. */
        public long name(String text) {
            return symbols.computeIfAbsent(text, t -> {
                long id = nextSymbol;
                nextSymbol += 8;
                return id;
            });
        }

        /**
         * Defines JDK 17's {@code java.lang.Object}, {@code java.lang.Class} (its 15 instance fields),
         * {@code java.lang.String} ({@code hashIsZero}, {@code hash}, {@code coder}, {@code value}, in that
         * order as HotSpot writes them), {@code byte[]} and {@code java.lang.Object[]}, all bootstrap-loaded.
         */
        public Heap withJdkBasics() {
            if (basics) {
                throw new IllegalStateException("withJdkBasics() was already called");
            }
            basics = true;
            newClass("java.lang.Object").define();
            ClassBuilder mirror = newClass("java.lang.Class");
            for (String field : List.of("classValueMap", "annotationType", "annotationData", "enumConstantDirectory",
                    "enumConstants", "genericInfo")) {
                mirror.field(field, OBJECT);
            }
            mirror.field("classRedefinedCount", INT);
            for (String field : List.of("reflectionData", "componentType", "packageName", "classData", "classLoader",
                    "module", "name", "cachedConstructor")) {
                mirror.field(field, OBJECT);
            }
            mirror.define();
            newClass("java.lang.String").field("hashIsZero", BOOLEAN).field("hash", INT).field("coder", BYTE)
                    .field("value", OBJECT).define();
            newClass("byte[]").define();
            newClass("java.lang.Object[]").define();
            return this;
        }

        /** Starts a class named {@code sourceName}; nothing is written until {@link ClassBuilder#define()}. */
        public ClassBuilder newClass(String sourceName) {
            return new ClassBuilder(sourceName);
        }

        /** The id of the first class defined as {@code sourceName}. */
        public long classId(String sourceName) {
            for (ClassDef c : classes) {
                if (c.sourceName.equals(sourceName)) {
                    return c.id;
                }
            }
            throw new IllegalArgumentException("no class " + sourceName + " was defined");
        }

        /** The LOAD CLASS serial of the first class defined as {@code sourceName} (stack frames name it). */
        public int classSerial(String sourceName) {
            for (ClassDef c : classes) {
                if (c.sourceName.equals(sourceName)) {
                    return c.serial;
                }
            }
            throw new IllegalArgumentException("no class " + sourceName + " was defined");
        }

        /**
         * An instance of {@code classId}: {@code fields} maps a field name (the most-derived one wins; write
         * {@code owner#name} with the owner's source name for a shadowed one) to its value; unnamed fields are
         * zero. Returns the new object's id.
         */
        public long instance(long classId, Map<String, Value> fields) {
            long id = newId();
            addInstance(id, classId, fields);
            return id;
        }

        /** An instance of {@code classId} whose field bytes are exactly {@code fieldBytes}. Returns its id. */
        public long instanceRaw(long classId, byte[] fieldBytes) {
            long id = newId();
            byte[] copy = fieldBytes.clone();
            items.add(new Emit(w -> w.instanceDump(id, HOTSPOT_TRACE, classId, copy)));
            return id;
        }

        /**
         * A JDK 9+ {@code java.lang.String} of {@code text}: Latin-1 ({@code coder} 0) when every char fits a
         * byte, otherwise UTF-16 little-endian, as on x86 ({@code coder} 1), with its {@code byte[]} value
         * written right after it. Returns the string's id.
         */
        public long string(String text) {
            long stringClass = classId("java.lang.String");
            long id = newId();
            boolean latin1 = text.chars().allMatch(c -> c <= 0xFF);
            byte[] value = text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_16LE);
            long valueId = newId();
            addInstance(id, stringClass, Map.of("value", Value.ofObject(valueId), "coder", Value.ofByte((byte) (latin1 ? 0 : 1))));
            items.add(new Emit(w -> w.primitiveArray(valueId, HOTSPOT_TRACE, value)));
            return id;
        }

        /** An object array of class {@code arrayClassId} holding {@code elements}. Returns its id. */
        public long objectArray(long arrayClassId, long... elements) {
            long id = newId();
            long[] copy = elements.clone();
            items.add(new Emit(w -> w.objectArray(id, HOTSPOT_TRACE, arrayClassId, copy)));
            return id;
        }

        /** A primitive array of {@code javaArray}'s type and contents (e.g. {@code new int[] {1, 2}}). Returns its id. */
        public long primitiveArray(Object javaArray) {
            long id = newId();
            PrimitiveData data = PrimitiveData.of(javaArray);
            items.add(new Emit(w -> w.primitiveArray(id, HOTSPOT_TRACE, data.type(), data.length(), data.bytes())));
            return id;
        }

        /** Sticky-class roots, here, for every non-array bootstrap class defined so far, as HotSpot writes them. */
        public Heap stickyClassRoots() {
            List<Long> ids = classes.stream().filter(c -> c.loaderId == 0 && !c.sourceName.endsWith("[]")).map(c -> c.id).toList();
            items.add(new Emit(w -> ids.forEach(w::rootStickyClass)));
            return this;
        }

        /** Runs {@code subRecords} on the writer here, inside the heap dump: roots, raw bytes, anything. */
        public Heap add(Consumer<HprofWriter> subRecords) {
            items.add(new Emit(subRecords));
            return this;
        }

        /** Runs {@code records} on the writer in the preamble, after the LOAD_CLASS records: frames, traces, unknown tags. */
        public Heap top(Consumer<HprofWriter> records) {
            topLevel.add(records);
            return this;
        }

        /** Marks the writer's offset here under {@code label}. */
        public Heap mark(String label) {
            items.add(new Emit(w -> w.mark(label)));
            return this;
        }

        /** Ends the current HEAP_DUMP_SEGMENT here and begins another in the same dump. */
        public Heap splitSegment() {
            items.add(new Split());
            return this;
        }

        /** Ends this dump here (HEAP_DUMP_END, or the end of the HEAP_DUMP record) and begins another, repeating every class defined so far. */
        public Heap nextDump() {
            items.add(new NextDump(List.copyOf(classes)));
            return this;
        }

        /** Leaves the last heap record with length 0 and writes no HEAP_DUMP_END, as a writer killed mid-dump does. */
        public Heap cutOff() {
            cutOff = true;
            return this;
        }

        /**
         * Writes the preamble and the dumps into the writer and returns it. Marks {@code "dump N"} where dump N
         * (from 0) starts, {@code "segment N"} where each heap record starts (counted over the whole file) and
         * {@code "end N"} at dump N's HEAP_DUMP_END.
         */
        public HprofWriter write() {
            if (written) {
                throw new IllegalStateException("the heap was already written");
            }
            written = true;
            boolean useSegments = segments != null ? segments : !V101.equals(version);
            // Defining a class allocates its names, so the symbol table is complete only now.
            symbols.forEach((text, id) -> utf8(id, text));
            for (ClassDef c : classes) {
                loadClass(c.serial, c.id, HOTSPOT_TRACE, c.nameId);
            }
            stackTrace(HOTSPOT_TRACE, 0);
            topLevel.forEach(action -> action.accept(HprofWriter.this));

            int dump = 0;
            int record = 0;
            HprofWriter.this.mark("dump 0");
            beginHeapRecord(useSegments, record++);
            for (Item item : items) {
                if (item instanceof Emit emit) {
                    emit.action().accept(HprofWriter.this);
                } else if (item instanceof Split) {
                    if (!useSegments) {
                        throw new IllegalStateException("a 1.0.1 heap has no segments to split; use nextDump()");
                    }
                    endRecord();
                    beginHeapRecord(true, record++);
                } else if (item instanceof NextDump next) {
                    endDump(useSegments, dump);
                    dump++;
                    HprofWriter.this.mark("dump " + dump);
                    beginHeapRecord(useSegments, record++);
                    next.classes().forEach(this::writeClassDump);
                }
            }
            if (cutOff) {
                endRecord(0);
            } else {
                endDump(useSegments, dump);
            }
            return HprofWriter.this;
        }

        private void beginHeapRecord(boolean useSegments, int record) {
            HprofWriter.this.mark("segment " + record);
            beginRecord(useSegments ? HEAP_DUMP_SEGMENT : HEAP_DUMP);
        }

        private void endDump(boolean useSegments, int dump) {
            endRecord();
            if (useSegments) {
                HprofWriter.this.mark("end " + dump);
                heapDumpEnd();
            }
        }

        private void addInstance(long id, long classId, Map<String, Value> fields) {
            Map<String, Value> copy = Map.copyOf(fields);
            items.add(new Emit(w -> w.instanceDump(id, HOTSPOT_TRACE, classId, w.encode(layout(classId, copy)))));
        }

        /** The instance's field values: its class's fields first, then each superclass's, each in descriptor order. */
        private Value[] layout(long classId, Map<String, Value> values) {
            List<ClassDef> owners = new ArrayList<>();
            List<FieldDef> slots = new ArrayList<>();
            for (ClassDef c : hierarchy(classId)) {
                for (FieldDef f : c.fields) {
                    owners.add(c);
                    slots.add(f);
                }
            }
            Value[] result = new Value[slots.size()];
            for (Map.Entry<String, Value> entry : values.entrySet()) {
                String key = entry.getKey();
                int hash = key.indexOf('#');
                String owner = hash < 0 ? null : key.substring(0, hash);
                String name = key.substring(hash + 1);
                int slot = -1;
                for (int i = 0; i < slots.size() && slot < 0; i++) {
                    if (slots.get(i).name.equals(name) && (owner == null || owners.get(i).sourceName.equals(owner))) {
                        slot = i;
                    }
                }
                if (slot < 0) {
                    throw new IllegalArgumentException("class 0x" + Long.toHexString(classId) + " has no field " + key);
                }
                if (slots.get(slot).type != entry.getValue().type()) {
                    throw new IllegalArgumentException("field " + key + " has type " + slots.get(slot).type
                            + ", value has type " + entry.getValue().type());
                }
                result[slot] = entry.getValue();
            }
            for (int i = 0; i < result.length; i++) {
                if (result[i] == null) {
                    result[i] = Value.zero(slots.get(i).type);
                }
            }
            return result;
        }

        private int instanceSize(ClassDef c) {
            if (c.instanceSize != null) {
                return c.instanceSize;
            }
            // HPROF's instance size covers inherited fields too: it is the instance dump's byte length.
            int total = 0;
            for (ClassDef k : hierarchy(c.id)) {
                for (FieldDef f : k.fields) {
                    total += sizeOf(f.type);
                }
            }
            return total;
        }

        /** The class and its defined superclasses, most-derived first; stops at an undefined one or a cycle. */
        private List<ClassDef> hierarchy(long classId) {
            List<ClassDef> chain = new ArrayList<>();
            for (ClassDef c = classById.get(classId); c != null && !chain.contains(c); c = c.superId == 0 ? null : classById.get(c.superId)) {
                chain.add(c);
            }
            return chain;
        }

        private void writeClassDump(ClassDef c) {
            List<Field> fields = c.fields.stream().map(f -> new Field(f.nameId, f.type)).toList();
            classDump(c.id, HOTSPOT_TRACE, c.superId, c.loaderId, 0, 0, instanceSize(c), c.constantPool, c.statics, fields);
        }

        private String writtenName(String sourceName) {
            if (style == NameStyle.HPROF_AGENT) {
                return sourceName;
            }
            return sourceName.endsWith("[]") ? descriptor(sourceName) : sourceName.replace('.', '/');
        }

        /**
         * Defines one class: its name, superclass, loader, fields, statics and constant pool. Nothing is
         * written until {@link #define()}.
         */
        public final class ClassBuilder {
            private final String sourceName;
            private Long superId;
            private long loaderId;
            private Integer instanceSize;
            private final List<FieldDef> fields = new ArrayList<>();
            private final List<StaticField> statics = new ArrayList<>();
            private final List<ConstantPoolEntry> constantPool = new ArrayList<>();

            private ClassBuilder(String sourceName) {
                this.sourceName = sourceName;
            }

            /** The superclass (0: none); by default {@code java.lang.Object} if defined by then, else 0. */
            public ClassBuilder superclass(long superId) {
                this.superId = superId;
                return this;
            }

            /** The class loader object (default 0, the bootstrap loader). */
            public ClassBuilder loader(long loaderId) {
                this.loaderId = loaderId;
                return this;
            }

            /** Adds an instance field descriptor; descriptors are written, and instances laid out, in call order. */
            public ClassBuilder field(String name, int type) {
                sizeOf(type, 8);
                fields.add(new FieldDef(name, name(name), type));
                return this;
            }

            /** Adds a static field, written in the class dump. */
            public ClassBuilder staticField(String name, Value value) {
                statics.add(new StaticField(name(name), value));
                return this;
            }

            /** Adds a constant pool entry, written in the class dump. */
            public ClassBuilder constant(int index, Value value) {
                constantPool.add(new ConstantPoolEntry(index, value));
                return this;
            }

            /** Writes {@code bytes} as the instance size instead of the sum of this class's and its superclasses' field sizes. */
            public ClassBuilder instanceSize(int bytes) {
                this.instanceSize = bytes;
                return this;
            }

            /** Allocates the class id, adds the name and LOAD_CLASS to the preamble and the class dump here. Returns the id. */
            public long define() {
                long id = newId();
                long superclass = superId != null ? superId
                        : sourceName.equals("java.lang.Object") ? 0 : objectClassOrZero();
                ClassDef def = new ClassDef(id, sourceName, name(writtenName(sourceName)), classes.size() + 1, superclass,
                        loaderId, instanceSize, List.copyOf(fields), List.copyOf(statics), List.copyOf(constantPool));
                classes.add(def);
                classById.putIfAbsent(id, def);
                items.add(new Emit(w -> writeClassDump(def)));
                return id;
            }

            private long objectClassOrZero() {
                for (ClassDef c : classes) {
                    if (c.sourceName.equals("java.lang.Object")) {
                        return c.id;
                    }
                }
                return 0;
            }
        }
    }

    private record ClassDef(long id, String sourceName, long nameId, int serial, long superId, long loaderId,
            Integer instanceSize, List<FieldDef> fields, List<StaticField> statics, List<ConstantPoolEntry> constantPool) {
    }

    private record FieldDef(String name, long nameId, int type) {
    }

    private sealed interface Item permits Emit, Split, NextDump {
    }

    private record Emit(Consumer<HprofWriter> action) implements Item {
    }

    private record Split() implements Item {
    }

    private record NextDump(List<ClassDef> classes) implements Item {
    }

    /** A Java primitive array as HPROF's element type, element count and big-endian bytes. */
    private record PrimitiveData(int type, int length, byte[] bytes) {
        static PrimitiveData of(Object array) {
            HprofWriter w = new HprofWriter(8);
            if (array instanceof boolean[] a) {
                for (boolean v : a) {
                    w.u1(v ? 1 : 0);
                }
                return new PrimitiveData(BOOLEAN, a.length, w.toBytes());
            } else if (array instanceof char[] a) {
                for (char v : a) {
                    w.u2(v);
                }
                return new PrimitiveData(CHAR, a.length, w.toBytes());
            } else if (array instanceof float[] a) {
                for (float v : a) {
                    w.u4(Float.floatToRawIntBits(v));
                }
                return new PrimitiveData(FLOAT, a.length, w.toBytes());
            } else if (array instanceof double[] a) {
                for (double v : a) {
                    w.u8(Double.doubleToRawLongBits(v));
                }
                return new PrimitiveData(DOUBLE, a.length, w.toBytes());
            } else if (array instanceof byte[] a) {
                return new PrimitiveData(BYTE, a.length, a.clone());
            } else if (array instanceof short[] a) {
                for (short v : a) {
                    w.u2(v);
                }
                return new PrimitiveData(SHORT, a.length, w.toBytes());
            } else if (array instanceof int[] a) {
                for (int v : a) {
                    w.u4(v);
                }
                return new PrimitiveData(INT, a.length, w.toBytes());
            } else if (array instanceof long[] a) {
                for (long v : a) {
                    w.u8(v);
                }
                return new PrimitiveData(LONG, a.length, w.toBytes());
            }
            throw new IllegalArgumentException("not a primitive array: " + (array == null ? null : array.getClass()));
        }
    }

    // ---------------------------------------------------------------- gzip

    /** {@code data} as one gzip member, as {@code gzip} or {@link GZIPOutputStream} writes it. */
    public static byte[] gzipPlain(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /**
     * {@code data} as {@code jcmd GC.heap_dump -gz=1} writes it: independent gzip members of
     * {@code blockSize} uncompressed bytes (the last one fewer), the first with the header comment
     * {@code HPROF BLOCKSIZE=<blockSize>}.
     */
    public static byte[] gzipChunked(byte[] data, int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("block size " + blockSize);
        }
        int members = Math.max(1, (data.length + blockSize - 1) / blockSize);
        int[] lengths = new int[members];
        for (int i = 0; i < members; i++) {
            lengths[i] = Math.min(blockSize, data.length - i * blockSize);
        }
        return gzipChunked(data, blockSize, 1, lengths, 1);
    }

    /**
     * {@code data} as independent gzip members of the given uncompressed lengths (which must add up to
     * {@code data.length}), deflated at {@code level}; the first {@code commentedMembers} carry the comment
     * {@code HPROF BLOCKSIZE=<blockSize>}. Seen from JDK 17's {@code jcmd GC.heap_dump -gz=1}: the first
     * two members commented, and a member of 1048481 bytes (block size 1048576) ending mid-file where a
     * HEAP_DUMP_SEGMENT begins.
     */
    public static byte[] gzipChunked(byte[] data, int blockSize, int level, int[] memberLengths, int commentedMembers) {
        long total = Arrays.stream(memberLengths).asLongStream().sum();
        if (total != data.length || Arrays.stream(memberLengths).anyMatch(n -> n < 0)) {
            throw new IllegalArgumentException("member lengths " + Arrays.toString(memberLengths) + " do not cover " + data.length + " bytes");
        }
        byte[] comment = ("HPROF BLOCKSIZE=" + blockSize).getBytes(StandardCharsets.US_ASCII);
        // zlib's XFL: 2 for the best compression, 4 for the fastest, 0 otherwise.
        int extraFlags = level == 9 ? 2 : level == 0 || level == 1 ? 4 : 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(level, true);
        byte[] chunk = new byte[64 * 1024];
        CRC32 crc = new CRC32();
        try {
            int offset = 0;
            for (int i = 0; i < memberLengths.length; i++) {
                int length = memberLengths[i];
                boolean commented = i < commentedMembers;
                // ID1 ID2 CM FLG MTIME(4) XFL OS. HotSpot's zlib writes OS 0 when given a header with the
                // comment (a zeroed gz_header) and 3 (Unix) when it writes its own.
                out.write(0x1f);
                out.write(0x8b);
                out.write(Deflater.DEFLATED);
                out.write(commented ? 0x10 : 0);
                out.write(new byte[4], 0, 4);
                out.write(extraFlags);
                out.write(commented ? 0 : 3);
                if (commented) {
                    out.write(comment, 0, comment.length);
                    out.write(0);
                }
                deflater.reset();
                deflater.setInput(data, offset, length);
                deflater.finish();
                while (!deflater.finished()) {
                    out.write(chunk, 0, deflater.deflate(chunk));
                }
                crc.reset();
                crc.update(data, offset, length);
                writeLittleEndian32(out, crc.getValue());
                writeLittleEndian32(out, length); // ISIZE: the length modulo 2^32
                offset += length;
            }
        } finally {
            deflater.end();
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- internals

    private static void writeLittleEndian32(ByteArrayOutputStream out, long v) {
        for (int shift = 0; shift < 32; shift += 8) {
            out.write((int) (v >>> shift) & 0xFF);
        }
    }

    private static int sizeOf(int type, int idSize) {
        return switch (type) {
            case OBJECT -> idSize;
            case BOOLEAN, BYTE -> 1;
            case CHAR, SHORT -> 2;
            case FLOAT, INT -> 4;
            case DOUBLE, LONG -> 8;
            default -> throw new IllegalArgumentException("not a basic type: " + type);
        };
    }

    private static int count(int n) {
        if (n > 0xFFFF) {
            throw new IllegalArgumentException("a class dump holds at most 65535 entries of a kind, not " + n);
        }
        return n;
    }

    private HprofWriter sub(int tag) {
        if (openRecordStart < 0 || (openRecordTag != HEAP_DUMP && openRecordTag != HEAP_DUMP_SEGMENT)) {
            throw new IllegalStateException("sub-record 0x" + Integer.toHexString(tag) + " outside a HEAP_DUMP or segment");
        }
        return u1(tag);
    }

    private void objectStarts(long id) {
        objectOffsets.put(id, (long) size);
    }

    private void requireOpenRecord() {
        if (openRecordStart < 0) {
            throw new IllegalStateException("no record is open");
        }
    }

    private void putU4(int at, long v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    private void ensure(int n) {
        long needed = (long) size + n;
        if (needed > MAX_SIZE) {
            throw new IllegalStateException("an HprofWriter holds at most " + MAX_SIZE + " bytes");
        }
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(MAX_SIZE, Math.max(needed, 2L * buf.length)));
        }
    }

    /** Java-descriptor form of an array's source name: {@code int[][]} → {@code [[I}, {@code a.B[]} → {@code [La/B;}. */
    private static String descriptor(String sourceName) {
        if (sourceName.endsWith("[]")) {
            return "[" + descriptor(sourceName.substring(0, sourceName.length() - 2));
        }
        return switch (sourceName) {
            case "boolean" -> "Z";
            case "char" -> "C";
            case "float" -> "F";
            case "double" -> "D";
            case "byte" -> "B";
            case "short" -> "S";
            case "int" -> "I";
            case "long" -> "J";
            default -> "L" + sourceName.replace('.', '/') + ";";
        };
    }
}
