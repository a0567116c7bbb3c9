package io.mapleak.heap;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.Jvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM's chunked gzip inflated member by member on several threads: the same bytes as the gzip stream gives,
 * whole, with members of different lengths and two commented ones as JDK 17's {@code jcmd} writes them; and where a
 * member is damaged or the file cut, the same bytes the stream gives up to there.
 */
class ParallelInflateTest {
    private static final int BLOCK = 64 * 1024;

    @TempDir
    Path dir;

    private static byte[] dump;
    private static int[] lengths;

    @BeforeAll
    static void readTheDump() throws IOException {
        dump = Files.readAllBytes(FixtureDumps.get(Jvm.JDK17, "smoke").hprof());
        // Blocks of 64 KB but one short member mid-file, as HotSpot ends one where a heap-dump segment begins.
        List<Integer> l = new ArrayList<>();
        int left = dump.length;
        for (int i = 0; left > 0; i++) {
            int n = Math.min(left, i == 7 ? BLOCK - 95 : BLOCK);
            l.add(n);
            left -= n;
        }
        lengths = l.stream().mapToInt(Integer::intValue).toArray();
        assertThat(lengths.length).as("members").isGreaterThan(40);
    }

    @Test
    void membersOfDifferentLengthsInflateToTheDumpOnEveryThread() throws IOException {
        Path gz = Files.write(dir.resolve("chunked.hprof.gz"),
                HprofWriter.gzipChunked(dump, BLOCK, 1, lengths, 2));
        DumpFile file = DumpFile.open(gz);
        assertThat(ParallelInflate.suits(file)).isTrue();
        try (FileChannel in = FileChannel.open(gz)) {
            List<long[]> members = ParallelInflate.scan(in, BLOCK);
            assertThat(members).hasSize(lengths.length);
            assertThat(members.stream().mapToLong(m -> m[3]).toArray())
                    .containsExactly(Arrays.stream(lengths).asLongStream().toArray());
        }
        assertThat(inflate(file, 3, null)).isEqualTo(dump);
        assertThat(inflate(file, 1, null)).isEqualTo(dump);
    }

    @Test
    void aDamagedMemberEndsTheBytesWhereTheStreamEndsThem() throws IOException {
        byte[] gz = HprofWriter.gzipChunked(dump, BLOCK, 1, lengths, 2);
        // a byte in the middle of the 20th member's deflate data
        int member20;
        try (FileChannel in = FileChannel.open(Files.write(dir.resolve("whole.gz"), gz))) {
            long[] m = ParallelInflate.scan(in, BLOCK).get(20);
            member20 = (int) ((m[0] + m[1]) / 2);
        }
        gz[member20] ^= 0x5a;
        DumpFile file = DumpFile.open(Files.write(dir.resolve("damaged.hprof.gz"), gz));
        byte[] inflated = inflate(file, 3, null);
        byte[] streamed = stream(file);
        assertThat(streamed.length).as("the stream stops in the damaged member").isLessThan(dump.length);
        assertThat(inflated).isEqualTo(streamed);
    }

    @Test
    void aCutFileInflatesAsFarAsTheStreamDoes() throws IOException {
        byte[] gz = HprofWriter.gzipChunked(dump, BLOCK, 1, lengths, 2);
        DumpFile file = DumpFile.open(Files.write(dir.resolve("cut.hprof.gz"), Arrays.copyOf(gz, gz.length * 3 / 5)));
        byte[] inflated = inflate(file, 2, null);
        byte[] streamed = stream(file);
        assertThat(streamed.length).isLessThan(dump.length).isGreaterThan(dump.length / 2);
        assertThat(inflated).isEqualTo(streamed);
        assertThat(Arrays.copyOf(dump, inflated.length)).isEqualTo(inflated);
    }

    @Test
    void oneMemberLargerThanTheBlockIsStreamed() throws IOException {
        // the comment of a chunked gzip, but the whole dump in one member: streamed, the same bytes
        byte[] gz = HprofWriter.gzipChunked(dump, BLOCK, 1, new int[] {dump.length}, 1);
        DumpFile file = DumpFile.open(Files.write(dir.resolve("one.hprof.gz"), gz));
        assertThat(ParallelInflate.suits(file)).isTrue();
        assertThat(gz.length).as("compressed, longer than the longest member read whole").isGreaterThan(2 * BLOCK);
        assertThat(inflate(file, 2, null)).isEqualTo(dump);
    }

    /** What ParallelInflate writes into a temp file, read back. */
    private byte[] inflate(DumpFile file, int threads, List<Long> progress) throws IOException {
        try (FileChannel out = FileChannel.open(dir.resolve("out-" + System.nanoTime()), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long n = ParallelInflate.inflate(file, out, threads, progress == null ? null : progress::add);
            assertThat(out.size()).isEqualTo(n);
            ByteBuffer b = ByteBuffer.allocate((int) n);
            while (b.hasRemaining() && out.read(b, b.position()) > 0) {
                continue;
            }
            return b.array();
        }
    }

    /** The bytes DumpFile's gzip stream gives, as far as it goes. */
    private static byte[] stream(DumpFile file) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (ReadableByteChannel in = file.openStream()) {
            ByteBuffer b = ByteBuffer.allocate(1 << 16);
            while (in.read(b) >= 0) {
                all.write(b.array(), 0, b.position());
                b.clear();
            }
        }
        return all.toByteArray();
    }
}
