package io.mapleak.hprof;

/**
 * Receives what {@link HprofReader} decodes, in file order. Arguments are primitives so that visiting a
 * heap of a hundred million objects allocates nothing per object; byte arrays passed in are the reader's
 * buffer and valid only during the call. Every method does nothing by default.
 */
public interface HprofVisitor {

    /** Whether {@link #instance} needs the field bytes (otherwise {@code fields} is null and costs nothing). */
    default boolean wantsInstanceFields() {
        return false;
    }

    /** Whether {@link #objectArrayElements} should be called with the elements of object arrays. */
    default boolean wantsArrayElements() {
        return false;
    }

    /** Whether sub-records of the heap dump numbered {@code dumpNumber} (from 1) should be decoded. */
    default boolean wantsHeapDump(int dumpNumber) {
        return true;
    }

    default void utf8(long id, byte[] bytes, int offset, int length) {
    }

    default void loadClass(int classSerial, long classId, int stackTraceSerial, long nameId) {
    }

    default void stackFrame(long frameId, long methodNameId, long signatureId, long sourceFileId, int classSerial,
            int line) {
    }

    default void stackTrace(int serial, int threadSerial, long[] frameIds) {
    }

    /** A heap dump starts (a HEAP_DUMP record, or the first segment of a run ended by HEAP_DUMP_END). */
    default void heapDumpStart(int dumpNumber, long offset) {
    }

    default void gcRoot(GcRootKind kind, long objectId, int threadSerial, int frame) {
    }

    default void classDump(ClassDump dump) {
    }

    /** An instance; {@code fields} holds {@code length} field bytes from {@code fieldsAt} when wanted. */
    default void instance(long offset, long id, long classId, int length, byte[] fields, int fieldsAt) {
    }

    /** An object array; its elements follow through {@link #objectArrayElements} when wanted. */
    default void objectArray(long offset, long id, long arrayClassId, int length) {
    }

    /** {@code count} element ids of the current object array, from {@code at} in {@code bytes}; may come in pieces. */
    default void objectArrayElements(byte[] bytes, int at, int count) {
    }

    default void primitiveArray(long offset, long id, int elementType, int length) {
    }

    /** A condition the reader recovered from; {@code offset} is where in the file it was found. */
    default void warning(String message, long offset) {
    }

    /** Called now and then with the current file offset, for progress. */
    default void progress(long offset) {
    }
}
