package io.mapleak.heap;

import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.IntColumn;
import io.mapleak.heap.columns.PackedLongs;
import io.mapleak.hprof.Bytes;

/**
 * Pass 1's columns for one stretch of the dump, objects in file order: id and record offset (packed: they rise
 * within a dump), class, array length (-1 for an instance) and the number of non-null references (-1 when the
 * instance's class was not known yet: settled from the class's reference fields after the pass). A dump read by
 * one thread has one run; a run of heap-dump segments read by several threads has one run per thread.
 */
final class ObjectRun implements AutoCloseable {
    final PackedLongs ids;
    final PackedLongs offsets;
    final IntColumn classes;
    final IntColumn lengths;
    final IntColumn refCounts;
    /** Objects kept so far. */
    int size;
    /** Whether ids rise (or repeat) from each object to the next. */
    boolean sorted = true;
    long firstId;
    long lastId = Long.MIN_VALUE;
    private int currentArrayRefs;

    ObjectRun(ColumnStore store, String suffix) {
        ids = new PackedLongs(store, "file-ids" + suffix);
        offsets = new PackedLongs(store, "file-offsets" + suffix);
        classes = store.scratchInts("file-classes" + suffix, 0); // appended to: written before read
        lengths = store.scratchInts("file-lengths" + suffix, 0);
        refCounts = store.scratchInts("file-refcounts" + suffix, 0);
    }

    /** Non-null references among an instance's fields, or -1 if its class's reference fields are not known yet. */
    static int references(int[] referenceOffsets, byte[] fields, int at, int length, int idSize) {
        if (referenceOffsets == null || fields == null) {
            return -1;
        }
        int count = 0;
        int limit = length - idSize;
        for (int off : referenceOffsets) {
            if (off <= limit && Bytes.id(fields, at + off, idSize) != 0) {
                count++;
            }
        }
        return count;
    }

    void add(long id, long offset, int cls, int length, int refs) {
        if (id < lastId) {
            sorted = false;
        }
        if (size == 0) {
            firstId = id;
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

    /** Starts counting the elements of the object array just added. */
    void arrayStarted() {
        currentArrayRefs = 0;
    }

    /** Counts the non-null ids among the next elements of the object array added last. */
    void arrayElements(byte[] bytes, int at, int count, int idSize) {
        int n = 0;
        for (int i = 0, p = at; i < count; i++, p += idSize) {
            if (Bytes.id(bytes, p, idSize) != 0) {
                n++;
            }
        }
        currentArrayRefs += n;
        refCounts.set(size - 1, currentArrayRefs);
    }

    @Override
    public void close() {
        ids.close();
        offsets.close();
        classes.close();
        lengths.close();
        refCounts.close();
    }
}
