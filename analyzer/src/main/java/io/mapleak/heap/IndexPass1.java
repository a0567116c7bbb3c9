package io.mapleak.heap;

import io.mapleak.heap.columns.PackedLongs;

import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.IntColumn;
import io.mapleak.hprof.Bytes;

/**
 * Pass 1: objects in file order, and everything the catalog gathers. Ids and offsets rise within a dump, so they
 * are packed as they come (4 bytes each an object); class, array length and reference count take 4 bytes each.
 */
final class IndexPass1 extends CatalogVisitor {
    final PackedLongs ids;
    final PackedLongs offsets;
    final IntColumn classes;
    final IntColumn lengths;
    final IntColumn refCounts;
    /** Objects kept so far. */
    int size;
    boolean sawDump;
    private int currentArrayRefs;
    private final int idSize;

    IndexPass1(ClassCatalog catalog, ReadOptions options, ColumnStore store) {
        super(catalog, options.dump(), options.progress());
        this.idSize = catalog.idSize();
        ids = new PackedLongs(store, "file-ids");
        offsets = new PackedLongs(store, "file-offsets");
        classes = store.ints("file-classes", 0);
        lengths = store.ints("file-lengths", 0);
        refCounts = store.ints("file-refcounts", 0);
    }

    @Override
    public boolean wantsInstanceFields() {
        return true;
    }

    @Override
    public boolean wantsArrayElements() {
        return true;
    }

    @Override
    public void heapDumpStart(int dumpNumber, long offset) {
        sawDump = true;
    }

    @Override
    public void instance(long offset, long id, long classId, int length, byte[] fields, int at) {
        lastRecordEnd = 0; // instances are reported only once complete
        int cls = catalog.classIndex(classId);
        int[] refOffs = catalog.referenceOffsets(cls);
        int count;
        if (refOffs == null || fields == null) {
            count = -1; // class not known yet: settled after the pass from the class's reference fields
        } else {
            count = 0;
            int limit = length - idSize;
            for (int off : refOffs) {
                if (off <= limit && Bytes.id(fields, at + off, idSize) != 0) {
                    count++;
                }
            }
        }
        add(id, offset, cls, -1, count);
    }

    @Override
    public void objectArray(long offset, long id, long arrayClassId, int length) {
        currentArrayRefs = 0;
        add(id, offset, catalog.classIndex(arrayClassId), length, 0);
        lastRecordEnd = offset + 1 + 2L * idSize + 8 + (long) length * idSize;
    }

    @Override
    public void objectArrayElements(byte[] bytes, int at, int count) {
        int n = 0;
        int step = idSize;
        for (int i = 0, p = at; i < count; i++, p += step) {
            if (Bytes.id(bytes, p, step) != 0) {
                n++;
            }
        }
        currentArrayRefs += n;
        refCounts.set(size - 1, currentArrayRefs);
    }

    @Override
    public void primitiveArray(long offset, long id, int elementType, int length) {
        lastRecordEnd = 0; // reported only once complete
        add(id, offset, ClassCatalog.primitiveArrayMarker(elementType), length, 0);
    }

    boolean sortedInFile = true;
    private long lastId = Long.MIN_VALUE;
    /** File offset where the last object's record ends (its elements included). */
    private long lastRecordEnd;

    /** Drops the last object if the dump was cut inside its record (an object array's elements). */
    void dropIncompleteLast(long cutAt) {
        if (size > 0 && lastRecordEnd > cutAt) {
            size--; // the columns' last element is ignored from here on
            warnings.add("the object array cut by the truncation is left out");
        }
    }

    private void add(long id, long offset, int cls, int length, int refs) {
        if (id < lastId) {
            sortedInFile = false;
        }
        lastId = id;
        long i = size++;
        ids.add(id);
        offsets.add(offset);
        classes.ensureLength(size);
        classes.set(i, cls);
        lengths.ensureLength(size);
        lengths.set(i, length);
        refCounts.ensureLength(size);
        refCounts.set(i, refs);
    }
}
