package io.mapleak.heap;

import static io.mapleak.testing.SameIndex.assertSameIndex;
import static org.assertj.core.api.Assertions.assertThat;

import static io.mapleak.testing.HprofWriter.INT;
import static io.mapleak.testing.HprofWriter.OBJECT;
import static io.mapleak.testing.HprofWriter.V102;

import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import io.mapleak.testing.Jvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pass 1 read by several threads, each a share of the heap-dump segments, gives the index one thread gives: the
 * same classes in the same order, objects, sizes, offsets, references, roots and warnings. The fixture dumps are
 * small, so the threads are forced (a real dump gets them from 32 MB a share); JDK 25 writes its dump with
 * parallel threads, so its objects are not in id order across the shares and the sort by id runs over them.
 */
class ParallelReadTest {
    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void sharesOfTheSegmentsGiveTheIndexOneThreadGives(Jvm jvm) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, "session-registry");
        ReadOptions one = ReadOptions.defaults().withTempDir(temp).withReadThreads(1);
        // Small chunks, so that each share's columns cross chunk boundaries too.
        ReadOptions three = ReadOptions.defaults().withTempDir(temp).withReadThreads(3).withChunkShift(10);
        try (HeapIndex sequential = HeapIndex.build(DumpFile.open(dump.hprof()), one);
                HeapIndex parallel = HeapIndex.build(DumpFile.open(dump.hprof()), three)) {
            assertThat(sequential.readShares()).isZero();
            assertThat(parallel.readShares()).as("the segments were read in shares").isEqualTo(3);
            assertThat(parallel.objectCount()).isGreaterThan(20 * 1024);
            assertSameIndex(parallel, sequential);
        }
    }

    /**
     * A dump whose shares meet what HotSpot never writes there: a class first met through an object (its class
     * dump comes two segments later), a class dump, roots, a corrupt sub-record and a referent. The class gets the
     * index one thread gives it, and the objects of the share read before its class dump are counted right.
     */
    @Test
    void classesFirstMetInAShareAndEventsOfEveryKindGiveTheIndexOneThreadGives() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        long item = heap.newClass("com.acme.Item").field("next", OBJECT).field("n", INT).define();
        long first = heap.instance(item, Map.of("n", Value.ofInt(0)));
        heap.splitSegment();
        long late = heap.newId(); // com.acme.Late's id, its class dump written further on
        long early = heap.instanceRaw(late, writer.encode(Value.ofObject(first), Value.ofInt(7)));
        long previous = first;
        for (int segment = 0; segment < 6; segment++) {
            for (int i = 0; i < 40; i++) {
                previous = heap.instance(item, Map.of("next", Value.ofObject(previous), "n", Value.ofInt(i)));
            }
            if (segment == 1) {
                heap.at(late).newClass("com.acme.Late").field("ref", OBJECT).field("k", INT).define();
                heap.instanceRaw(late, writer.encode(Value.ofObject(early), Value.ofInt(8)));
            }
            if (segment == 2) {
                long head = previous;
                heap.add(w -> w.rootJniGlobal(head, 0x42));
                heap.add(w -> w.u1(0xEE)); // an unknown sub-record: the rest of this segment is skipped, with a warning
                heap.instance(item, Map.of("n", Value.ofInt(-1))); // never read
            }
            if (segment == 3) {
                heap.objectArray(heap.classId("java.lang.Object[]"), early, 0, previous);
                heap.string("in share " + segment);
            }
            heap.splitSegment();
        }
        long last = previous;
        heap.add(w -> w.rootJavaFrame(last, 1, 0));
        Path file = Files.write(temp.resolve("shares.hprof"), heap.write().toBytes());

        try (HeapIndex sequential = HeapIndex.build(DumpFile.open(file), sequential());
                HeapIndex parallel = HeapIndex.build(DumpFile.open(file), parallel(4))) {
            assertThat(parallel.readShares()).as("the segments were read in shares").isGreaterThanOrEqualTo(2);
            assertThat(sequential.facts().warnings()).anyMatch(w -> w.contains("unknown heap-dump sub-record"));
            int earlyAt = sequential.indexOf(early);
            assertThat(sequential.classOf(earlyAt).name()).isEqualTo("com.acme.Late");
            assertThat(sequential.outboundCount(earlyAt)).isEqualTo(1);
            assertSameIndex(parallel, sequential);
        }
    }

    /** A share that cannot be read to its end (a class dump the reader cannot follow) gives the run back whole. */
    @Test
    void aShareThatStopsEarlyLetsOneThreadReadTheRunAndSayWhere() throws IOException {
        HprofWriter.Heap heap = chainOverSegments(6, segment -> segment == 4);
        Path file = Files.write(temp.resolve("stops.hprof"), heap.write().toBytes());

        try (HeapIndex sequential = HeapIndex.build(DumpFile.open(file), sequential());
                HeapIndex parallel = HeapIndex.build(DumpFile.open(file), parallel(3))) {
            assertThat(sequential.facts().truncated()).isTrue();
            assertThat(sequential.facts().warnings()).anyMatch(w -> w.contains("invalid constant pool entry"));
            assertThat(parallel.readShares()).as("read again by one thread").isZero();
            assertSameIndex(parallel, sequential);
        }
    }

    /** A dump cut inside its last segment is read by one thread, which says where it ends. */
    @Test
    void aTruncatedRunIsReadByOneThread() throws IOException {
        byte[] whole = chainOverSegments(5, segment -> false).write().toBytes();
        Path file = Files.write(temp.resolve("cut.hprof"), java.util.Arrays.copyOf(whole, whole.length - 100));

        try (HeapIndex sequential = HeapIndex.build(DumpFile.open(file), sequential());
                HeapIndex parallel = HeapIndex.build(DumpFile.open(file), parallel(3))) {
            assertThat(sequential.facts().truncated()).isTrue();
            assertThat(parallel.readShares()).isZero();
            assertSameIndex(parallel, sequential);
        }
    }

    /**
     * A chain of instances, 40 a segment after the first; in the segments {@code corrupt} names, a class dump
     * whose constant pool has an entry of type 99, after which no reader can go on.
     */
    private static HprofWriter.Heap chainOverSegments(int segments, java.util.function.IntPredicate corrupt) {
        HprofWriter.Heap heap = new HprofWriter(V102, 8).heap().withJdkBasics();
        long item = heap.newClass("com.acme.Item").field("next", OBJECT).define();
        long previous = heap.instance(item, Map.of());
        for (int segment = 0; segment < segments; segment++) {
            heap.splitSegment();
            for (int i = 0; i < 40; i++) {
                previous = heap.instance(item, Map.of("next", Value.ofObject(previous)));
            }
            if (corrupt.test(segment)) {
                heap.add(w -> w.u1(0x20).id(0x7777).u4(0).id(0).id(0).id(0).id(0).id(0).id(0).u4(0).u2(1).u2(1)
                        .u1(99));
            }
        }
        return heap;
    }

    private ReadOptions sequential() {
        return ReadOptions.defaults().withTempDir(temp).withReadThreads(1);
    }

    private ReadOptions parallel(int threads) {
        return ReadOptions.defaults().withTempDir(temp).withReadThreads(threads);
    }
}
