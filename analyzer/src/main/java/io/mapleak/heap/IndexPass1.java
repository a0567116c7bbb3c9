package io.mapleak.heap;

import io.mapleak.hprof.Bytes;

/** Pass 1: objects in file order, and everything the catalog gathers. */
final class IndexPass1 extends CatalogVisitor {
    final GrowableLongs ids = new GrowableLongs();
    final GrowableLongs offsets = new GrowableLongs();
    final GrowableInts classes = new GrowableInts();
    final GrowableInts lengths = new GrowableInts();
    final GrowableInts refCounts = new GrowableInts();
    boolean sawDump;
    private int currentArrayRefs;
    private final int idSize;

    IndexPass1(ClassCatalog catalog, ReadOptions options) {
        super(catalog, options.dump(), options.progress());
        this.idSize = catalog.idSize();
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
        refCounts.set(refCounts.size() - 1, currentArrayRefs);
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
        if (ids.size() > 0 && lastRecordEnd > cutAt) {
            ids.removeLast();
            offsets.removeLast();
            classes.removeLast();
            lengths.removeLast();
            refCounts.removeLast();
            warnings.add("the object array cut by the truncation is left out");
        }
    }

    private void add(long id, long offset, int cls, int length, int refs) {
        if (id < lastId) {
            sortedInFile = false;
        }
        lastId = id;
        ids.add(id);
        offsets.add(offset);
        classes.add(cls);
        lengths.add(length);
        refCounts.add(refs);
    }
}
