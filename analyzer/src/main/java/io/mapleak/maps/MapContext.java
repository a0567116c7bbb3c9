package io.mapleak.maps;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Instance;
import io.mapleak.hprof.BasicType;

/** What decoders read maps with: the index, and small conveniences over reading objects by field name. */
public final class MapContext {
    final HeapIndex index;

    /** {@link #nodeLayout} by class index, twice (the {@code value} field, then {@code val}); filled lazily. */
    private final java.util.concurrent.atomic.AtomicReferenceArray<int[]> nodeLayouts;

    /**
     * References to objects the dump does not hold, met by this thread since {@link #startCounting}: a truncated
     * dump cut through the map, or a damaged file. Decoding runs in parallel, one map per thread at a time. Static,
     * not one per context: a thread local per context left a stale entry in every pool thread for each analysis (two
     * such were the only suspect mapleak found in a dump of its own test JVM).
     */
    private static final ThreadLocal<long[]> MISSING = ThreadLocal.withInitial(() -> new long[1]);

    /** Offsets of {@code LinkedHashMap} entries' {@code after} field by class index, plus 2 (0: not looked up). */
    private final java.util.concurrent.atomic.AtomicIntegerArray afterOffsets;

    /** Walks a {@code HashMap} or {@code LinkedHashMap} view's table, found again from its storage object. */
    final MapView.Walker hashMapWalker;
    /** Walks a {@code ConcurrentHashMap} view's table, found again from its storage object. */
    final MapView.Walker concurrentHashMapWalker;

    public MapContext(HeapIndex index) {
        this.index = index;
        this.nodeLayouts = new java.util.concurrent.atomic.AtomicReferenceArray<>(2 * index.classes().size());
        this.afterOffsets = new java.util.concurrent.atomic.AtomicIntegerArray(index.classes().size());
        this.hashMapWalker = (self, sink) -> HashMapDecoder.walkTable(this, table(self), "value", new WalkStats(),
                null, sink);
        this.concurrentHashMapWalker = (self, sink) -> ConcurrentHashMapDecoder.walk(this, table(self),
                new WalkStats(), sink);
    }

    /** The {@code table} array of a view's storage object, or -1. */
    private int table(MapView view) {
        return ref(instance(view.storage()), "table");
    }

    void startCounting() {
        MISSING.get()[0] = 0;
    }

    long missingSinceStart() {
        return MISSING.get()[0];
    }

    /**
     * Offsets of a chained-hash node class's {@code hash} (int), {@code key}, value and {@code next} fields
     * (references), cached per class: nodes are read field by field straight from the file, millions of times.
     * An offset is -1 where the class has no such field. Element 4 is 1 for a tree bin's node class
     * ({@code ...$TreeNode}), element 5 is 1 where the class cannot be a node (an array, no {@code next} field),
     * element 6 the bytes from the fields' start to the end of the last of those four.
     */
    int[] nodeLayout(int classIndex, String valueField) {
        int slot = 2 * classIndex + (valueField.equals("val") ? 1 : 0);
        int[] layout = nodeLayouts.get(slot);
        if (layout == null) {
            ClassInfo c = index.classInfo(classIndex);
            // Guava's MapMakerInternalMap (since 21) gives a bin's last entry a class without a next field of its
            // own; its weak entries' Reference.next links the reference queue, not the bin.
            boolean mapMaker = c.name().startsWith(MapMakerDecoder.ENTRY_PREFIX);
            int next = index.reader().libraryFieldOffset(classIndex, "next", BasicType.OBJECT,
                    mapMaker ? "java.lang.ref.Reference" : null);
            boolean lastOfChain = next < 0 && mapMaker;
            layout = new int[] {
                index.reader().libraryFieldOffset(classIndex, "hash", BasicType.INT),
                index.reader().libraryFieldOffset(classIndex, "key", BasicType.OBJECT),
                index.reader().libraryFieldOffset(classIndex, valueField, BasicType.OBJECT),
                next,
                c.name().endsWith("$TreeNode") ? 1 : 0,
                next < 0 && !lastOfChain || c.isArray() ? 1 : 0,
                0};
            layout[6] = Math.max(Math.max(layout[0] + 4, layout[1] + index.idSize()),
                    Math.max(layout[2], layout[3]) + index.idSize());
            nodeLayouts.set(slot, layout); // computed alike by any thread that races here
        }
        return layout;
    }

    /** Where a linked map's entry {@code object} keeps its {@code after} link (-1: nowhere), cached per class. */
    int afterOffset(int object) {
        int cls = index.classIndexOf(object);
        int v = afterOffsets.get(cls);
        if (v == 0) {
            v = index.reader().libraryFieldOffset(cls, "after", BasicType.OBJECT) + 2;
            afterOffsets.set(cls, v); // computed alike by any thread that races here
        }
        return v - 2;
    }

    public HeapIndex index() {
        return index;
    }

    /** The instance's fields, or null for arrays, class objects and -1. */
    Instance instance(int object) {
        if (object < 0) {
            return null;
        }
        Instance i = index.reader().instance(object);
        return i == null ? null : i.preferringLibraryFields();
    }

    /** The object a reference field points to, -1 if null, absent from the dump, or no such field. */
    int ref(Instance i, String field) {
        if (i == null || i.type(field) != BasicType.OBJECT) {
            return -1;
        }
        long id = i.ref(field);
        return object(id);
    }

    /** The raw id in a reference field (0 for null or no such field). */
    long refId(Instance i, String field) {
        return i != null && i.type(field) == BasicType.OBJECT ? i.ref(field) : 0;
    }

    int intOr(Instance i, String field, int otherwise) {
        return i != null && i.type(field) == BasicType.INT ? i.getInt(field) : otherwise;
    }

    long longOr(Instance i, String field, long otherwise) {
        return i != null && i.type(field) == BasicType.LONG ? i.getLong(field) : otherwise;
    }

    float floatOr(Instance i, String field, float otherwise) {
        return i != null && i.type(field) == BasicType.FLOAT ? i.getFloat(field) : otherwise;
    }

    boolean boolOr(Instance i, String field, boolean otherwise) {
        return i != null && i.type(field) == BasicType.BOOLEAN ? i.getBoolean(field) : otherwise;
    }

    /** Every element id of an object array (empty for -1 or a non-array). */
    long[] elements(int array) {
        int length = slotCount(array);
        return length == 0 ? new long[0] : index.reader().objectArray(array, 0, length);
    }

    /**
     * Slots of a table read at a time by the walks that go through a table in order ({@link Slots}): 256 KB of
     * 8-byte ids.
     */
    static final int SLOT_PIECE = 1 << 15;

    /** Elements of an object array, 0 for anything else (of which {@link #elements} reads none). */
    int slotCount(int array) {
        if (array < 0 || index.classOf(array).arrayElementType() != BasicType.OBJECT) {
            return 0;
        }
        return index.reader().arrayLength(array);
    }

    /** Elements {@code from} to at most {@code from + max} of an object array (see {@link #slotCount}). */
    long[] elements(int array, int from, int max) {
        return index.reader().objectArray(array, from, max);
    }

    /** The elements of an object array ({@code -1} or anything else: none), a piece at a time: see {@link Slots}. */
    Slots slots(int array) {
        return new Slots(array, slotCount(array));
    }

    /**
     * The elements of an object array, read {@link #SLOT_PIECE} at a time as they are asked for: a walk through a
     * table holds 256 KB of it at a time rather than every slot (64 MB for 8 million), and one that stops early reads
     * only the start. Any order works (a piece is read again when an element outside the one held is asked for); in
     * rising order each piece is read once.
     */
    final class Slots {
        private final int array;
        private final int length;
        private long[] piece = new long[0];
        private int from;

        private Slots(int array, int length) {
            this.array = array;
            this.length = length;
        }

        int length() {
            return length;
        }

        long get(int i) {
            int at = i - from;
            if (at < 0 || at >= piece.length) {
                from = i - i % SLOT_PIECE;
                piece = elements(array, from, SLOT_PIECE);
                at = i - from;
            }
            return piece[at];
        }
    }

    int arrayLength(int array) {
        return array < 0 ? -1 : index.reader().arrayLength(array);
    }

    int object(long id) {
        if (id == 0) {
            return -1;
        }
        int o = index.indexOf(id);
        if (o < 0) {
            MISSING.get()[0]++;
        }
        return o;
    }

    String className(int object) {
        return index.classOf(object).name();
    }

    /** Whether the object's class is {@code name} or extends it. */
    boolean isA(int object, String name) {
        if (object < 0) {
            return false;
        }
        for (ClassInfo c = index.classOf(object); c != null;
                c = c.superIndex() >= 0 ? index.classInfo(c.superIndex()) : null) {
            if (c.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
