package io.mapleak.heap;

import io.mapleak.hprof.ClassDump;
import io.mapleak.hprof.GcRootKind;
import io.mapleak.hprof.HprofVisitor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The part of every pass that gathers classes, names, roots and stack traces into a {@link ClassCatalog},
 * keeps to the selected heap dump, and collects warnings. Subclasses handle the objects.
 */
abstract class CatalogVisitor implements HprofVisitor {
    final ClassCatalog catalog;
    final int selectedDump;
    final List<String> warnings = new ArrayList<>();
    int dumpsSeen;
    private final LongConsumer progress;

    CatalogVisitor(ClassCatalog catalog, int selectedDump, LongConsumer progress) {
        this.catalog = catalog;
        this.selectedDump = selectedDump;
        this.progress = progress;
    }

    @Override
    public boolean wantsHeapDump(int dumpNumber) {
        dumpsSeen = Math.max(dumpsSeen, dumpNumber);
        return dumpNumber == selectedDump;
    }

    @Override
    public void utf8(long id, byte[] bytes, int offset, int length) {
        catalog.utf8(id, bytes, offset, length);
    }

    @Override
    public void loadClass(int classSerial, long classId, int stackTraceSerial, long nameId) {
        catalog.loadClass(classSerial, classId, nameId);
    }

    @Override
    public void stackFrame(long frameId, long methodNameId, long signatureId, long sourceFileId, int classSerial,
            int line) {
        catalog.stackFrame(frameId, methodNameId, signatureId, sourceFileId, classSerial, line);
    }

    @Override
    public void stackTrace(int serial, int threadSerial, long[] frameIds) {
        catalog.stackTrace(serial, threadSerial, frameIds);
    }

    @Override
    public void gcRoot(GcRootKind kind, long objectId, int threadSerial, int frame) {
        catalog.root(kind, objectId, threadSerial, frame);
    }

    @Override
    public void classDump(ClassDump dump) {
        catalog.classDump(dump);
    }

    @Override
    public void warning(String message, long offset) {
        warnings.add(message);
    }

    @Override
    public void progress(long offset) {
        if (progress != null) {
            progress.accept(offset);
        }
    }
}
