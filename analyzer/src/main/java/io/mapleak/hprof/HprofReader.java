package io.mapleak.hprof;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Streams one HPROF file from start to end, decoding its records and heap-dump sub-records into a
 * {@link HprofVisitor}. One pass, one reusable buffer, no allocation per heap object. A dump that ends early
 * is read as far as it goes: the {@link ReadSummary} says where and why, and the visitor gets a warning.
 * Malformed input that cannot be resynchronised stops the read the same way; only a bad header throws.
 */
public final class HprofReader {
    static final int TAG_UTF8 = 0x01;
    static final int TAG_LOAD_CLASS = 0x02;
    static final int TAG_UNLOAD_CLASS = 0x03;
    static final int TAG_STACK_FRAME = 0x04;
    static final int TAG_STACK_TRACE = 0x05;
    static final int TAG_ALLOC_SITES = 0x06;
    static final int TAG_HEAP_SUMMARY = 0x07;
    static final int TAG_START_THREAD = 0x0A;
    static final int TAG_END_THREAD = 0x0B;
    static final int TAG_HEAP_DUMP = 0x0C;
    static final int TAG_CPU_SAMPLES = 0x0D;
    static final int TAG_CONTROL_SETTINGS = 0x0E;
    static final int TAG_HEAP_DUMP_SEGMENT = 0x1C;
    static final int TAG_HEAP_DUMP_END = 0x2C;

    static final int SUB_CLASS_DUMP = 0x20;
    static final int SUB_INSTANCE = 0x21;
    static final int SUB_OBJECT_ARRAY = 0x22;
    static final int SUB_PRIMITIVE_ARRAY = 0x23;

    /** 8 MiB: large enough that refills are rare (~110 per GB), small enough to stay in L2/L3-friendly reuse. */
    private static final int BUFFER_BYTES = 8 << 20;
    /** Object-array elements are handed over in pieces of at most this many bytes. */
    private static final int ELEMENT_CHUNK_BYTES = 1 << 20;
    private static final long PROGRESS_EVERY = 32L << 20;
    /**
     * Lengths beyond these are corruption, not data: a symbol is at most 64 KB in HotSpot, a stack trace a few
     * thousand frames, an instance's fields a few hundred KB. Refusing them keeps a damaged length from making the
     * reader allocate gigabytes.
     */
    private static final long MAX_UTF8_BYTES = 16L << 20;
    private static final long MAX_STACK_TRACE_BYTES = 64L << 20;
    private static final long MAX_INSTANCE_BYTES = 16L << 20;
    private static final long FOUR_GB = 1L << 32;

    private final ReadableByteChannel channel;
    private final long fileLength;

    /**
     * @param channel    the uncompressed dump bytes from offset 0
     * @param fileLength the uncompressed length if known, else -1 (used to recognise HEAP_DUMP lengths that
     *                   overflowed 32 bits)
     */
    public HprofReader(ReadableByteChannel channel, long fileLength) {
        this.channel = channel;
        this.fileLength = fileLength;
    }

    /** Reads only the header; throws with a one-line reason if the input is not a dump mapleak can read. */
    public static HprofHeader readHeader(ReadableByteChannel channel) throws IOException {
        return readHeader(new ByteInput(channel, 64, 0));
    }

    private static HprofHeader readHeader(ByteInput in) throws IOException {
        if (!in.ensure(1)) {
            throw new HprofFormatException("the file is empty, not a heap dump", 0);
        }
        StringBuilder version = new StringBuilder();
        while (true) {
            if (!in.ensure(1)) {
                throw new HprofFormatException("not an HPROF heap dump: no header ("
                        + printable(version) + "...)", 0);
            }
            int c = in.u1();
            if (c == 0) {
                break;
            }
            if (c < 0x20 || c > 0x7E || version.length() >= 40) {
                throw new HprofFormatException("not an HPROF heap dump (it starts with \""
                        + printable(version.append((char) c)) + "\")", 0);
            }
            version.append((char) c);
        }
        String v = version.toString();
        if (!v.startsWith("JAVA PROFILE ")) {
            throw new HprofFormatException("not an HPROF heap dump (header \"" + printable(version) + "\")", 0);
        }
        if (!v.equals(HprofHeader.V101) && !v.equals(HprofHeader.V102)) {
            throw new HprofFormatException("unsupported HPROF version \"" + v
                    + "\": mapleak reads JAVA PROFILE 1.0.1 and 1.0.2", 0);
        }
        int headerLength = v.length() + 1 + 12;
        if (!in.ensure(12)) {
            throw new HprofFormatException("the dump ends inside its header", in.position());
        }
        int idSize = in.i4();
        if (idSize != 4 && idSize != 8) {
            throw new HprofFormatException("unsupported identifier size " + idSize + " (expected 4 or 8)",
                    v.length() + 1);
        }
        long timestamp = in.i8();
        return new HprofHeader(v, idSize, timestamp, headerLength);
    }

    private static String printable(CharSequence s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 24; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return b.toString();
    }

    /** Reads the whole input into {@code visitor}. */
    public ReadSummary read(HprofVisitor visitor) throws IOException {
        return read(visitor, null);
    }

    /**
     * Reads the whole input into {@code visitor}; at each HEAP_DUMP_SEGMENT of a wanted heap dump, {@code runs}
     * (if not null) may read the run of segments from there itself, in parallel, and say where it stopped: the
     * reader goes on from there (the channel must then be a {@link FileChannel}). It is asked until it does so once.
     */
    public ReadSummary read(HprofVisitor visitor, SegmentRuns runs) throws IOException {
        ByteInput in = new ByteInput(channel, BUFFER_BYTES, 0);
        HprofHeader header = readHeader(in);
        Pass pass = new Pass(in, header, visitor);
        pass.runs = runs;
        return pass.run();
    }

    /**
     * Reads HEAP_DUMP_SEGMENT records from {@code start} (a record boundary; the channel delivers the bytes from
     * there and ends at another) as the inside of a wanted heap dump: one share of a run of segments read by
     * several threads. The summary's truncation says whether the share could be read to its end.
     */
    public ReadSummary readSegments(HprofHeader header, long start, HprofVisitor visitor) throws IOException {
        Pass pass = new Pass(new ByteInput(channel, BUFFER_BYTES, start), header, visitor);
        pass.inSegmentRun = true;
        pass.currentWanted = true;
        pass.nextProgress = start + PROGRESS_EVERY;
        return pass.run();
    }

    /** Reads a run of heap-dump segments in place of the streaming reader; see {@link #read(HprofVisitor, SegmentRuns)}. */
    public interface SegmentRuns {
        /**
         * Called at the start of each segment record of a wanted heap dump ({@code runStart} is the record's
         * offset) until it reads the run from there once. Returns what was read, or null to let the streaming
         * reader read this segment.
         */
        RunRead readRun(HprofHeader header, long runStart) throws IOException;
    }

    /** A run of segments read by {@link SegmentRuns}: where the next record starts, and how many records it held. */
    public record RunRead(long end, long records) {
    }

    /**
     * The record offsets of the run of HEAP_DUMP_SEGMENT records that starts at {@code runStart}: each segment's
     * start, then the offset where the run ends (the next record of another kind, or the end of the file). Null
     * when the run cannot be split with confidence: a segment of unknown length (0) or one that runs past the end
     * of the file (a truncated dump), which the streaming reader handles.
     */
    public static long[] segmentBoundaries(FileChannel channel, long runStart) throws IOException {
        long size = channel.size();
        long[] at = new long[1024];
        int n = 0;
        ByteBuffer head = ByteBuffer.allocate(9);
        long p = runStart;
        while (p < size) {
            head.clear();
            while (head.hasRemaining()) {
                if (channel.read(head, p + head.position()) < 0) {
                    return null;
                }
            }
            int tag = head.get(0) & 0xFF;
            if (tag != TAG_HEAP_DUMP_SEGMENT) {
                break;
            }
            long length = head.getInt(5) & 0xFFFF_FFFFL;
            long end = p + 9 + length;
            if (length == 0 || end > size) {
                return null;
            }
            if (n == at.length) {
                at = java.util.Arrays.copyOf(at, n * 2);
            }
            at[n++] = p;
            p = end;
        }
        if (n == 0) {
            return null;
        }
        long[] out = java.util.Arrays.copyOf(at, n + 1);
        out[n] = p;
        return out;
    }

    /** The state of one read: kept in fields so the record methods stay small enough to be inlined. */
    private final class Pass {
        private final ByteInput in;
        private final HprofHeader header;
        private final int idSize;
        private final HprofVisitor v;
        private final boolean wantFields;
        private final boolean wantElements;
        private int dumps;
        private boolean inSegmentRun;
        private boolean currentWanted;
        private long nextProgress = PROGRESS_EVERY;
        private String truncation;
        private long truncationOffset = -1;
        private long records;
        private final boolean[] unknownTagsWarned = new boolean[256];
        private SegmentRuns runs;
        /** Whether {@link #runs} read the rest of the current dump's run of segments. */
        private boolean runRead;

        Pass(ByteInput in, HprofHeader header, HprofVisitor v) {
            this.in = in;
            this.header = header;
            this.idSize = header.idSize();
            this.v = v;
            this.wantFields = v.wantsInstanceFields();
            this.wantElements = v.wantsArrayElements();
        }

        ReadSummary run() throws IOException {
            while (truncation == null) {
                long recordStart = in.position();
                if (!in.ensure(9)) {
                    if (in.available() > 0) {
                        truncated("inside the header of a record", recordStart, recordStart + in.available());
                    }
                    break;
                }
                int tag = in.u1();
                in.i4(); // time offset: unused
                long length = in.u4();
                long bodyStart = in.position();
                long end = bodyStart + length;
                records++;
                switch (tag) {
                    case TAG_UTF8 -> utf8(length, recordStart);
                    case TAG_LOAD_CLASS -> loadClass(length, recordStart);
                    case TAG_STACK_FRAME -> stackFrame(length, recordStart);
                    case TAG_STACK_TRACE -> stackTrace(length, recordStart);
                    case TAG_HEAP_DUMP -> {
                        inSegmentRun = false;
                        startDump(recordStart);
                        heapDump(heapDumpEnd(length, bodyStart), recordStart, "HEAP_DUMP");
                    }
                    case TAG_HEAP_DUMP_SEGMENT -> {
                        if (!inSegmentRun) {
                            inSegmentRun = true;
                            startDump(recordStart);
                        }
                        if (currentWanted && runs != null && !runRead) {
                            RunRead done = runs.readRun(header, recordStart);
                            if (done != null) {
                                runRead = true;
                                records += done.records() - 1;
                                in.seek(done.end());
                                continue;
                            }
                        }
                        heapDump(length == 0 ? Long.MAX_VALUE : end, recordStart, "HEAP_DUMP_SEGMENT");
                    }
                    case TAG_HEAP_DUMP_END -> {
                        inSegmentRun = false;
                        skipBody(length, recordStart, "HEAP_DUMP_END");
                    }
                    case TAG_UNLOAD_CLASS, TAG_ALLOC_SITES, TAG_HEAP_SUMMARY, TAG_START_THREAD, TAG_END_THREAD,
                            TAG_CPU_SAMPLES, TAG_CONTROL_SETTINGS -> skipBody(length, recordStart, "record");
                    default -> {
                        if (!unknownTagsWarned[tag]) {
                            unknownTagsWarned[tag] = true;
                            v.warning(String.format("skipped a record with unknown tag 0x%02X", tag), recordStart);
                        }
                        skipBody(length, recordStart, "record");
                    }
                }
            }
            return new ReadSummary(header, in.position(), dumps, records, truncation, truncationOffset);
        }

        private void startDump(long offset) {
            dumps++;
            runRead = false;
            currentWanted = v.wantsHeapDump(dumps);
            if (currentWanted) {
                v.heapDumpStart(dumps, offset);
            }
        }

        /** End offset of a HEAP_DUMP body, recognising "0 = to end of file" and u4 lengths that overflowed. */
        private long heapDumpEnd(long length, long bodyStart) {
            if (length == 0) {
                return Long.MAX_VALUE;
            }
            if (fileLength > 0) {
                long rest = fileLength - bodyStart;
                if (rest > length && (rest - length) % FOUR_GB == 0) {
                    v.warning("a HEAP_DUMP record's length overflowed 32 bits; reading it to the end of the file",
                            bodyStart - 9);
                    return fileLength;
                }
            }
            return bodyStart + length;
        }

        private void skipBody(long length, long recordStart, String what) throws IOException {
            if (in.skip(length) < length) {
                truncated("inside a " + what, recordStart, in.position());
            }
        }

        private void truncated(String where, long recordStart, long at) {
            if (truncation == null) {
                truncation = "the dump ends at offset " + at + ", " + where + " that starts at offset " + recordStart;
                truncationOffset = at;
                v.warning(truncation + "; the analysis covers what comes before it", at);
            }
        }

        private boolean need(int n, String where, long recordStart) throws IOException {
            if (in.ensure(n)) {
                return true;
            }
            truncated(where, recordStart, in.position() + in.available());
            return false;
        }

        private void utf8(long length, long recordStart) throws IOException {
            if (length > MAX_UTF8_BYTES) {
                v.warning("a UTF8 record claims " + length + " bytes; skipped as corrupt", recordStart);
            }
            if (length < idSize || length > MAX_UTF8_BYTES) {
                skipBody(length, recordStart, "UTF8 record");
                return;
            }
            if (!need((int) length, "inside a UTF8 record", recordStart)) {
                return;
            }
            long id = in.id(idSize);
            int n = (int) length - idSize;
            v.utf8(id, in.buf, in.pos, n);
            in.pos += n;
        }

        private void loadClass(long length, long recordStart) throws IOException {
            int body = 8 + 2 * idSize;
            if (length != body) {
                v.warning("a LOAD_CLASS record has length " + length + ", expected " + body, recordStart);
                skipBody(length, recordStart, "LOAD_CLASS record");
                return;
            }
            if (!need(body, "inside a LOAD_CLASS record", recordStart)) {
                return;
            }
            int serial = in.i4();
            long classId = in.id(idSize);
            int trace = in.i4();
            long nameId = in.id(idSize);
            v.loadClass(serial, classId, trace, nameId);
        }

        private void stackFrame(long length, long recordStart) throws IOException {
            int body = 4 * idSize + 8;
            if (length != body) {
                skipBody(length, recordStart, "STACK_FRAME record");
                return;
            }
            if (!need(body, "inside a STACK_FRAME record", recordStart)) {
                return;
            }
            v.stackFrame(in.id(idSize), in.id(idSize), in.id(idSize), in.id(idSize), in.i4(), in.i4());
        }

        private void stackTrace(long length, long recordStart) throws IOException {
            if (length < 12 || length > MAX_STACK_TRACE_BYTES) {
                skipBody(length, recordStart, "STACK_TRACE record");
                return;
            }
            if (!need((int) length, "inside a STACK_TRACE record", recordStart)) {
                return;
            }
            long bodyEnd = in.position() + length;
            int serial = in.i4();
            int thread = in.i4();
            int n = in.i4();
            if (n < 0 || 12L + (long) n * idSize != length) {
                v.warning("a STACK_TRACE record's frame count " + n + " does not fit its length " + length,
                        recordStart);
                in.pos += (int) (bodyEnd - in.position());
                return;
            }
            long[] frames = new long[n];
            for (int i = 0; i < n; i++) {
                frames[i] = in.id(idSize);
            }
            v.stackTrace(serial, thread, frames);
        }

        /** Decodes sub-records until {@code end} (or the end of input when the length was unknown). */
        private void heapDump(long end, long recordStart, String what) throws IOException {
            if (!currentWanted) {
                if (end == Long.MAX_VALUE) {
                    in.skip(Long.MAX_VALUE);
                } else {
                    skipBody(end - in.position(), recordStart, what);
                }
                return;
            }
            final int id = idSize;
            while (truncation == null) {
                long at = in.position();
                if (at >= end) {
                    if (at > end) {
                        v.warning("a sub-record runs " + (at - end) + " bytes past the end of its " + what
                                + "; the dump may be corrupt", at);
                    }
                    return;
                }
                if (at >= nextProgress) {
                    nextProgress = at + PROGRESS_EVERY;
                    v.progress(at);
                }
                if (!in.ensure(1)) {
                    if (end != Long.MAX_VALUE) {
                        truncated("inside a " + what, recordStart, at);
                    }
                    return;
                }
                int sub = in.u1();
                switch (sub) {
                    case SUB_INSTANCE -> {
                        if (!need(2 * id + 8, "inside an instance record", at)) {
                            return;
                        }
                        long objectId = in.id(id);
                        in.pos += 4;
                        long classId = in.id(id);
                        long len = in.u4();
                        if (len > MAX_INSTANCE_BYTES) {
                            bad("an instance claims " + len + " bytes of fields", at, end, what);
                            return;
                        }
                        if (wantFields) {
                            if (!need((int) len, "inside an instance record", at)) {
                                return;
                            }
                            v.instance(at, objectId, classId, (int) len, in.buf, in.pos);
                            in.pos += (int) len;
                        } else {
                            // Skipped first: an instance cut off inside its fields is not an object of the dump.
                            if (in.skip(len) < len) {
                                truncated("inside an instance record", at, in.position());
                                return;
                            }
                            v.instance(at, objectId, classId, (int) Math.min(len, Integer.MAX_VALUE), null, 0);
                        }
                    }
                    case SUB_OBJECT_ARRAY -> {
                        if (!need(2 * id + 8, "inside an object array record", at)) {
                            return;
                        }
                        long objectId = in.id(id);
                        in.pos += 4;
                        int length = in.i4();
                        long classId = in.id(id);
                        long bytes = (length & 0xFFFF_FFFFL) * id;
                        if (length < 0) {
                            bad("an object array claims " + (length & 0xFFFF_FFFFL) + " elements", at, end, what);
                            return;
                        }
                        if (wantElements) {
                            // Elements follow the header callback; a visitor that keeps objects drops one whose
                            // record the truncation cut (see ReadSummary.endOffset).
                            v.objectArray(at, objectId, classId, length);
                            if (!elements(length, at)) {
                                return;
                            }
                        } else {
                            // Reported only once complete, so a cut array is not counted.
                            if (in.skip(bytes) < bytes) {
                                truncated("inside an object array record", at, in.position());
                                return;
                            }
                            v.objectArray(at, objectId, classId, length);
                        }
                    }
                    case SUB_PRIMITIVE_ARRAY -> {
                        if (!need(id + 9, "inside a primitive array record", at)) {
                            return;
                        }
                        long objectId = in.id(id);
                        in.pos += 4;
                        int length = in.i4();
                        int type = in.u1();
                        int elementSize = BasicType.primitiveSize(type);
                        if (elementSize <= 0 || type == BasicType.OBJECT) {
                            bad("a primitive array has element type " + type, at, end, what);
                            return;
                        }
                        if (length < 0) {
                            bad("a primitive array claims " + (length & 0xFFFF_FFFFL) + " elements", at, end, what);
                            return;
                        }
                        long bytes = (long) length * elementSize;
                        // Skipped first: an array cut off inside its data is not an object of the dump.
                        if (in.skip(bytes) < bytes) {
                            truncated("inside a primitive array record", at, in.position());
                            return;
                        }
                        v.primitiveArray(at, objectId, type, length);
                    }
                    case SUB_CLASS_DUMP -> {
                        if (!classDump(at)) {
                            return;
                        }
                    }
                    default -> {
                        GcRootKind root = GcRootKind.ofTag(sub);
                        if (root == null) {
                            bad(String.format("unknown heap-dump sub-record tag 0x%02X", sub), at, end, what);
                            return;
                        }
                        int extra = root.extraBytes(id);
                        if (!need(id + extra, "inside a GC root record", at)) {
                            return;
                        }
                        long objectId = in.id(id);
                        int thread = -1;
                        int frame = -1;
                        switch (root) {
                            case JNI_GLOBAL -> in.pos += id;
                            case JNI_LOCAL, JAVA_FRAME -> {
                                thread = in.i4();
                                frame = in.i4();
                            }
                            case THREAD_OBJECT -> {
                                thread = in.i4();
                                frame = in.i4(); // the thread's stack trace serial
                            }
                            case NATIVE_STACK, THREAD_BLOCK -> thread = in.i4();
                            default -> {
                            }
                        }
                        v.gcRoot(root, objectId, thread, frame);
                    }
                }
            }
        }

        /** A sub-record that cannot be decoded: the rest of its record is skipped, since its length is known. */
        private void bad(String problem, long at, long end, String what) throws IOException {
            if (end == Long.MAX_VALUE) {
                truncated("at " + problem + ", in a " + what + " of unknown length", at, at);
                return;
            }
            v.warning(problem + "; skipped the rest of the " + what + " (" + (end - at) + " bytes)", at);
            long rest = end - in.position();
            if (in.skip(rest) < rest) {
                truncated("inside a " + what, at, in.position());
            }
        }

        private boolean elements(int length, long at) throws IOException {
            int perChunk = Math.max(1, ELEMENT_CHUNK_BYTES / idSize);
            int left = length;
            while (left > 0) {
                int n = Math.min(left, perChunk);
                if (!need(n * idSize, "inside an object array record", at)) {
                    return false;
                }
                v.objectArrayElements(in.buf, in.pos, n);
                in.pos += n * idSize;
                left -= n;
            }
            return true;
        }

        private boolean classDump(long at) throws IOException {
            final int id = idSize;
            if (!need(7 * id + 8 + 2, "inside a class dump record", at)) {
                return false;
            }
            long classId = in.id(id);
            int trace = in.i4();
            long superId = in.id(id);
            long loaderId = in.id(id);
            long signersId = in.id(id);
            long domainId = in.id(id);
            in.pos += 2 * id; // reserved
            int instanceSize = in.i4();
            int cpCount = in.u2();
            long[] cpRefs = new long[cpCount];
            int cpRefCount = 0;
            for (int i = 0; i < cpCount; i++) {
                if (!need(3, "inside a class dump record", at)) {
                    return false;
                }
                in.pos += 2;
                int type = in.u1();
                int size = BasicType.size(type, id);
                if (size < 0) {
                    return badClass("constant pool entry of type " + type, at);
                }
                if (!need(size, "inside a class dump record", at)) {
                    return false;
                }
                long value = readValue(type, size);
                if (type == BasicType.OBJECT && value != 0) {
                    cpRefs[cpRefCount++] = value;
                }
            }
            if (!need(2, "inside a class dump record", at)) {
                return false;
            }
            int staticCount = in.u2();
            long[] staticNames = new long[staticCount];
            byte[] staticTypes = new byte[staticCount];
            long[] staticValues = new long[staticCount];
            for (int i = 0; i < staticCount; i++) {
                if (!need(id + 1, "inside a class dump record", at)) {
                    return false;
                }
                staticNames[i] = in.id(id);
                int type = in.u1();
                int size = BasicType.size(type, id);
                if (size < 0) {
                    return badClass("static field of type " + type, at);
                }
                if (!need(size, "inside a class dump record", at)) {
                    return false;
                }
                staticTypes[i] = (byte) type;
                staticValues[i] = readValue(type, size);
            }
            if (!need(2, "inside a class dump record", at)) {
                return false;
            }
            int fieldCount = in.u2();
            long[] fieldNames = new long[fieldCount];
            byte[] fieldTypes = new byte[fieldCount];
            for (int i = 0; i < fieldCount; i++) {
                if (!need(id + 1, "inside a class dump record", at)) {
                    return false;
                }
                fieldNames[i] = in.id(id);
                int type = in.u1();
                if (!BasicType.isValid(type)) {
                    return badClass("instance field of type " + type, at);
                }
                fieldTypes[i] = (byte) type;
            }
            if (cpRefCount != cpCount) {
                cpRefs = java.util.Arrays.copyOf(cpRefs, cpRefCount);
            }
            v.classDump(new ClassDump(at, classId, trace, superId, loaderId, signersId, domainId, instanceSize,
                    cpRefs, staticNames, staticTypes, staticValues, fieldNames, fieldTypes));
            return true;
        }

        private boolean badClass(String what, long at) {
            // A class record of unknown shape desynchronises the rest of its segment.
            truncated("at a class dump with an invalid " + what + " (the dump is corrupt from here)", at, at);
            return false;
        }

        private long readValue(int type, int size) {
            switch (size) {
                case 1: return in.u1();
                case 2: return in.u2();
                case 4: return type == BasicType.OBJECT ? in.u4() : in.i4();
                default: return in.i8();
            }
        }
    }

    /** Decodes a UTF8 record's bytes (HPROF writes modified UTF-8; plain UTF-8 decoding is right for names). */
    public static String utf8String(byte[] bytes, int offset, int length) {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
}
