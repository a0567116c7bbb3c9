package io.mapleak.hprof;

import static io.mapleak.testing.HprofWriter.BOOLEAN;
import static io.mapleak.testing.HprofWriter.INT;
import static io.mapleak.testing.HprofWriter.LONG;
import static io.mapleak.testing.HprofWriter.OBJECT;
import static io.mapleak.testing.HprofWriter.V101;
import static io.mapleak.testing.HprofWriter.V102;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mapleak.cli.Main;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Histogram;
import io.mapleak.heap.HistogramBuilder;
import io.mapleak.heap.Instance;
import io.mapleak.heap.ReadOptions;
import io.mapleak.heap.ThreadInfo;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.NameStyle;
import io.mapleak.testing.HprofWriter.Value;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Edge cases of the HPROF format that no JVM writes on demand, built with {@link HprofWriter} and read back through
 * {@link HistogramBuilder} and {@link HeapIndex}. Every expected number comes from what the test wrote.
 */
class HprofEdgeCasesTest {

    @TempDir
    Path dir;

    private int files;

    // ---------------------------------------------------------------- ids, versions, record framing

    @Test
    void fourByteIdsAboveTwoToThe31ReadCountsNamesAndReferences() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 4);
        // Ids with the top bit set: a reader that sign-extends 4-byte ids resolves none of them.
        HprofWriter.Heap heap = writer.heap().ids(0x8000_0000L, 16).withJdkBasics();
        long node = heap.newClass("com.acme.Node").field("next", OBJECT).field("value", INT).define();
        long tail = heap.instance(node, Map.of("value", Value.ofInt(2)));
        long head = heap.instance(node, Map.of("next", Value.ofObject(tail), "value", Value.ofInt(1)));
        long array = heap.objectArray(heap.classId("java.lang.Object[]"), head, 0, tail);
        long text = heap.string("four");
        heap.add(w -> w.rootJniGlobal(array, 0x99));
        Path file = save(heap.write());

        Histogram h = histogram(file);
        assertThat(h.facts().header().idSize()).isEqualTo(4);
        assertThat(instancesByName(h)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "com.acme.Node", 2L, "java.lang.Object[]", 1L, "java.lang.String", 1L, "byte[]", 1L,
                "java.lang.Class", 6L)); // 6 class records: the 5 basics and Node
        assertThat(h.objects()).isEqualTo(11);

        try (HeapIndex index = index(file)) {
            assertThat(index.idSize()).isEqualTo(4);
            assertThat(index.objectCount()).isEqualTo(11);
            int headAt = index.indexOf(head);
            int tailAt = index.indexOf(tail);
            int arrayAt = index.indexOf(array);
            assertThat(List.of(headAt, tailAt, arrayAt)).doesNotContain(-1);
            assertThat(index.id(headAt)).isEqualTo(head);
            assertThat(index.classOf(headAt).name()).isEqualTo("com.acme.Node");
            assertThat(index.classOf(arrayAt).name()).isEqualTo("java.lang.Object[]");
            assertThat(outbound(index, headAt)).containsExactly(tailAt);
            assertThat(outbound(index, tailAt)).isEmpty();
            assertThat(outbound(index, arrayAt)).containsExactly(headAt, tailAt);
            assertThat(index.danglingReferences()).isZero();
            assertThat(index.rootCount()).isEqualTo(1);
            assertThat(index.rootKind(0)).isEqualTo(GcRootKind.JNI_GLOBAL);
            assertThat(index.rootObject(0)).isEqualTo(arrayAt);
            Instance headFields = index.reader().instance(headAt);
            assertThat(headFields.ref("next")).isEqualTo(tail);
            assertThat(headFields.getInt("value")).isEqualTo(1);
            assertThat(index.reader().string(index.indexOf(text), 100)).isEqualTo("four");
        }
    }

    @Test
    void aLargeObjectArrayReadsWholeAndFromAnyElementAcrossItsPieces() throws IOException {
        // Object arrays are read a piece (32,768 elements) at a time: 100,000 elements cross three piece boundaries.
        for (int idSize : new int[] {4, 8}) {
            HprofWriter writer = new HprofWriter(V102, idSize);
            HprofWriter.Heap heap = writer.heap().withJdkBasics();
            long node = heap.newClass("com.acme.Node").field("value", INT).define();
            long[] nodes = new long[7];
            for (int i = 0; i < nodes.length; i++) {
                nodes[i] = heap.instance(node, Map.of("value", Value.ofInt(i)));
            }
            long[] elements = new long[100_000];
            for (int i = 0; i < elements.length; i++) {
                elements[i] = i % 11 == 0 ? 0 : nodes[(i * 31) % nodes.length]; // nulls and a pattern to check
            }
            long array = heap.objectArray(heap.classId("java.lang.Object[]"), elements);
            heap.add(w -> w.rootJniGlobal(array, 0x99));
            Path file = save(heap.write());
            try (HeapIndex index = index(file)) {
                int at = index.indexOf(array);
                assertThat(index.reader().objectArray(at, 0, Integer.MAX_VALUE)).as("ids of %d bytes", idSize)
                        .containsExactly(elements);
                assertThat(index.reader().objectArray(at, 32_760, 40_000)).as("from inside the first piece")
                        .containsExactly(java.util.Arrays.copyOfRange(elements, 32_760, 72_760));
                assertThat(index.reader().objectArray(at, 99_990, 100)).as("the last elements")
                        .containsExactly(java.util.Arrays.copyOfRange(elements, 99_990, 100_000));
            }
        }
    }

    @Test
    void anObjectTheDumpContradictsAfterIndexingCostsAPathOnlyItsFieldName() throws IOException {
        // A damaged dump once failed an analysis with an internal error when naming an owner path through an object
        // whose record, read again, claimed more bytes than the file holds. Damaged here after indexing: the
        // instance's field length becomes 0xE0000001 (pass 1 skips such a record; this one it had accepted).
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        // "prev" stays null, so the index's reference slots cannot name the field and the record is read again.
        // A node whose every reference field is set is named from the slots, without reading its record.
        long node = heap.newClass("com.acme.Node").field("next", OBJECT).field("prev", OBJECT).field("value", INT)
                .define();
        long tail = heap.instance(node, Map.of("value", Value.ofInt(2)));
        long head = heap.instance(node, Map.of("next", Value.ofObject(tail), "value", Value.ofInt(1)));
        long other = heap.instance(node, Map.of("next", Value.ofObject(tail), "value", Value.ofInt(3)));
        long full = heap.instance(node, Map.of("next", Value.ofObject(head), "prev", Value.ofObject(tail),
                "value", Value.ofInt(4)));
        Path file = save(heap.write());
        try (HeapIndex index = index(file)) {
            int headAt = index.indexOf(head);
            int tailAt = index.indexOf(tail);
            int otherAt = index.indexOf(other);
            int fullAt = index.indexOf(full);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.WRITE)) {
                for (int damaged : new int[] {headAt, fullAt}) {
                    ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xE0, 0, 0, 1}), index.offset(damaged) + 21);
                }
            }
            assertThatThrownBy(() -> index.reader().instance(headAt))
                    .isInstanceOf(io.mapleak.heap.DamagedDumpException.class)
                    .hasMessageContaining("claims -536870911 bytes, past the end of the dump");
            assertThat(index.reader().findLink(headAt, tailAt, 16)).as("no field name, and no failure").isNull();
            assertThat(index.reader().findLink(otherAt, tailAt, 16).field()).isEqualTo("next");
            assertThat(index.reader().findLink(fullAt, tailAt, 16).field()).as("from the slots").isEqualTo("prev");
            assertThat(index.reader().findLink(fullAt, headAt, 16).field()).as("from the slots").isEqualTo("next");
        }
    }

    @Test
    void aReferenceWhoseFieldsAreAllSetIsNamedByFieldNotBySlot() throws IOException {
        // The referent's slot is stored last, out of field order: naming fields from the slots would call the
        // queue the referent. Every reference field is set, so only that rule keeps the names right.
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long reference = heap.newClass("java.lang.ref.Reference").field("referent", OBJECT).field("queue", OBJECT)
                .define();
        long weak = heap.newClass("com.acme.Ref").superclass(reference).field("payload", OBJECT).define();
        long item = heap.newClass("com.acme.Item").field("id", INT).define();
        long payload = heap.instance(item, Map.of("id", Value.ofInt(1)));
        long referent = heap.instance(item, Map.of("id", Value.ofInt(2)));
        long queue = heap.instance(item, Map.of("id", Value.ofInt(3)));
        long ref = heap.instance(weak, Map.of("payload", Value.ofObject(payload), "referent",
                Value.ofObject(referent), "queue", Value.ofObject(queue)));
        heap.add(w -> w.rootJniGlobal(ref, 0x99));
        Path file = save(heap.write());
        try (HeapIndex index = index(file)) {
            int at = index.indexOf(ref);
            assertThat(index.lastReferenceIsReferent(at)).isTrue();
            assertThat(index.reader().findLink(at, index.indexOf(payload), 16).field()).isEqualTo("payload");
            assertThat(index.reader().findLink(at, index.indexOf(referent), 16).field()).isEqualTo("referent");
            assertThat(index.reader().findLink(at, index.indexOf(queue), 16).field()).isEqualTo("queue");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {V101, V102})
    void version101WithOneHeapDumpAnd102WithSegmentsReadTheSameHeap(String version) throws IOException {
        HprofWriter writer = new HprofWriter(version, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long item = heap.newClass("com.acme.Item").field("id", INT).define();
        heap.instance(item, Map.of("id", Value.ofInt(1)));
        heap.instance(item, Map.of("id", Value.ofInt(2)));
        if (version.equals(V102)) {
            heap.splitSegment(); // two segments, one dump: only HEAP_DUMP_END ends a dump
        }
        heap.instance(item, Map.of("id", Value.ofInt(3)));
        heap.primitiveArray(new long[] {1, 2, 3});
        Path file = save(heap.write());

        Histogram h = histogram(file);
        assertThat(h.facts().header().version()).isEqualTo(version);
        assertThat(h.facts().heapDumps()).isEqualTo(1);
        assertThat(h.facts().truncated()).isFalse();
        assertThat(instancesByName(h)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "com.acme.Item", 3L, "long[]", 1L, "java.lang.Class", 6L));
        assertThat(h.facts().warnings()).noneMatch(w -> w.contains("heap dumps") || w.contains("ends at"));
        try (HeapIndex index = index(file)) {
            assertThat(instancesByName(index.histogram())).isEqualTo(instancesByName(h));
        }
    }

    @Test
    void everyGcRootKindIsReadWithItsExactBodyLengthAndTheInstanceAfterThemStillReads() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long threadClass = heap.newClass("java.lang.Thread").field("name", OBJECT).define();
        long thing = heap.newClass("com.acme.Thing").field("mark", INT).define();
        long target = heap.instance(thing, Map.of("mark", Value.ofInt(1)));
        long threadName = heap.string("worker-1");
        long thread = heap.instance(threadClass, Map.of("name", Value.ofObject(threadName)));
        heap.add(w -> w
                .rootUnknown(target)
                .rootJniGlobal(target, 0x0123_4567_89AB_CDEFL)
                .rootJniLocal(target, 7, -1)
                .rootJavaFrame(target, 7, 3)
                .rootNativeStack(target, 7)
                .rootStickyClass(thing)
                .rootThreadBlock(target, 7)
                .rootMonitorUsed(target)
                .rootThreadObject(thread, 7, 1));
        long after = heap.instance(thing, Map.of("mark", Value.ofInt(0x5EED)));
        Path file = save(heap.write());

        Histogram h = histogram(file);
        assertThat(instancesByName(h)).containsEntry("com.acme.Thing", 2L).containsEntry("java.lang.Thread", 1L);
        assertThat(h.facts().warnings()).isEmpty();

        try (HeapIndex index = index(file)) {
            assertThat(index.rootCount()).isEqualTo(9);
            Map<GcRootKind, Integer> byKind = new EnumMap<>(GcRootKind.class);
            Map<GcRootKind, int[]> threadAndFrame = new EnumMap<>(GcRootKind.class);
            for (int r = 0; r < index.rootCount(); r++) {
                byKind.merge(index.rootKind(r), 1, Integer::sum);
                threadAndFrame.put(index.rootKind(r), new int[] {index.rootThread(r), index.rootFrame(r)});
                long expected = switch (index.rootKind(r)) {
                    case STICKY_CLASS -> thing;
                    case THREAD_OBJECT -> thread;
                    default -> target;
                };
                assertThat(index.rootObject(r)).as("%s root", index.rootKind(r)).isEqualTo(index.indexOf(expected));
            }
            for (GcRootKind kind : GcRootKind.values()) {
                assertThat(byKind.get(kind)).as("%s roots", kind).isEqualTo(1);
            }
            assertThat(threadAndFrame.get(GcRootKind.JNI_LOCAL)).containsExactly(7, -1);
            assertThat(threadAndFrame.get(GcRootKind.JAVA_FRAME)).containsExactly(7, 3);
            assertThat(threadAndFrame.get(GcRootKind.NATIVE_STACK)[0]).isEqualTo(7);
            assertThat(threadAndFrame.get(GcRootKind.THREAD_BLOCK)[0]).isEqualTo(7);
            assertThat(threadAndFrame.get(GcRootKind.THREAD_OBJECT)).containsExactly(7, 1); // serial, stack trace
            assertThat(index.missingRootObjects()).isZero();
            assertThat(index.threads()).extracting(ThreadInfo::serial, ThreadInfo::name)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(7, "worker-1"));
            assertThat(index.reader().instance(index.indexOf(after)).getInt("mark")).isEqualTo(0x5EED);
        }
    }

    @Test
    void unknownTopLevelTagIsSkippedByItsLengthWithAWarning() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long item = heap.newClass("com.acme.Item").field("id", INT).define();
        heap.instance(item, Map.of("id", Value.ofInt(1)));
        // The body looks like records itself: only a reader that skips by the length stays in step.
        heap.top(w -> w.record(0x42, new byte[] {0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0x21, 0x21, 0x21}));
        Path file = save(heap.write());

        Histogram h = histogram(file);
        assertThat(instancesByName(h)).containsEntry("com.acme.Item", 1L);
        assertThat(h.facts().heapDumps()).isEqualTo(1);
        assertThat(h.facts().truncated()).isFalse();
        assertThat(h.facts().warnings()).filteredOn(w -> w.contains("unknown tag 0x42")).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {V101, V102})
    void heapRecordWithLengthZeroRunsToTheEndOfTheFile(String version) throws IOException {
        HprofWriter writer = new HprofWriter(version, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long item = heap.newClass("com.acme.Item").field("id", INT).define();
        for (int i = 0; i < 5; i++) {
            heap.instance(item, Map.of("id", Value.ofInt(i)));
        }
        long last = heap.instance(item, Map.of("id", Value.ofInt(99)));
        Path file = save(heap.cutOff().write());
        assertThat(Files.readAllBytes(file)[(int) writer.offsetOf("segment 0")])
                .isEqualTo((byte) (version.equals(V101) ? 0x0C : 0x1C));

        Histogram h = histogram(file);
        assertThat(instancesByName(h)).containsEntry("com.acme.Item", 6L).containsEntry("java.lang.Class", 6L);
        try (HeapIndex index = index(file)) {
            assertThat(index.objectCount()).isEqualTo(12);
            assertThat(index.reader().instance(index.indexOf(last)).getInt("id")).isEqualTo(99);
        }
    }

    // ---------------------------------------------------------------- several dumps in one file

    @Test
    void eachDumpOfAFileWithTwoIsReadAsBuiltAndTheWarningCountsThem() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        Path file = save(twoDumps(writer));

        Histogram first = HistogramBuilder.build(DumpFile.open(file), ReadOptions.defaults());
        Histogram second = HistogramBuilder.build(DumpFile.open(file), new ReadOptions(2, null, null, dir));
        assertThat(instancesByName(first)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "com.acme.A", 2L, "int[]", 1L, "java.lang.Class", 6L));
        assertThat(instancesByName(second)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "com.acme.A", 1L, "com.acme.B", 3L, "java.lang.Class", 7L));
        assertThat(first.facts().heapDumps()).isEqualTo(2);
        assertThat(first.facts().selectedDump()).isEqualTo(1);
        assertThat(second.facts().selectedDump()).isEqualTo(2);
        assertThat(first.facts().warnings()).anyMatch(w -> w.contains("holds 2 heap dumps") && w.contains("dump 1"));
        assertThat(second.facts().warnings()).anyMatch(w -> w.contains("holds 2 heap dumps") && w.contains("dump 2"));

        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), new ReadOptions(2, null, null, dir))) {
            assertThat(instancesByName(index.histogram())).isEqualTo(instancesByName(second));
            assertThat(index.facts().selectedDump()).isEqualTo(2);
        }
    }

    @Test
    void askingForDumpThreeOfTwoIsABadInput() throws IOException {
        Path file = save(twoDumps(new HprofWriter(V102, 8)));
        ReadOptions third = new ReadOptions(3, null, null, dir);

        assertThatThrownBy(() -> HistogramBuilder.build(DumpFile.open(file), third))
                .isInstanceOf(HprofFormatException.class).hasMessageContaining("2 heap dumps")
                .hasMessageContaining("no dump 3");
        assertThatThrownBy(() -> HeapIndex.build(DumpFile.open(file), third))
                .isInstanceOf(HprofFormatException.class).hasMessageContaining("no dump 3");
        try (var temp = Files.list(dir)) {
            assertThat(temp).as("nothing left in the temp dir but the dump").containsExactly(file);
        }
    }

    @Test
    void cliReadsTheDumpChosenWithDumpOptionAndRejectsAMissingOne() throws IOException {
        Path file = save(twoDumps(new HprofWriter(V102, 8)));

        Cli second = cli("histogram", file.toString(), "--dump", "2", "--top", "0");
        assertThat(second.code).isZero();
        assertThat(second.out).containsPattern("(?m)^\\s+\\d+\\s+3\\s+[\\d,]+\\s+[\\d.]+%\\s+com\\.acme\\.B$");
        assertThat(second.out).containsPattern("(?m)^\\s+\\d+\\s+1\\s+[\\d,]+\\s+[\\d.]+%\\s+com\\.acme\\.A$");
        assertThat(second.out).doesNotContain("int[]");
        assertThat(second.err).contains("holds 2 heap dumps; this is dump 2");

        Cli third = cli("histogram", file.toString(), "--dump", "3");
        assertThat(third.code).isEqualTo(3);
        assertThat(third.err.lines()).hasSize(1).first().asString().contains("no dump 3");
    }

    /** Dump 1: two A and an int[]. Dump 2: one A and three B (B is defined in dump 2 only). */
    private static HprofWriter twoDumps(HprofWriter writer) {
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long a = heap.newClass("com.acme.A").field("n", INT).define();
        heap.instance(a, Map.of("n", Value.ofInt(1)));
        heap.instance(a, Map.of("n", Value.ofInt(2)));
        heap.primitiveArray(new int[] {1, 2});
        heap.nextDump();
        long b = heap.newClass("com.acme.B").field("a", OBJECT).define();
        long a3 = heap.instance(a, Map.of("n", Value.ofInt(3)));
        for (int i = 0; i < 3; i++) {
            heap.instance(b, Map.of("a", Value.ofObject(a3)));
        }
        return heap.write();
    }

    // ---------------------------------------------------------------- truncation

    @Test
    void cutInsideARecordHeaderKeepsTheRecordsBeforeIt() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long item = heap.newClass("com.acme.Item").field("id", INT).define();
        heap.instance(item, Map.of("id", Value.ofInt(1)));
        heap.instance(item, Map.of("id", Value.ofInt(2)));
        heap.splitSegment();
        heap.instance(item, Map.of("id", Value.ofInt(3)));
        heap.write();
        long segment = writer.offsetOf("segment 1");
        long cut = segment + 5; // tag and 4 of the 8 bytes of time and length

        assertTruncated(save(writer.bytesUpTo(cut)), cut, segment, "the header of a record",
                Map.of("com.acme.Item", 2L, "java.lang.Class", 6L));
    }

    @ParameterizedTest(name = "{0} bytes into the record")
    @ValueSource(ints = {10, 1 + 8 + 4 + 8 + 4 + 3})
    void cutInsideAnInstanceRecordCountsExactlyTheInstancesBeforeIt(int into) throws IOException {
        // 10: inside the instance's header; 28: inside its field bytes, which the histogram pass skips unread.
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long item = heap.newClass("com.acme.Item").field("id", LONG).field("other", LONG).define();
        heap.instance(item, Map.of("id", Value.ofLong(1)));
        heap.instance(item, Map.of("id", Value.ofLong(2)));
        long third = heap.instance(item, Map.of("id", Value.ofLong(3)));
        heap.instance(item, Map.of("id", Value.ofLong(4)));
        heap.write();
        long start = writer.offsetOfObject(third);
        long cut = start + into;

        assertTruncated(save(writer.bytesUpTo(cut)), cut, start, "an instance record",
                Map.of("com.acme.Item", 2L, "java.lang.Class", 6L));
    }

    @Test
    void aShortPrimitiveArrayJustBeforeTheCutIsKept() throws IOException {
        // A byte[1] record is 19 bytes, shorter than an instance's header: the reference pass must not read past it.
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long item = heap.newClass("com.acme.Item").field("id", LONG).define();
        heap.instance(item, Map.of("id", Value.ofLong(1)));
        heap.primitiveArray(new byte[] {7});
        long after = heap.instance(item, Map.of("id", Value.ofLong(2)));
        heap.write();
        long start = writer.offsetOfObject(after);
        long cut = start + 2;

        assertTruncated(save(writer.bytesUpTo(cut)), cut, start, "an instance record",
                Map.of("com.acme.Item", 1L, "byte[]", 1L, "java.lang.Class", 6L));
    }

    @Test
    void cutInsideTheFieldListOfAClassDumpKeepsWhatCameBefore() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long item = heap.newClass("com.acme.Item").field("id", INT).define();
        heap.instance(item, Map.of("id", Value.ofInt(1)));
        heap.instance(item, Map.of("id", Value.ofInt(2)));
        long late = heap.newClass("com.acme.Late").staticField("COUNT", Value.ofInt(5))
                .field("a", INT).field("b", OBJECT).field("c", LONG).define();
        heap.mark("after Late");
        heap.instance(late, Map.of("a", Value.ofInt(1)));
        heap.write();
        long start = writer.offsetOfObject(late);
        long cut = writer.offsetOf("after Late") - 4; // inside the last field descriptor (name id, type)

        assertTruncated(save(writer.bytesUpTo(cut)), cut, start, "a class dump record",
                Map.of("com.acme.Item", 2L, "java.lang.Class", 6L));
    }

    @Test
    void cutInsideAPrimitiveArrayDoesNotCountTheArray() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long item = heap.newClass("com.acme.Item").field("id", INT).define();
        heap.instance(item, Map.of("id", Value.ofInt(1)));
        heap.primitiveArray(new int[] {7, 8, 9});
        heap.instance(item, Map.of("id", Value.ofInt(2)));
        long big = heap.primitiveArray(new int[100]);
        heap.instance(item, Map.of("id", Value.ofInt(3)));
        heap.write();
        long start = writer.offsetOfObject(big);
        long cut = start + 1 + 8 + 4 + 4 + 1 + 50; // 50 of the 400 data bytes

        assertTruncated(save(writer.bytesUpTo(cut)), cut, start, "a primitive array record",
                Map.of("com.acme.Item", 2L, "int[]", 1L, "java.lang.Class", 6L));
    }

    @Test
    void cutInsideAnObjectArraysElementsDoesNotCountTheArray() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long item = heap.newClass("com.acme.Item").field("id", INT).define();
        long a = heap.instance(item, Map.of("id", Value.ofInt(1)));
        long b = heap.instance(item, Map.of("id", Value.ofInt(2)));
        long big = heap.objectArray(heap.classId("java.lang.Object[]"), a, b, a, b, a, b, a, b, a, b);
        heap.instance(item, Map.of("id", Value.ofInt(3)));
        heap.write();
        long start = writer.offsetOfObject(big);
        long cut = start + 1 + 8 + 4 + 4 + 8 + 3 * 8 + 5; // inside the fourth of ten element ids

        assertTruncated(save(writer.bytesUpTo(cut)), cut, start, "an object array record",
                Map.of("com.acme.Item", 2L, "java.lang.Class", 6L));
    }

    /**
     * Both readers: exactly {@code expected} objects, truncated, and one warning that says the dump ends at
     * {@code end} inside a {@code what} starting at {@code recordStart}.
     */
    private void assertTruncated(Path file, long end, long recordStart, String what, Map<String, Long> expected)
            throws IOException {
        assertThat(Files.size(file)).isEqualTo(end);
        String warning = "the dump ends at offset " + end + ", inside " + what + " that starts at offset " + recordStart;

        Histogram h = histogram(file);
        assertThat(instancesByName(h)).as("histogram").containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(h.facts().truncated()).isTrue();
        assertThat(h.facts().warnings()).filteredOn(w -> w.contains("ends at")).singleElement().asString()
                .startsWith(warning);

        try (HeapIndex index = index(file)) {
            assertThat(instancesByName(index.histogram())).as("index").containsExactlyInAnyOrderEntriesOf(expected);
            assertThat(index.objectCount()).isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
            assertThat(index.facts().truncated()).isTrue();
            assertThat(index.facts().warnings()).filteredOn(w -> w.contains("ends at")).singleElement().asString()
                    .startsWith(warning);
            for (int i = 0; i < index.objectCount(); i++) {
                if (!index.isMirror(i) && !index.classOf(i).isArray()) {
                    index.reader().instance(i); // every indexed object lies wholly before the cut
                }
            }
        }
    }

    // ---------------------------------------------------------------- references and roots to absent objects

    @Test
    void referenceToAnIdNotInTheDumpIsCountedAsDanglingWithAWarning() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long node = heap.newClass("com.acme.Node").field("next", OBJECT).define();
        long present = heap.instance(node, Map.of());
        long holder = heap.instance(node, Map.of("next", Value.ofObject(0xDEAD0)));
        long pointer = heap.instance(node, Map.of("next", Value.ofObject(present)));
        Path file = save(heap.write());

        try (HeapIndex index = index(file)) {
            assertThat(index.danglingReferences()).isEqualTo(1);
            assertThat(outbound(index, index.indexOf(holder))).isEmpty();
            assertThat(outbound(index, index.indexOf(pointer))).containsExactly(index.indexOf(present));
            assertThat(index.reader().instance(index.indexOf(holder)).ref("next")).isEqualTo(0xDEAD0);
            assertThat(index.facts().warnings()).anyMatch(w -> w.startsWith("1 references point to objects that are not in the dump"));
        }
    }

    /**
     * HotSpot's dumps (JDK 17): a few hundred references to absent objects, all in the object array the
     * JVM holds as a JNI global (its class-data-sharing archive's roots, whose objects of unused classes are not
     * dumped). The warning says where they are from; from any other holder, as well, it is the plain one.
     */
    @Test
    void danglingReferencesOfAJniGlobalArrayAreSaidToBeTheJvmsOwn() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long node = heap.newClass("com.acme.Node").field("next", OBJECT).define();
        long present = heap.instance(node, Map.of());
        long roots = heap.objectArray(heap.classId("java.lang.Object[]"), present, 0xDEAD0, 0xDEAD8, 0xDEAE0);
        heap.add(w -> w.rootJniGlobal(roots, 0x99));
        Path file = save(heap.write());
        try (HeapIndex index = index(file)) {
            assertThat(index.danglingReferences()).isEqualTo(3);
            assertThat(index.facts().warnings()).contains("3 references point to objects that are not in the dump, "
                    + "all from one object the JVM holds as a JNI global (on HotSpot, the roots of its "
                    + "class-data-sharing archive, whose objects of classes not yet used are not dumped); they are "
                    + "left out of the graph");
        }

        HprofWriter.Heap other = new HprofWriter(V102, 8).heap().withJdkBasics();
        long otherNode = other.newClass("com.acme.Node").field("next", OBJECT).define();
        long array = other.objectArray(other.classId("java.lang.Object[]"), 0xDEAD0);
        other.add(w -> w.rootJniGlobal(array, 0x99));
        other.instance(otherNode, Map.of("next", Value.ofObject(0xDEAD8)));
        other.stickyClassRoots();
        try (HeapIndex index = index(save(other.write()))) {
            assertThat(index.facts().warnings()).contains("2 references point to objects that are not in the dump; "
                    + "they are left out of the graph");
        }
    }

    @Test
    void objectsWrittenOutOfAddressOrderAreIndexedAsTheSameObjectsInOrder() throws IOException {
        // HotSpot writes objects in address order; other writers need not. Both paths of the index build (the merge of
        // ordered runs, and the sort) must give every id the same class, size and references.
        Map<Long, String> inOrder = describe(save(nodes(false, false)));
        Map<Long, String> outOfOrder = describe(save(nodes(true, false)));
        assertThat(outOfOrder).isEqualTo(inOrder);
        assertThat(inOrder.get(0x7000_0100L)).startsWith("com.acme.Node ").endsWith(" B -> [0x70000000]");
        assertThat(inOrder.get(0x7000_0300L)).startsWith("java.lang.Object[] ").endsWith(" B -> [0x70000100, 0x70000000]");
        assertThat(inOrder.get(0x7000_0400L)).startsWith("com.acme.Node ").endsWith(" B -> [0x70000300]");
        assertThat(inOrder.get(0x7000_0200L)).startsWith("int[] ");
        assertThat(inOrder.values()).filteredOn(d -> d.startsWith("java.lang.Class ")).hasSize(6); // the 5 basics and Node
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aRepeatedIdIsCountedOnceWhetherTheObjectsAreInAddressOrderOrNot(boolean outOfOrder) throws IOException {
        Path file = save(nodes(outOfOrder, true));
        try (HeapIndex index = index(file)) {
            assertThat(index.facts().warnings())
                    .anyMatch(w -> w.startsWith("1 objects repeat the id of another object in the same dump"));
            assertThat(index.classOf(index.indexOf(0x7000_0000L)).name()).isEqualTo("com.acme.Node");
            assertThat(outbound(index, index.indexOf(0x7000_0100L))).containsExactly(index.indexOf(0x7000_0000L));
        }
    }

    /**
     * Two nodes (the second pointing at the first), an int[], an Object[] holding both nodes, and a third node pointing
     * at the array, at fixed ids written in address order or the reverse; {@code repeat} writes the first id twice.
     */
    private HprofWriter nodes(boolean reverse, boolean repeat) {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long node = heap.newClass("com.acme.Node").field("next", OBJECT).field("value", INT).define();
        long base = 0x7000_0000L;
        List<Runnable> writes = new ArrayList<>(List.of(
                () -> heap.at(base).instance(node, Map.of("value", Value.ofInt(1))),
                () -> heap.at(base + 0x100).instance(node, Map.of("next", Value.ofObject(base), "value", Value.ofInt(2))),
                () -> heap.at(base + 0x200).primitiveArray(new int[] {1, 2, 3}),
                () -> heap.at(base + 0x300).objectArray(heap.classId("java.lang.Object[]"), base + 0x100, 0, base),
                () -> heap.at(base + 0x400).instance(node, Map.of("next", Value.ofObject(base + 0x300)))));
        if (repeat) {
            writes.add(1, () -> heap.at(base).instance(node, Map.of("value", Value.ofInt(3))));
        }
        if (reverse) {
            java.util.Collections.reverse(writes);
        }
        writes.forEach(Runnable::run);
        heap.add(w -> w.rootJniGlobal(base + 0x400, 0x99));
        return heap.write();
    }

    /** Every object of the dump by id: class name, shallow size and the ids it references. */
    private Map<Long, String> describe(Path file) throws IOException {
        Map<Long, String> objects = new TreeMap<>();
        try (HeapIndex index = index(file)) {
            long previous = -1;
            for (int o = 0; o < index.objectCount(); o++) {
                assertThat(index.id(o)).isGreaterThan(previous); // indices in id order
                previous = index.id(o);
                List<String> targets = new ArrayList<>();
                for (int t : outbound(index, o)) {
                    targets.add("0x" + Long.toHexString(index.id(t)));
                }
                objects.put(index.id(o), index.classOf(o).name() + " " + index.shallowSize(o) + " B -> " + targets);
            }
        }
        return objects;
    }

    @Test
    void rootNamingAnAbsentObjectIsCountedAsMissing() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long item = heap.newClass("com.acme.Item").define();
        long present = heap.instance(item, Map.of());
        heap.add(w -> w.rootJniGlobal(present, 1).rootUnknown(0xDEAD0));
        Path file = save(heap.write());

        try (HeapIndex index = index(file)) {
            assertThat(index.rootCount()).isEqualTo(2);
            assertThat(index.missingRootObjects()).isEqualTo(1);
            assertThat(index.rootObject(0)).isEqualTo(index.indexOf(present));
            assertThat(index.rootObject(1)).isEqualTo(-1);
            assertThat(index.rootKind(1)).isEqualTo(GcRootKind.UNKNOWN);
            assertThat(index.facts().warnings()).anyMatch(w -> w.startsWith("1 GC roots name objects that are not in the dump"));
        }
    }

    // ---------------------------------------------------------------- classes

    @Test
    void agentAndHotSpotClassNamesNormaliseToTheSameSourceNames() throws IOException {
        Map<String, Long> agent = arraysHeap(new HprofWriter(V102, 4), NameStyle.HPROF_AGENT);
        Map<String, Long> hotspot = arraysHeap(new HprofWriter(V102, 8), NameStyle.JVM);

        assertThat(agent).containsEntry("java.lang.String[]", 1L).containsEntry("int[]", 2L)
                .containsEntry("byte[][]", 1L).containsEntry("byte[]", 2L).containsEntry("java.lang.Object", 1L);
        assertThat(hotspot).isEqualTo(agent);
    }

    private Map<String, Long> arraysHeap(HprofWriter writer, NameStyle style) throws IOException {
        HprofWriter.Heap heap = writer.heap().names(style).withJdkBasics();
        long strings = heap.newClass("java.lang.String[]").define();
        heap.newClass("int[]").define();
        long bytes2 = heap.newClass("byte[][]").define();
        heap.instance(heap.classId("java.lang.Object"), Map.of());
        heap.objectArray(strings, 0, 0);
        long b1 = heap.primitiveArray(new byte[] {1});
        long b2 = heap.primitiveArray(new byte[] {2, 3});
        heap.objectArray(bytes2, b1, b2);
        heap.primitiveArray(new int[] {1});
        heap.primitiveArray(new int[] {2, 3});
        Histogram h = histogram(save(heap.write()));
        assertThat(h.rows()).extracting(Histogram.Row::name).doesNotHaveDuplicates()
                .noneMatch(n -> n.contains("/") || n.startsWith("["));
        return instancesByName(h);
    }

    @Test
    void classDumpedAfterItsInstancesStillGetsThemWithTheirFields() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long lateId = heap.newId();
        long first = heap.instance(lateId, Map.of("value", Value.ofInt(10)));
        long second = heap.instance(lateId, Map.of("value", Value.ofInt(20), "next", Value.ofObject(first)));
        heap.at(lateId).newClass("com.acme.Late").field("next", OBJECT).field("value", INT).define();
        Path file = save(heap.write());
        assertThat(writer.offsetOfObject(lateId)).isGreaterThan(writer.offsetOfObject(second));

        Histogram h = histogram(file);
        assertThat(instancesByName(h)).containsEntry("com.acme.Late", 2L).containsEntry("java.lang.Class", 6L);
        assertThat(h.facts().warnings()).noneMatch(w -> w.contains("stand-in"));
        try (HeapIndex index = index(file)) {
            int secondAt = index.indexOf(second);
            assertThat(index.classOf(secondAt).name()).isEqualTo("com.acme.Late");
            assertThat(outbound(index, secondAt)).containsExactly(index.indexOf(first));
            assertThat(index.reader().instance(secondAt).getInt("value")).isEqualTo(20);
            assertThat(index.reader().instance(index.indexOf(first)).getInt("value")).isEqualTo(10);
            assertThat(index.danglingReferences()).isZero();
        }
    }

    @Test
    void superclassNeverDumpedGetsAStandInWithAWarning() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long sub = heap.newClass("com.acme.Sub").superclass(0xBAD00).field("x", INT).define();
        long object = heap.instance(sub, Map.of("x", Value.ofInt(7)));
        Path file = save(heap.write());

        Histogram h = histogram(file);
        assertThat(instancesByName(h)).containsEntry("com.acme.Sub", 1L);
        assertThat(h.facts().warnings()).anyMatch(w -> w.contains("0xbad00") && w.contains("stand-in"));
        try (HeapIndex index = index(file)) {
            int at = index.indexOf(object);
            assertThat(index.classInfo(index.classOf(at).superIndex()).id()).isEqualTo(0xBAD00);
            assertThat(index.classInfo(index.classOf(at).superIndex()).dumped()).isFalse();
            assertThat(index.reader().instance(at).getInt("x")).isEqualTo(7);
            assertThat(index.facts().warnings()).anyMatch(w -> w.contains("0xbad00") && w.contains("stand-in"));
        }
    }

    // ---------------------------------------------------------------- field values and strings

    @ParameterizedTest(name = "{0}-byte ids")
    @ValueSource(ints = {4, 8})
    void fieldValuesReadBackAsWrittenAndTheMostDerivedShadowingFieldWins(int idSize) throws IOException {
        HprofWriter writer = new HprofWriter(V102, idSize);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long base = heap.newClass("com.acme.Base").field("count", INT).field("total", LONG).field("flag", BOOLEAN)
                .field("next", OBJECT).field("shadow", INT).define();
        long derived = heap.newClass("com.acme.Derived").superclass(base).field("shadow", INT).field("other", OBJECT)
                .define();
        long target = heap.instance(heap.classId("java.lang.Object"), Map.of());
        long object = heap.instance(derived, Map.of(
                "count", Value.ofInt(-7),
                "total", Value.ofLong(0x8000_0000_0000_0001L),
                "flag", Value.ofBoolean(true),
                "next", Value.ofObject(target),
                "shadow", Value.ofInt(111),
                "com.acme.Base#shadow", Value.ofInt(222)));
        Path file = save(heap.write());

        try (HeapIndex index = index(file)) {
            Instance fields = index.reader().instance(index.indexOf(object));
            assertThat(fields.getInt("count")).isEqualTo(-7);
            assertThat(fields.getLong("total")).isEqualTo(0x8000_0000_0000_0001L);
            assertThat(fields.getBoolean("flag")).isTrue();
            assertThat(fields.ref("next")).isEqualTo(target);
            assertThat(fields.refIndex("next")).isEqualTo(index.indexOf(target));
            assertThat(fields.ref("other")).isZero();
            assertThat(fields.refIndex("other")).isEqualTo(-1);
            assertThat(fields.getInt("shadow")).as("the most-derived shadow").isEqualTo(111);
            assertThat(fields.fieldNames()).containsExactly("shadow", "other", "count", "total", "flag", "next", "shadow");
            assertThat(outbound(index, index.indexOf(object))).containsExactly(index.indexOf(target));
        }
    }

    @Test
    void latin1AndLittleEndianUtf16StringsReadBack() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long latin1 = heap.string("café au lait");
        long utf16 = heap.string("Grüße, 日本語 ✓");
        long empty = heap.string("");
        Path file = save(heap.write());

        try (HeapIndex index = index(file)) {
            assertThat(index.reader().instance(index.indexOf(latin1)).getByte("coder")).isZero();
            assertThat(index.reader().instance(index.indexOf(utf16)).getByte("coder")).isEqualTo((byte) 1);
            assertThat(index.reader().string(index.indexOf(latin1), 100)).isEqualTo("café au lait");
            assertThat(index.reader().string(index.indexOf(utf16), 100)).isEqualTo("Grüße, 日本語 ✓");
            assertThat(index.reader().string(index.indexOf(empty), 100)).isEmpty();
            assertThat(index.reader().string(index.indexOf(latin1), 4)).isEqualTo("café");
            assertThat(index.reader().string(index.indexOf(utf16), 5)).isEqualTo("Grüße");
        }
    }

    /**
     * A coder-1 string holds UTF-16 in the byte order of the JVM that wrote the dump, which every JDK 9+ dump records
     * in {@code java.lang.StringUTF16}'s statics ({@code HI_BYTE_SHIFT} 0 and {@code LO_BYTE_SHIFT} 8 on a
     * little-endian JVM, as in the JDK 17 fixture dump). The bytes of one string cannot tell: "一万" (U+4E00 U+4E07)
     * is {@code 00 4E 07 4E} in little-endian, and "日本語の文字列" has no zero byte at all.
     */
    @ParameterizedTest(name = "{0}-endian JVM")
    @ValueSource(strings = {"little", "big"})
    void utf16StringsReadInTheByteOrderTheDumpRecords(String order) throws IOException {
        boolean big = order.equals("big");
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        heap.newClass("java.lang.StringUTF16").staticField("HI_BYTE_SHIFT", Value.ofInt(big ? 8 : 0))
                .staticField("LO_BYTE_SHIFT", Value.ofInt(big ? 0 : 8)).define();
        List<String> texts = List.of("一万", "日本語の文字列", "Grüße ✓");
        List<Long> ids = new ArrayList<>();
        for (String text : texts) {
            long value = heap.primitiveArray(text.getBytes(big ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE));
            ids.add(heap.instance(heap.classId("java.lang.String"),
                    Map.of("value", Value.ofObject(value), "coder", Value.ofByte((byte) 1))));
        }
        Path file = save(heap.write());

        try (HeapIndex index = index(file)) {
            List<String> read = new ArrayList<>();
            for (long id : ids) {
                read.add(index.reader().string(index.indexOf(id), 100));
            }
            assertThat(read).containsExactlyElementsOf(texts);
        }
    }

    // ---------------------------------------------------------------- helpers

    private Path save(HprofWriter writer) throws IOException {
        return save(writer.toBytes());
    }

    private Path save(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("dump-" + files++ + ".hprof"), bytes);
    }

    private Histogram histogram(Path file) throws IOException {
        return HistogramBuilder.build(DumpFile.open(file), new ReadOptions(1, null, null, dir));
    }

    private HeapIndex index(Path file) throws IOException {
        return HeapIndex.build(DumpFile.open(file), new ReadOptions(1, null, null, dir));
    }

    /** Instances per class name (classes of one name added together), sorted for readable failures. */
    static Map<String, Long> instancesByName(Histogram h) {
        Map<String, Long> m = new TreeMap<>();
        for (Histogram.Row r : h.rows()) {
            m.merge(r.name(), r.instances(), Long::sum);
        }
        return m;
    }

    private static List<Integer> outbound(HeapIndex index, int object) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < index.outboundCount(object); k++) {
            out.add(index.outbound(object, k));
        }
        return out;
    }

    private record Cli(int code, String out, String err) {
    }

    private static Cli cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Cli(code, out.toString(), err.toString());
    }
}
