package io.mapleak.heap;

import io.mapleak.hprof.BasicType;
import io.mapleak.hprof.Bytes;
import io.mapleak.hprof.ClassDump;
import io.mapleak.hprof.GcRootKind;

final class IndexPass2 extends CatalogVisitor {
    private final int[] fileToIndex;
    private final int[] refs;
    private final int[] refStart;
    private final IdLookup lookup;
    private final int idSize;
    private int position;
    private int nextIndex;
    private final java.util.BitSet mirrorPositions;
    private int cursor;
    private int cursorEnd;
    long dangling;

    IndexPass2(HeapIndexBuilder.Result r, int[] fileToIndex, ReadOptions options) {
        super(new ClassCatalog(r.catalog.idSize()), options.dump(), options.progress());
        this.fileToIndex = fileToIndex;
        this.mirrorPositions = r.mirrorPositions;
        this.refs = r.refs;
        this.refStart = r.refStart;
        this.lookup = r.lookup;
        this.idSize = r.catalog.idSize();
        this.catalogForOffsets = r.catalog;
    }

    private final ClassCatalog catalogForOffsets;

    @Override
    public boolean wantsInstanceFields() {
        return true;
    }

    @Override
    public boolean wantsArrayElements() {
        return true;
    }

    // Pass 2 needs none of the catalog's records again.
    @Override
    public void utf8(long id, byte[] bytes, int offset, int length) {
    }

    @Override
    public void loadClass(int classSerial, long classId, int stackTraceSerial, long nameId) {
    }

    @Override
    public void stackFrame(long f, long m, long s, long src, int cs, int line) {
    }

    @Override
    public void stackTrace(int serial, int threadSerial, long[] frameIds) {
    }

    @Override
    public void gcRoot(GcRootKind kind, long objectId, int threadSerial, int frame) {
    }

    final java.util.BitSet weakReferents = new java.util.BitSet();
    private int currentIndex;

    /** The next object's index, or -1 past the objects pass 1 kept (one a truncation cut). */
    private int next() {
        int i;
        if (fileToIndex != null) {
            i = position < fileToIndex.length ? fileToIndex[position++] : -1;
        } else {
            i = mirrorPositions.nextClearBit(nextIndex);
            nextIndex = i + 1;
            if (i >= refStart.length - 1) {
                i = -1;
            }
        }
        if (i < 0) {
            cursor = 0;
            cursorEnd = 0; // nothing is written for an object the index does not hold
            return -1;
        }
        cursor = refStart[i];
        cursorEnd = refStart[i + 1];
        currentIndex = i;
        return i;
    }

    private void ref(long id) {
        if (id == 0) {
            return;
        }
        int t = lookup.indexOf(id);
        if (t < 0) {
            dangling++;
        } else if (cursor < cursorEnd) {
            refs[cursor++] = t;
        }
    }

    @Override
    public void classDump(ClassDump d) {
        int i = lookup.indexOf(d.id());
        if (i < 0) {
            return;
        }
        cursor = refStart[i];
        cursorEnd = refStart[i + 1];
        ref(d.superId());
        ref(d.loaderId());
        ref(d.signersId());
        ref(d.protectionDomainId());
        byte[] types = d.staticTypes();
        long[] values = d.staticValues();
        for (int k = 0; k < types.length; k++) {
            if (types[k] == BasicType.OBJECT) {
                ref(values[k]);
            }
        }
        for (long id : d.constantPoolObjectIds()) {
            ref(id);
        }
    }

    @Override
    public void instance(long offset, long id, long classId, int length, byte[] fields, int at) {
        if (next() < 0) {
            return;
        }
        int cls = catalogForOffsets.findClass(classId);
        int[] offs = cls >= 0 ? catalogForOffsets.referenceOffsets(cls) : null;
        if (offs == null || fields == null) {
            return;
        }
        int limit = length - idSize;
        int referent = catalogForOffsets.referentOffset(cls);
        for (int off : offs) {
            if (off <= limit && off != referent) {
                ref(Bytes.id(fields, at + off, idSize));
            }
        }
        if (referent >= 0 && referent <= limit) {
            // The referent goes last, so strong-path searches can skip exactly that slot.
            long target = Bytes.id(fields, at + referent, idSize);
            if (target != 0 && lookup.indexOf(target) >= 0 && cursor < cursorEnd) {
                weakReferents.set(currentIndex);
            }
            ref(target);
        }
    }

    @Override
    public void objectArray(long offset, long id, long arrayClassId, int length) {
        next();
    }

    @Override
    public void objectArrayElements(byte[] bytes, int at, int count) {
        int step = idSize;
        for (int i = 0, p = at; i < count; i++, p += step) {
            long e = Bytes.id(bytes, p, step);
            if (e != 0) {
                ref(e);
            }
        }
    }

    @Override
    public void primitiveArray(long offset, long id, int elementType, int length) {
        next();
    }
}
