package io.mapleak.heap;

import com.carrotsearch.hppc.IntObjectHashMap;
import com.carrotsearch.hppc.LongIntHashMap;
import com.carrotsearch.hppc.LongLongHashMap;
import com.carrotsearch.hppc.LongObjectHashMap;
import io.mapleak.hprof.BasicType;
import io.mapleak.hprof.ClassDump;
import io.mapleak.hprof.GcRootKind;
import io.mapleak.hprof.HprofReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything a dump says about classes, names, roots, threads and stack traces, gathered from the record
 * stream and resolved by {@link #finish}. Small next to the objects (one entry per class, root and string
 * record), so plain collections are fine here. Not thread-safe.
 */
final class ClassCatalog {
    private final int idSize;
    // UTF8 records: id -> slot; bytes kept raw and decoded on demand.
    private final LongIntHashMap utf8Slots = new LongIntHashMap();
    private byte[] utf8Bytes = new byte[1 << 16];
    private int utf8Used;
    private int[] utf8Start = new int[1024];
    private int[] utf8Length = new int[1024];
    private int utf8Count;

    private final LongLongHashMap classNameIds = new LongLongHashMap();
    private final IntObjectHashMap<Long> classSerials = new IntObjectHashMap<>();
    private final LongIntHashMap classIndexById = new LongIntHashMap();
    final List<ClassInfo> classes = new ArrayList<>();
    private final List<ClassDump> dumps = new ArrayList<>();

    // GC roots, in dump order.
    byte[] rootKinds = new byte[1024];
    long[] rootIds = new long[1024];
    int[] rootThreads = new int[1024];
    int[] rootFrames = new int[1024];
    int rootCount;

    final LongObjectHashMap<long[]> frames = new LongObjectHashMap<>();
    final IntObjectHashMap<long[]> traces = new IntObjectHashMap<>();
    final IntObjectHashMap<Integer> traceThreads = new IntObjectHashMap<>();
    final List<String> warnings = new ArrayList<>();

    private final int[] primitiveArrayClass = new int[12];
    int classClassIndex = -1;
    int objectClassIndex = -1;
    int stringClassIndex = -1;

    ClassCatalog(int idSize) {
        this.idSize = idSize;
        Arrays.fill(primitiveArrayClass, -1);
    }

    int idSize() {
        return idSize;
    }

    void utf8(long id, byte[] bytes, int offset, int length) {
        if (utf8Used + length > utf8Bytes.length) {
            utf8Bytes = Arrays.copyOf(utf8Bytes, Math.max(utf8Bytes.length * 2, utf8Used + length));
        }
        System.arraycopy(bytes, offset, utf8Bytes, utf8Used, length);
        if (utf8Count == utf8Start.length) {
            utf8Start = Arrays.copyOf(utf8Start, utf8Count * 2);
            utf8Length = Arrays.copyOf(utf8Length, utf8Count * 2);
        }
        utf8Start[utf8Count] = utf8Used;
        utf8Length[utf8Count] = length;
        utf8Slots.put(id, utf8Count++);
        utf8Used += length;
    }

    /** The string of a UTF8 record, or null if the dump has none with that id. */
    String string(long id) {
        int slot = utf8Slots.getOrDefault(id, -1);
        if (slot < 0) {
            return null;
        }
        return HprofReader.utf8String(utf8Bytes, utf8Start[slot], utf8Length[slot]);
    }

    void loadClass(int serial, long classId, long nameId) {
        classNameIds.put(classId, nameId);
        classSerials.put(serial, classId);
    }

    /** Class id of a LOAD_CLASS serial (used by stack frames), or 0. */
    long classIdOfSerial(int serial) {
        Long id = classSerials.get(serial);
        return id == null ? 0 : id;
    }

    /** The class index for a class id, creating a stand-in if the class has not been seen yet. */
    int classIndex(long classId) {
        int idx = classIndexById.getOrDefault(classId, -1);
        if (idx < 0) {
            idx = classes.size();
            classes.add(new ClassInfo(idx, classId));
            classIndexById.put(classId, idx);
        }
        return idx;
    }

    /** A copy of the class indices by class id known now, for threads that read while the catalog waits. */
    LongIntHashMap classIndexSnapshot() {
        return classIndexById.clone();
    }

    /** The class dump records kept (the first of each class id), in file order. */
    List<ClassDump> dumps() {
        return dumps;
    }

    /** The class index for a class id, or -1. */
    int findClass(long classId) {
        return classIndexById.getOrDefault(classId, -1);
    }

    /** Marker used in per-object class slots for primitive arrays until {@link #finish} knows their classes. */
    static int primitiveArrayMarker(int elementType) {
        return -elementType;
    }

    void classDump(ClassDump d) {
        int idx = classIndex(d.id());
        ClassInfo c = classes.get(idx);
        if (c.dumped) {
            warnings.add("class 0x" + Long.toHexString(d.id()) + " is dumped twice; the first record is used");
            return;
        }
        c.dumped = true;
        c.dumpOffset = d.offset();
        dumps.add(d);
        c.loaderId = d.loaderId();
        c.signersId = d.signersId();
        c.protectionDomainId = d.protectionDomainId();
        c.hprofInstanceSize = d.instanceSize();
        c.fieldTypes = d.fieldTypes();
        c.staticTypes = d.staticTypes();
        c.staticValues = d.staticValues();
        c.constantPoolIds = d.constantPoolObjectIds();
        if (d.superId() != 0) {
            c.superIndex = classIndex(d.superId());
        }
    }

    void root(GcRootKind kind, long id, int thread, int frame) {
        if (rootCount == rootIds.length) {
            int n = rootCount * 2;
            rootKinds = Arrays.copyOf(rootKinds, n);
            rootIds = Arrays.copyOf(rootIds, n);
            rootThreads = Arrays.copyOf(rootThreads, n);
            rootFrames = Arrays.copyOf(rootFrames, n);
        }
        rootKinds[rootCount] = (byte) kind.ordinal();
        rootIds[rootCount] = id;
        rootThreads[rootCount] = thread;
        rootFrames[rootCount] = frame;
        rootCount++;
    }

    void stackFrame(long frameId, long method, long signature, long source, int classSerial, int line) {
        frames.put(frameId, new long[] {method, signature, source, classSerial, line});
    }

    void stackTrace(int serial, int threadSerial, long[] frameIds) {
        traces.put(serial, frameIds);
        traceThreads.put(serial, threadSerial);
    }

    /** Resolves names, superclasses, array element types and the classes of primitive arrays. */
    void finish() {
        for (ClassDump d : dumps) {
            ClassInfo c = classes.get(classIndexById.get(d.id()));
            c.fieldNames = names(d.fieldNameIds());
            c.staticNames = names(d.staticNameIds());
        }
        for (ClassInfo c : classes) {
            long nameId = classNameIds.getOrDefault(c.id, 0L);
            String raw = nameId != 0 ? string(nameId) : null;
            c.name = raw != null ? ClassNames.toSource(raw) : "unknown class 0x" + Long.toHexString(c.id);
            c.arrayElementType = ClassNames.arrayElementType(c.name);
            if (!c.dumped) {
                warnings.add("class " + c.name + " (0x" + Long.toHexString(c.id)
                        + ") is referenced but not dumped; a stand-in with no fields is used");
            }
            if (c.loaderId == 0 && c.dumped) {
                switch (c.name) {
                    case "java.lang.Class" -> classClassIndex = c.index;
                    case "java.lang.Object" -> objectClassIndex = c.index;
                    case "java.lang.String" -> stringClassIndex = c.index;
                    default -> {
                    }
                }
            }
            int element = c.arrayElementType;
            if (element != 0 && element != BasicType.OBJECT && primitiveArrayClass[element] < 0) {
                primitiveArrayClass[element] = c.index;
            }
        }
        for (int t = BasicType.BOOLEAN; t <= BasicType.LONG; t++) {
            if (primitiveArrayClass[t] < 0) {
                // Dumps without a class record for int[] etc. (e.g. some old writers): a stand-in, id 0-t.
                ClassInfo c = new ClassInfo(classes.size(), -t);
                c.name = BasicType.javaName(t) + "[]";
                c.arrayElementType = t;
                c.dumped = true;
                c.superIndex = objectClassIndex;
                classes.add(c);
                primitiveArrayClass[t] = c.index;
            }
        }
    }

    /**
     * Offsets of reference fields within an instance record of class {@code cls}, walking own fields then each
     * superclass's; null while a class of the chain has not been dumped yet. Cached once complete.
     */
    int[] referenceOffsets(int cls) {
        ClassInfo c = classes.get(cls);
        if (c.referenceOffsets != null) {
            return c.referenceOffsets;
        }
        int count = 0;
        int bytes = 0;
        int depth = 0;
        for (ClassInfo k = c; k != null; k = k.superIndex >= 0 ? classes.get(k.superIndex) : null) {
            if (!k.dumped || ++depth > 256) {
                return null;
            }
            for (byte t : k.fieldTypes) {
                if (t == BasicType.OBJECT) {
                    count++;
                }
                bytes += BasicType.size(t, idSize);
            }
        }
        int[] offs = new int[count];
        int at = 0;
        int k2 = 0;
        for (ClassInfo k = c; k != null; k = k.superIndex >= 0 ? classes.get(k.superIndex) : null) {
            for (byte t : k.fieldTypes) {
                if (t == BasicType.OBJECT) {
                    offs[k2++] = at;
                }
                at += BasicType.size(t, idSize);
            }
        }
        c.recordFieldBytes = bytes;
        c.referenceOffsets = offs;
        return offs;
    }

    /**
     * Offset of the {@code referent} field of {@code java.lang.ref.Reference} in an instance record of class
     * {@code cls}, or -1 if the class is not a Reference. Valid after {@link #finish} (needs field names).
     */
    int referentOffset(int cls) {
        ClassInfo c = classes.get(cls);
        if (c.referentOffset == -2) {
            referenceFields(c);
        }
        return c.referentOffset;
    }

    /**
     * Offset of the {@code discovered} field of {@code java.lang.ref.Reference} in an instance record of class
     * {@code cls}, or -1 if the class is not a Reference: the link of the collector's lists of references it found
     * ready to clear, and of the list waiting for the reference handler thread. Valid after {@link #finish}.
     */
    int discoveredOffset(int cls) {
        ClassInfo c = classes.get(cls);
        if (c.discoveredOffset == -2) {
            referenceFields(c);
        }
        return c.discoveredOffset;
    }

    /** Finds where {@code c}'s instances keep Reference's {@code referent} and {@code discovered}, if anywhere. */
    private void referenceFields(ClassInfo c) {
        int referent = -1;
        int discovered = -1;
        int at = 0;
        int depth = 0;
        for (ClassInfo k = c; k != null && depth++ < 256; k = k.superIndex >= 0 ? classes.get(k.superIndex) : null) {
            boolean isReference = k.loaderId == 0 && "java.lang.ref.Reference".equals(k.name);
            for (int i = 0; i < k.fieldTypes.length; i++) {
                if (isReference && k.fieldTypes[i] == BasicType.OBJECT && "referent".equals(k.fieldNames[i])) {
                    referent = at;
                } else if (isReference && k.fieldTypes[i] == BasicType.OBJECT
                        && "discovered".equals(k.fieldNames[i])) {
                    discovered = at;
                }
                at += BasicType.size(k.fieldTypes[i], idSize);
            }
        }
        c.discoveredOffset = discovered;
        c.referentOffset = referent;
    }

    /** The class of primitive arrays of {@code elementType}; valid after {@link #finish}. */
    int primitiveArrayClass(int elementType) {
        return primitiveArrayClass[elementType];
    }

    private String[] names(long[] ids) {
        String[] out = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            String s = string(ids[i]);
            out[i] = s != null ? s : "field@" + Long.toHexString(ids[i]);
        }
        return out;
    }

}
