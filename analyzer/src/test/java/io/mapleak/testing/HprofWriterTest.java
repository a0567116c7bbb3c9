package io.mapleak.testing;

import static io.mapleak.testing.HprofWriter.BOOLEAN;
import static io.mapleak.testing.HprofWriter.BYTE;
import static io.mapleak.testing.HprofWriter.CHAR;
import static io.mapleak.testing.HprofWriter.DOUBLE;
import static io.mapleak.testing.HprofWriter.FLOAT;
import static io.mapleak.testing.HprofWriter.INT;
import static io.mapleak.testing.HprofWriter.LONG;
import static io.mapleak.testing.HprofWriter.OBJECT;
import static io.mapleak.testing.HprofWriter.SHORT;
import static io.mapleak.testing.HprofWriter.V101;
import static io.mapleak.testing.HprofWriter.V102;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mapleak.testing.HprofWriter.Field;
import io.mapleak.testing.HprofWriter.NameStyle;
import io.mapleak.testing.HprofWriter.StaticField;
import io.mapleak.testing.HprofWriter.Value;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads what {@link HprofWriter} writes back with a walker of its own, built from HPROF-NOTES' table. */
class HprofWriterTest {

    // ---------------------------------------------------------------- header and top-level records

    @Test
    void headerIsVersionNulIdSizeAndTimestamp() {
        byte[] file = new HprofWriter(V102, 8, 0x0102030405060708L).toBytes();

        assertThat(file).hasSize(18 + 1 + 4 + 8);
        assertThat(new String(file, 0, 18, StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE 1.0.2");
        assertThat(HexFormat.of().formatHex(file, 18, file.length)).isEqualTo("00" + "00000008" + "0102030405060708");
    }

    @Test
    void headerWritesAnyVersionAndIdSizeAsGiven() {
        byte[] old = new HprofWriter("JAVA PROFILE 1.0", 4).toBytes();
        byte[] garbage = new HprofWriter("GARBAGE\u00ff", 3).toBytes();

        assertThat(Arrays.copyOf(old, 17)).isEqualTo("JAVA PROFILE 1.0\0".getBytes(StandardCharsets.US_ASCII));
        assertThat(ByteBuffer.wrap(old, 17, 4).getInt()).isEqualTo(4);
        assertThat(ByteBuffer.wrap(old, 21, 8).getLong()).isEqualTo(HprofWriter.TIMESTAMP);
        assertThat(Arrays.copyOf(garbage, 9)).containsExactly('G', 'A', 'R', 'B', 'A', 'G', 'E', 0xff, 0);
        assertThat(ByteBuffer.wrap(garbage, 9, 4).getInt()).isEqualTo(3);
        assertThat(HprofWriter.headerless(8).toBytes()).isEmpty();
    }

    @Test
    void idSizeThreeWritesAHeaderButNoIds() {
        HprofWriter writer = new HprofWriter(V102, 3);

        assertThatThrownBy(() -> writer.id(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void utf8RecordIsTagTimeLengthIdAndText() {
        HprofWriter writer = new HprofWriter(V102, 8).timeOffset(0xFFFF_FFFFL);
        writer.utf8(0xAB, "héllo");
        byte[] file = writer.toBytes();

        Rec utf8 = records(file).get(0);
        assertThat(utf8.tag()).isEqualTo(0x01);
        assertThat(utf8.time()).isEqualTo(0xFFFF_FFFFL);
        assertThat(utf8.length()).isEqualTo(8 + 6);
        assertThat(ByteBuffer.wrap(file, utf8.body(), 8).getLong()).isEqualTo(0xAB);
        assertThat(new String(file, utf8.body() + 8, 6, StandardCharsets.UTF_8)).isEqualTo("héllo");
        assertThat(utf8.end()).isEqualTo(file.length);
    }

    @Test
    void idSizeChangesEveryRecordLengthByItsIdCount() {
        List<Rec> four = records(topLevelSample(4));
        List<Rec> eight = records(topLevelSample(8));

        // UTF8, LOAD_CLASS, UNLOAD_CLASS, STACK_FRAME, STACK_TRACE (2 frames), START_THREAD, unknown 0x77
        assertThat(four).extracting(Rec::tag).containsExactly(0x01, 0x02, 0x03, 0x04, 0x05, 0x0A, 0x77);
        assertThat(four).extracting(Rec::length).containsExactly(expectedLengths(4));
        assertThat(eight).extracting(Rec::length).containsExactly(expectedLengths(8));
    }

    /** Body lengths of the records of {@link #topLevelSample}, from their fields' widths. */
    private static Long[] expectedLengths(long id) {
        return new Long[] {id + 3, 4 + id + 4 + id, 4L, 4 * id + 4 + 4, 4 + 4 + 4 + 2 * id, 4 + id + 4 + 3 * id, 2L};
    }

    private static byte[] topLevelSample(int idSize) {
        return new HprofWriter(V102, idSize)
                .utf8(1, "abc")
                .loadClass(1, 0x100, 1, 1)
                .unloadClass(1)
                .stackFrame(0x200, 1, 1, 1, 1, -3)
                .stackTrace(2, 1, 0x200, 0x210)
                .startThread(1, 0x300, 2, 1, 1, 1)
                .record(0x77, new byte[] {1, 2})
                .toBytes();
    }

    @Test
    void stackFrameWritesNegativeLineNumbersAsTwosComplement() {
        byte[] file = new HprofWriter(V102, 4).stackFrame(1, 2, 3, 4, 5, -2).toBytes();

        Rec frame = records(file).get(0);
        assertThat(ByteBuffer.wrap(file, frame.body() + 16, 8).getInt()).isEqualTo(5);
        assertThat(ByteBuffer.wrap(file, frame.body() + 20, 4).getInt()).isEqualTo(-2);
    }

    @Test
    void fourByteIdsRefuseIdsBeyondU4() {
        HprofWriter writer = new HprofWriter(V102, 4);

        writer.id(0xFFFF_FFFFL);
        assertThatThrownBy(() -> writer.id(0x1_0000_0000L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.id(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordsDoNotNestAndSubRecordsNeedAHeapRecord() {
        HprofWriter writer = new HprofWriter(V102, 8);

        assertThatThrownBy(() -> writer.rootUnknown(1)).isInstanceOf(IllegalStateException.class);
        writer.beginHeapDumpSegment();
        assertThatThrownBy(() -> writer.utf8(1, "x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(writer::toBytes).isInstanceOf(IllegalStateException.class);
        writer.endRecord().record(0x99, new byte[0]);
        assertThat(records(writer.toBytes())).extracting(Rec::tag).containsExactly(0x1C, 0x99);
    }

    // ---------------------------------------------------------------- heap-dump sub-records

    @ParameterizedTest
    @ValueSource(ints = {4, 8})
    void everySubRecordKindHasTheBodyLengthOfTheNotesTable(int idSize) {
        HprofWriter writer = new HprofWriter(V102, idSize).beginHeapDumpSegment()
                .rootUnknown(0x10)
                .rootJniGlobal(0x10, 0x20)
                .rootJniLocal(0x10, 1, -1)
                .rootJavaFrame(0x10, 1, 0)
                .rootNativeStack(0x10, 1)
                .rootStickyClass(0x10)
                .rootThreadBlock(0x10, 1)
                .rootMonitorUsed(0x10)
                .rootThreadObject(0x10, 1, 2)
                .classDump(0x30, 1, 0x40, 0, 0, 0, 12, List.of(new HprofWriter.ConstantPoolEntry(3, Value.ofLong(7))),
                        List.of(new StaticField(0x50, Value.ofObject(0x60)), new StaticField(0x51, Value.ofChar('x'))),
                        List.of(new Field(0x52, INT), new Field(0x53, OBJECT)))
                .instanceDump(0x70, 1, 0x30, new byte[4 + idSize])
                .objectArray(0x80, 1, 0x90, 0x70, 0, 0x70)
                .primitiveArray(0xA0, 1, new boolean[] {true, false})
                .primitiveArray(0xA1, 1, new char[] {'a'})
                .primitiveArray(0xA2, 1, new float[] {1f, 2f, 3f})
                .primitiveArray(0xA3, 1, new double[] {1d})
                .primitiveArray(0xA4, 1, new byte[] {1, 2, 3, 4, 5})
                .primitiveArray(0xA5, 1, new short[] {1, 2})
                .primitiveArray(0xA6, 1, new int[] {1})
                .primitiveArray(0xA7, 1, new long[] {1, 2})
                .endRecord();
        byte[] file = writer.toBytes();

        Rec segment = records(file).get(0);
        List<Sub> subs = subRecords(file, segment, idSize);
        assertThat(subs).extracting(Sub::tag).containsExactly(0xFF, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                0x20, 0x21, 0x22, 0x23, 0x23, 0x23, 0x23, 0x23, 0x23, 0x23, 0x23);
        assertThat(subs.get(subs.size() - 1).end()).isEqualTo(segment.end());
        int id = idSize;
        assertThat(subs.subList(0, 9)).extracting(Sub::size)
                .containsExactly(1 + id, 1 + 2 * id, 1 + id + 8, 1 + id + 8, 1 + id + 4, 1 + id, 1 + id + 4, 1 + id, 1 + id + 8);
        // class: 7 ids + 2 u4, cp (u2 + [u2 u1 u8]), statics (u2 + [id u1 id] + [id u1 u2]), fields (u2 + 2 × [id u1])
        assertThat(subs.get(9).size()).isEqualTo(1 + 7 * id + 8 + (2 + 11) + (2 + 2 * id + 1 + id + 1 + 2) + (2 + 2 * (id + 1)));
        assertThat(subs.get(12).size()).isEqualTo(1 + id + 9 + 2);
        assertThat(Byte.toUnsignedInt(file[subs.get(12).offset() + 1 + id + 8])).isEqualTo(BOOLEAN);
        assertThat(subs.subList(12, 20)).extracting(s -> Byte.toUnsignedInt(file[s.offset() + 1 + id + 8]))
                .containsExactly(BOOLEAN, CHAR, FLOAT, DOUBLE, BYTE, SHORT, INT, LONG);
        assertThat(writer.offsetOfObject(0x70)).isEqualTo(subs.get(10).offset());
    }

    @Test
    void primitiveArrayBytesAreBigEndian() {
        HprofWriter writer = new HprofWriter(V102, 4).beginHeapDumpSegment()
                .primitiveArray(1, 1, new int[] {0x01020304, -1})
                .primitiveArray(2, 1, new char[] {'\u00e9'})
                .primitiveArray(3, 1, new double[] {1.0})
                .endRecord();
        byte[] file = writer.toBytes();

        List<Sub> subs = subRecords(file, records(file).get(0), 4);
        assertThat(hex(file, subs.get(0).offset(), subs.get(0).size())).isEqualTo("23" + "00000001" + "00000001" + "00000002" + "0a" + "01020304ffffffff");
        assertThat(hex(file, subs.get(1).end() - 2, 2)).isEqualTo("00e9");
        assertThat(hex(file, subs.get(2).end() - 8, 8)).isEqualTo("3ff0000000000000");
    }

    @Test
    void encodeWritesEachValueInItsTypesWidth() {
        HprofWriter four = HprofWriter.headerless(4);
        HprofWriter eight = HprofWriter.headerless(8);
        Value[] values = {Value.ofObject(0x1234), Value.ofBoolean(true), Value.ofChar('A'), Value.ofFloat(1.5f),
                Value.ofDouble(-2.0), Value.ofByte((byte) -1), Value.ofShort((short) 258), Value.ofInt(-2), Value.ofLong(1L << 40)};

        assertThat(HexFormat.of().formatHex(four.encode(values))).isEqualTo(
                "00001234" + "01" + "0041" + "3fc00000" + "c000000000000000" + "ff" + "0102" + "fffffffe" + "0000010000000000");
        assertThat(eight.encode(values)).hasSize(four.encode(values).length + 4);
        assertThat(four.sizeOf(OBJECT)).isEqualTo(4);
        assertThat(eight.sizeOf(OBJECT)).isEqualTo(8);
    }

    // ---------------------------------------------------------------- heap builder

    @Test
    void registryClassGetsItsNameLoadClassAndClassDump() {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long sessions = heap.newId();
        long registry = heap.newClass("com.acme.Registry")
                .staticField("SESSIONS", Value.ofObject(sessions))
                .field("table", OBJECT).field("size", INT)
                .define();
        byte[] file = heap.write().toBytes();

        Dump dump = Dump.read(file);
        assertThat(dump.className(registry)).isEqualTo("com/acme/Registry");
        ClassRec rec = dump.classes.get(registry);
        assertThat(rec.superId()).isEqualTo(heap.classId("java.lang.Object"));
        assertThat(dump.className(rec.superId())).isEqualTo("java/lang/Object");
        assertThat(rec.loaderId()).isZero();
        assertThat(rec.instanceSize()).isEqualTo(8 + 4);
        assertThat(rec.statics()).containsExactly(new StaticField(dump.nameId("SESSIONS"), Value.ofObject(sessions)));
        assertThat(rec.fields()).containsExactly(new Field(dump.nameId("table"), OBJECT), new Field(dump.nameId("size"), INT));
        assertThat(dump.tags).containsSubsequence(0x01, 0x02, 0x05, 0x1C, 0x2C);
        assertThat(dump.tags.get(dump.tags.size() - 1)).isEqualTo(0x2C);
        assertThat(dump.emptyTraceSerials).containsExactly(1L);
    }

    @Test
    void jdkBasicsDefineObjectClassStringAndArraysLikeJdk17() {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        byte[] file = heap.write().toBytes();

        Dump dump = Dump.read(file);
        assertThat(dump.loadedNames).containsExactly("java/lang/Object", "java/lang/Class", "java/lang/String", "[B", "[Ljava/lang/Object;");
        ClassRec string = dump.classes.get(heap.classId("java.lang.String"));
        assertThat(string.fields()).extracting(f -> dump.strings.get(f.nameId()) + ":" + f.type())
                .containsExactly("hashIsZero:4", "hash:10", "coder:8", "value:2");
        assertThat(string.instanceSize()).isEqualTo(14); // as HotSpot 17 writes it with 8-byte ids
        assertThat(dump.classes.get(heap.classId("java.lang.Class")).instanceSize()).isEqualTo(14 * 8 + 4);
        assertThat(dump.classes.get(heap.classId("java.lang.Object")).superId()).isZero();
        assertThat(dump.classes.get(heap.classId("byte[]")).superId()).isEqualTo(heap.classId("java.lang.Object"));
    }

    @Test
    void stringsAreLatin1OrLittleEndianUtf16WithTheirValueArray() {
        HprofWriter writer = new HprofWriter(V102, 4);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long hello = heap.string("hello");
        long euro = heap.string("€1");
        byte[] file = heap.write().toBytes();

        Dump dump = Dump.read(file);
        byte[] helloFields = dump.instances.get(hello).fields();
        // hashIsZero, hash, coder, value
        assertThat(hex(helloFields, 0, 6)).isEqualTo("00" + "00000000" + "00");
        long helloValue = ByteBuffer.wrap(helloFields, 6, 4).getInt() & 0xFFFF_FFFFL;
        assertThat(dump.primitiveArrays.get(helloValue).type()).isEqualTo(BYTE);
        assertThat(dump.primitiveArrays.get(helloValue).data()).isEqualTo("hello".getBytes(StandardCharsets.ISO_8859_1));
        byte[] euroFields = dump.instances.get(euro).fields();
        assertThat(euroFields[5]).isEqualTo((byte) 1);
        long euroValue = ByteBuffer.wrap(euroFields, 6, 4).getInt() & 0xFFFF_FFFFL;
        assertThat(hex(dump.primitiveArrays.get(euroValue).data(), 0, 4)).isEqualTo("ac203100");
    }

    @Test
    void instanceFieldsGoOwnClassFirstThenSuperclassesAndHashNamesAShadowedOne() {
        HprofWriter writer = new HprofWriter(V102, 4);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long base = heap.newClass("com.acme.Base").field("next", OBJECT).field("count", INT).define();
        long entry = heap.newClass("com.acme.Entry").superclass(base).field("next", OBJECT).field("live", BOOLEAN).define();
        long object = heap.instance(entry, Map.of("next", Value.ofObject(0xAAAA), "com.acme.Base#next", Value.ofObject(0xBBBB),
                "count", Value.ofInt(3)));
        byte[] file = heap.write().toBytes();

        Dump dump = Dump.read(file);
        assertThat(hex(dump.instances.get(object).fields(), 0, 13)).isEqualTo("0000aaaa" + "00" + "0000bbbb" + "00000003");
        assertThat(dump.classes.get(entry).instanceSize()).isEqualTo(13);
        assertThat(dump.classes.get(base).instanceSize()).isEqualTo(8);
    }

    @Test
    void fieldValuesOfTheWrongTypeOrNameAreRefusedWhenWritten() {
        HprofWriter.Heap wrongType = new HprofWriter(V102, 8).heap().withJdkBasics();
        wrongType.instance(wrongType.newClass("A").field("size", INT).define(), Map.of("size", Value.ofLong(3)));
        HprofWriter.Heap wrongName = new HprofWriter(V102, 8).heap().withJdkBasics();
        wrongName.instance(wrongName.classId("java.lang.Object"), Map.of("size", Value.ofInt(3)));

        assertThatThrownBy(wrongType::write).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size");
        assertThatThrownBy(wrongName::write).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no field size");
    }

    @Test
    void classesMayBeDefinedAfterTheirInstances() {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long classId = heap.newId();
        long object = heap.instance(classId, Map.of("size", Value.ofInt(9)));
        heap.at(classId).newClass("com.acme.Late").field("size", INT).define();
        byte[] file = heap.write().toBytes();

        Dump dump = Dump.read(file);
        assertThat(dump.instances.get(object).fields()).containsExactly(0, 0, 0, 9);
        assertThat(writer.offsetOfObject(object)).isLessThan(writer.offsetOfObject(classId));
    }

    @Test
    void idsAdvanceByTheStrideAndAtPinsOneWithoutAdvancing() {
        HprofWriter.Heap heap = new HprofWriter(V102, 8).heap();

        assertThat(heap.newId()).isEqualTo(0x10000);
        assertThat(heap.newId()).isEqualTo(0x10010);
        assertThat(heap.at(0x7777).newId()).isEqualTo(0x7777);
        assertThat(heap.newId()).isEqualTo(0x10020);
        heap.ids(100, 1);
        assertThat(heap.newId()).isEqualTo(100);
        assertThat(heap.newId()).isEqualTo(101);
    }

    @Test
    void classNamesAreWrittenInJvmOrAgentForm() {
        HprofWriter.Heap jvm = new HprofWriter(V102, 8).heap();
        for (String name : List.of("java.lang.Object", "java.lang.String[]", "int[][]", "java.util.Map$Entry[]")) {
            jvm.newClass(name).define();
        }
        HprofWriter.Heap agent = new HprofWriter(V102, 4).heap().names(NameStyle.HPROF_AGENT);
        for (String name : List.of("java.lang.Object", "java.lang.String[]", "int[]")) {
            agent.newClass(name).define();
        }

        assertThat(Dump.read(jvm.write().toBytes()).loadedNames)
                .containsExactly("java/lang/Object", "[Ljava/lang/String;", "[[I", "[Ljava/util/Map$Entry;");
        assertThat(Dump.read(agent.write().toBytes()).loadedNames).containsExactly("java.lang.Object", "java.lang.String[]", "int[]");
    }

    @Test
    void twoDumpsIn102AreTwoSegmentRunsEachEndedByHeapDumpEnd() {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        heap.at(0x9000).string("first");
        heap.splitSegment();
        heap.stickyClassRoots();
        heap.nextDump();
        heap.at(0x9000).string("second"); // ids may repeat across dumps
        byte[] file = heap.write().toBytes();

        List<Rec> heapRecords = records(file).stream().filter(r -> r.tag() >= 0x0C).toList();
        assertThat(heapRecords).extracting(Rec::tag).containsExactly(0x1C, 0x1C, 0x2C, 0x1C, 0x2C);
        assertThat(heapRecords.get(2).length()).isZero();
        assertThat(writer.offsetOf("segment 1")).isEqualTo(heapRecords.get(1).offset());
        assertThat(writer.offsetOf("end 0")).isEqualTo(heapRecords.get(2).offset());
        assertThat(writer.offsetOf("dump 1")).isEqualTo(heapRecords.get(3).offset());
        assertThat(writer.offsetOf("segment 2")).isEqualTo(heapRecords.get(3).offset());
        // the second dump repeats the five basic classes; sticky roots only where asked
        assertThat(subRecords(file, heapRecords.get(3), 8)).extracting(Sub::tag).startsWith(0x20, 0x20, 0x20, 0x20, 0x20, 0x21, 0x23);
        assertThat(subRecords(file, heapRecords.get(1), 8)).extracting(Sub::tag).containsExactly(0x05, 0x05, 0x05);
        assertThat(writer.offsetOfObject(0x9000)).isGreaterThan(heapRecords.get(3).offset());
    }

    @Test
    void twoDumpsIn101AreTwoHeapDumpRecordsWithoutHeapDumpEnd() {
        HprofWriter writer = new HprofWriter(V101, 4);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        heap.string("a");
        heap.nextDump();
        heap.string("b");
        byte[] file = heap.write().toBytes();

        assertThat(records(file).stream().filter(r -> r.tag() >= 0x0C)).extracting(Rec::tag).containsExactly(0x0C, 0x0C);
        HprofWriter.Heap split = new HprofWriter(V101, 4).heap().splitSegment();
        assertThatThrownBy(split::write).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cutOffLeavesTheLastHeapRecordWithLengthZeroAndNoHeapDumpEnd() {
        HprofWriter writer = new HprofWriter(V101, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        heap.string("lost");
        byte[] file = heap.cutOff().write().toBytes();

        Rec last = records(file).get(records(file).size() - 1);
        assertThat(last.tag()).isEqualTo(0x0C);
        assertThat(last.length()).isZero();
        assertThat(last.offset()).isEqualTo(writer.offsetOf("dump 0"));
        // read to end of file, the body holds the five classes, the string and its array
        Rec toEnd = new Rec(last.tag(), last.offset(), last.time(), file.length - last.body());
        assertThat(subRecords(file, toEnd, 8)).hasSize(7);
    }

    @Test
    void endRecordWithALengthWritesThatLengthWhateverTheBody() {
        HprofWriter writer = new HprofWriter(V101, 8).beginHeapDump().rootUnknown(0x10);
        byte[] whileOpen = writer.bytesUpTo(writer.position());
        byte[] file = writer.endRecord(0).toBytes();

        assertThat(records(file).get(0).length()).isZero();
        assertThat(whileOpen).isEqualTo(file);
    }

    @Test
    void marksAndObjectOffsetsPointAtTheRecordsToTruncateInside() {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long registry = heap.newClass("com.acme.Registry").field("size", INT).define();
        heap.mark("before X");
        long x = heap.instance(registry, Map.of("size", Value.ofInt(1)));
        byte[] file = heap.write().toBytes();

        long at = writer.offsetOfObject(x);
        assertThat(writer.offsetOf("before X")).isEqualTo(at);
        assertThat(file[(int) at]).isEqualTo((byte) 0x21);
        assertThat(ByteBuffer.wrap(file, (int) at + 1, 8).getLong()).isEqualTo(x);
        assertThat(file[(int) writer.offsetOf("segment 0")]).isEqualTo((byte) 0x1C);
        assertThat(writer.bytesUpTo(at + 3)).isEqualTo(Arrays.copyOf(file, (int) at + 3));
        assertThatThrownBy(() -> writer.offsetOf("nowhere")).hasMessageContaining("before X");
    }

    @Test
    void writeToPathWritesTheSameBytes(@TempDir Path dir) throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8).utf8(1, "x");

        Path file = writer.writeTo(dir.resolve("a.hprof"));

        assertThat(Files.readAllBytes(file)).isEqualTo(writer.toBytes());
    }

    @Test
    void preambleRecordsFromTopComeAfterLoadClassAndBeforeTheHeap() {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long run = heap.name("run");
        heap.top(w -> w.stackFrame(0x5000, run, run, run, 1, -1).stackTrace(2, 1, 0x5000).record(0x42, new byte[3]));
        heap.add(w -> w.rootJavaFrame(heap.classId("java.lang.Object"), 1, 0));
        byte[] file = heap.write().toBytes();

        Dump dump = Dump.read(file);
        assertThat(dump.tags).containsSubsequence(0x02, 0x05, 0x04, 0x05, 0x42, 0x1C);
        assertThat(dump.strings).containsValue("run");
    }

    // ---------------------------------------------------------------- gzip

    @Test
    void chunkedGzipRoundTripsThroughGZIPInputStream() throws IOException {
        byte[] data = sampleData(250_000);

        byte[] gz = HprofWriter.gzipChunked(data, 64 * 1024);

        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void eachChunkedMemberInflatesToTheBlockSizeAndOnlyTheFirstCarriesTheComment() throws DataFormatException {
        byte[] data = sampleData(250_000);

        List<Member> members = members(HprofWriter.gzipChunked(data, 64 * 1024));

        assertThat(members).extracting(m -> m.data().length).containsExactly(65536, 65536, 65536, 250_000 - 3 * 65536);
        assertThat(members).extracting(Member::comment).containsExactly("HPROF BLOCKSIZE=65536", null, null, null);
        assertThat(members).allSatisfy(m -> assertThat(m.isize()).isEqualTo(m.data().length));
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        members.forEach(m -> joined.writeBytes(m.data()));
        assertThat(joined.toByteArray()).isEqualTo(data);
    }

    @Test
    void memberHeadersMatchWhatHotSpot17WritesAtLevel1() {
        byte[] gz = HprofWriter.gzipChunked(sampleData(3000), 1024);

        // seen in `jcmd PID GC.heap_dump -gz=1`: 1f8b 0810 00000000 04 00 "HPROF BLOCKSIZE=1048576" 00
        assertThat(hex(gz, 0, 10)).isEqualTo("1f8b0810000000000400");
        assertThat(new String(gz, 10, 20, StandardCharsets.US_ASCII)).isEqualTo("HPROF BLOCKSIZE=1024");
        assertThat(gz[30]).isZero();
        // later members: no flags, OS 3 (Unix)
        int second = members(gz).get(1).offset();
        assertThat(hex(gz, second, 10)).isEqualTo("1f8b0800000000000403");
    }

    @Test
    void chunkedGzipTakesMemberLengthsLevelAndCommentedMemberCount() throws IOException {
        byte[] data = sampleData(10_000);

        byte[] gz = HprofWriter.gzipChunked(data, 4096, 6, new int[] {4096, 4000, 1904}, 2);

        List<Member> members = members(gz);
        assertThat(members).extracting(m -> m.data().length).containsExactly(4096, 4000, 1904);
        assertThat(members).extracting(Member::comment).containsExactly("HPROF BLOCKSIZE=4096", "HPROF BLOCKSIZE=4096", null);
        assertThat(gz[8]).isZero(); // XFL of level 6
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThatThrownBy(() -> HprofWriter.gzipChunked(data, 4096, 6, new int[] {4096}, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void plainGzipIsOneMemberWithoutComment() throws IOException {
        byte[] data = sampleData(100_000);

        byte[] gz = HprofWriter.gzipPlain(data);

        assertThat(members(gz)).singleElement().satisfies(m -> assertThat(m.comment()).isNull());
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    // ---------------------------------------------------------------- a reader of its own, from HPROF-NOTES

    private record Rec(int tag, int offset, long time, long length) {
        int body() {
            return offset + 9;
        }

        int end() {
            return (int) (body() + length);
        }
    }

    private record Sub(int tag, int offset, int end) {
        int size() {
            return end - offset;
        }
    }

    private static List<Rec> records(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file);
        int nul = 0;
        while (file[nul] != 0) {
            nul++;
        }
        in.position(nul + 1 + 4 + 8);
        List<Rec> result = new ArrayList<>();
        while (in.hasRemaining()) {
            int offset = in.position();
            Rec rec = new Rec(Byte.toUnsignedInt(in.get()), offset, Integer.toUnsignedLong(in.getInt()), Integer.toUnsignedLong(in.getInt()));
            result.add(rec);
            if (rec.tag() == 0x0C && rec.length() == 0) {
                break; // a HEAP_DUMP of length 0 runs to end of file
            }
            in.position(rec.end());
        }
        return result;
    }

    private static List<Sub> subRecords(byte[] file, Rec record, int idSize) {
        ByteBuffer in = ByteBuffer.wrap(file, 0, record.end());
        in.position(record.body());
        List<Sub> result = new ArrayList<>();
        while (in.hasRemaining()) {
            int offset = in.position();
            int tag = Byte.toUnsignedInt(in.get());
            skip(in, switch (tag) {
                case 0xFF, 0x05, 0x07 -> idSize;
                case 0x01 -> 2 * idSize;
                case 0x02, 0x03, 0x08 -> idSize + 8;
                case 0x04, 0x06 -> idSize + 4;
                case 0x20 -> classDumpBodySize(in, idSize);
                case 0x21 -> {
                    in.position(in.position() + 2 * idSize + 4);
                    yield in.getInt();
                }
                case 0x22 -> {
                    in.position(in.position() + idSize + 4);
                    int length = in.getInt();
                    yield idSize + (long) length * idSize;
                }
                case 0x23 -> {
                    in.position(in.position() + idSize + 4);
                    int length = in.getInt();
                    yield 1 + (long) length * typeSize(in.get(in.position()), idSize);
                }
                default -> throw new AssertionError("unknown sub-record 0x" + Integer.toHexString(tag) + " at " + offset);
            });
            result.add(new Sub(tag, offset, in.position()));
        }
        return result;
    }

    private static long classDumpBodySize(ByteBuffer in, int idSize) {
        int start = in.position();
        in.position(start + 7 * idSize + 8);
        int constants = Short.toUnsignedInt(in.getShort());
        for (int i = 0; i < constants; i++) {
            in.position(in.position() + 2);
            skip(in, 1 + typeSize(in.get(in.position()), idSize));
        }
        int statics = Short.toUnsignedInt(in.getShort());
        for (int i = 0; i < statics; i++) {
            in.position(in.position() + idSize);
            skip(in, 1 + typeSize(in.get(in.position()), idSize));
        }
        int fields = Short.toUnsignedInt(in.getShort());
        in.position(in.position() + fields * (idSize + 1));
        int end = in.position();
        in.position(start);
        return end - start;
    }

    private static void skip(ByteBuffer in, long n) {
        in.position(Math.toIntExact(in.position() + n));
    }

    private static int typeSize(byte type, int idSize) {
        return switch (type) {
            case 2 -> idSize;
            case 4, 8 -> 1;
            case 5, 9 -> 2;
            case 6, 10 -> 4;
            case 7, 11 -> 8;
            default -> throw new AssertionError("unknown basic type " + type);
        };
    }

    private record ClassRec(long superId, long loaderId, int instanceSize, List<StaticField> statics, List<Field> fields) {
    }

    private record InstanceRec(long classId, byte[] fields) {
    }

    private record ArrayRec(int type, byte[] data) {
    }

    /** What a whole small file holds, read the slow and obvious way. */
    private static final class Dump {
        final List<Integer> tags = new ArrayList<>();
        final Map<Long, String> strings = new HashMap<>();
        final Map<Long, Long> classNameIds = new HashMap<>();
        final List<String> loadedNames = new ArrayList<>();
        final List<Long> emptyTraceSerials = new ArrayList<>();
        final Map<Long, ClassRec> classes = new HashMap<>();
        final Map<Long, InstanceRec> instances = new HashMap<>();
        final Map<Long, ArrayRec> primitiveArrays = new HashMap<>();
        private int idSize;

        static Dump read(byte[] file) {
            Dump dump = new Dump();
            int nul = 0;
            while (file[nul] != 0) {
                nul++;
            }
            dump.idSize = ByteBuffer.wrap(file, nul + 1, 4).getInt();
            for (Rec rec : records(file)) {
                dump.tags.add(rec.tag());
                ByteBuffer in = ByteBuffer.wrap(file, 0, rec.end()).position(rec.body());
                switch (rec.tag()) {
                    case 0x01 -> {
                        long id = dump.id(in);
                        dump.strings.put(id, new String(file, in.position(), rec.end() - in.position(), StandardCharsets.UTF_8));
                    }
                    case 0x02 -> {
                        in.getInt();
                        long classId = dump.id(in);
                        in.getInt();
                        long nameId = dump.id(in);
                        dump.classNameIds.put(classId, nameId);
                        dump.loadedNames.add(dump.strings.get(nameId));
                    }
                    case 0x05 -> {
                        long serial = Integer.toUnsignedLong(in.getInt());
                        in.getInt();
                        if (in.getInt() == 0) {
                            dump.emptyTraceSerials.add(serial);
                        }
                    }
                    case 0x0C, 0x1C -> subRecords(file, rec, dump.idSize).forEach(sub -> dump.readSub(file, sub));
                    default -> { }
                }
            }
            return dump;
        }

        private void readSub(byte[] file, Sub sub) {
            ByteBuffer in = ByteBuffer.wrap(file, 0, sub.end()).position(sub.offset() + 1);
            switch (sub.tag()) {
                case 0x20 -> {
                    long id = id(in);
                    in.getInt();
                    long superId = id(in);
                    long loaderId = id(in);
                    for (int i = 0; i < 4; i++) {
                        id(in);
                    }
                    int instanceSize = in.getInt();
                    int constants = Short.toUnsignedInt(in.getShort());
                    for (int i = 0; i < constants; i++) {
                        in.getShort();
                        value(in, in.get());
                    }
                    List<StaticField> statics = new ArrayList<>();
                    int staticCount = Short.toUnsignedInt(in.getShort());
                    for (int i = 0; i < staticCount; i++) {
                        long nameId = id(in);
                        statics.add(new StaticField(nameId, value(in, in.get())));
                    }
                    List<Field> fields = new ArrayList<>();
                    int fieldCount = Short.toUnsignedInt(in.getShort());
                    for (int i = 0; i < fieldCount; i++) {
                        long nameId = id(in);
                        fields.add(new Field(nameId, in.get()));
                    }
                    classes.put(id, new ClassRec(superId, loaderId, instanceSize, statics, fields));
                }
                case 0x21 -> {
                    long id = id(in);
                    in.getInt();
                    long classId = id(in);
                    byte[] fields = new byte[in.getInt()];
                    in.get(fields);
                    instances.put(id, new InstanceRec(classId, fields));
                }
                case 0x23 -> {
                    long id = id(in);
                    in.getInt();
                    int length = in.getInt();
                    int type = in.get();
                    byte[] data = new byte[length * typeSize((byte) type, idSize)];
                    in.get(data);
                    primitiveArrays.put(id, new ArrayRec(type, data));
                }
                default -> { }
            }
        }

        private Value value(ByteBuffer in, byte type) {
            long bits = switch (type) {
                case 2 -> id(in);
                case 4, 8 -> in.get();
                case 5 -> in.getChar();
                case 9 -> in.getShort();
                case 6, 10 -> in.getInt();
                default -> in.getLong();
            };
            return new Value(type, bits);
        }

        private long id(ByteBuffer in) {
            return idSize == 4 ? Integer.toUnsignedLong(in.getInt()) : in.getLong();
        }

        String className(long classId) {
            return strings.get(classNameIds.get(classId));
        }

        long nameId(String text) {
            return strings.entrySet().stream().filter(e -> e.getValue().equals(text)).findFirst().orElseThrow().getKey();
        }
    }

    private record Member(int offset, String comment, byte[] data, long isize) {
    }

    /** Splits a gzip file into its members by parsing each header and inflating each body on its own. */
    private static List<Member> members(byte[] gz) {
        List<Member> result = new ArrayList<>();
        int pos = 0;
        while (pos < gz.length) {
            int offset = pos;
            assertThat(hex(gz, pos, 3)).isEqualTo("1f8b08");
            int flags = gz[pos + 3];
            assertThat(flags & ~0x18).as("only FNAME and FCOMMENT expected").isZero();
            pos += 10;
            if ((flags & 0x08) != 0) {
                while (gz[pos++] != 0) { }
            }
            String comment = null;
            if ((flags & 0x10) != 0) {
                int start = pos;
                while (gz[pos] != 0) {
                    pos++;
                }
                comment = new String(gz, start, pos - start, StandardCharsets.ISO_8859_1);
                pos++;
            }
            Inflater inflater = new Inflater(true);
            inflater.setInput(gz, pos, gz.length - pos);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            try {
                while (!inflater.finished()) {
                    int n = inflater.inflate(chunk);
                    assertThat(n > 0 || !inflater.needsInput()).as("member at %d is cut off", offset).isTrue();
                    out.write(chunk, 0, n);
                }
            } catch (DataFormatException e) {
                throw new AssertionError("member at " + offset + " does not inflate", e);
            }
            pos = gz.length - inflater.getRemaining();
            inflater.end();
            ByteBuffer trailer = ByteBuffer.wrap(gz, pos, 8).order(ByteOrder.LITTLE_ENDIAN);
            CRC32 crc = new CRC32();
            crc.update(out.toByteArray());
            assertThat(Integer.toUnsignedLong(trailer.getInt())).as("CRC32 of member at %d", offset).isEqualTo(crc.getValue());
            long isize = Integer.toUnsignedLong(trailer.getInt());
            pos += 8;
            result.add(new Member(offset, comment, out.toByteArray(), isize));
        }
        return result;
    }

    /** Compressible but not trivial, like a heap: runs of structure with noise. */
    private static byte[] sampleData(int length) {
        byte[] data = new byte[length];
        Random random = new Random(42);
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i % 97 < 60 ? i % 13 : random.nextInt(256));
        }
        return data;
    }

    private static String hex(byte[] bytes, int offset, int length) {
        return HexFormat.of().formatHex(bytes, offset, offset + length);
    }
}
