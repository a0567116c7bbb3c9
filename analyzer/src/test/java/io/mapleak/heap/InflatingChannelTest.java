package io.mapleak.heap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compressed dump's bytes inflated by a thread of their own into the temp file, read by pass 1 as they arrive:
 * every byte in order across the pieces, the temp file holding the same; a failure of the thread (a full disk)
 * reaching the reader after the bytes written before it; closing early ending the thread without a hang.
 */
class InflatingChannelTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void readsEveryByteInOrderAndTheTempFileHoldsTheSame() throws Exception {
        byte[] data = new byte[3_500_017]; // three and a half pieces
        new Random(7).nextBytes(data);
        try (FileChannel temp = temp()) {
            byte[] read = assertTimeoutPreemptively(LIMIT, () -> readAll(new InflatingChannel(source(data, -1), temp)));
            assertThat(read).isEqualTo(data);
            assertThat(temp.size()).isEqualTo(data.length);
            ByteBuffer back = ByteBuffer.allocate(data.length);
            while (back.hasRemaining() && temp.read(back, back.position()) > 0) {
                continue;
            }
            assertThat(back.array()).isEqualTo(data);
        }
    }

    @Test
    void aFullDiskReachesTheReaderAfterTheBytesWrittenBeforeIt() throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(8).nextBytes(data);
        long room = 2 << 20;
        try (FileChannel temp = new FullAt(temp(), room)) {
            InflatingChannel in = new InflatingChannel(source(data, -1), temp);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            assertThatThrownBy(() -> assertTimeoutPreemptively(LIMIT, () -> readInto(in, got)))
                    .isInstanceOf(IOException.class).hasMessage("No space left on device");
            assertThat(got.size()).isEqualTo(room);
            byte[] before = new byte[(int) room];
            System.arraycopy(data, 0, before, 0, before.length);
            assertThat(got.toByteArray()).isEqualTo(before);
            in.close();
        }
    }

    @Test
    void aStreamThatFailsEndsTheReadWithItsOwnException() throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(9).nextBytes(data);
        try (FileChannel temp = temp()) {
            InflatingChannel in = new InflatingChannel(source(data, 1_500_000), temp);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            assertThatThrownBy(() -> assertTimeoutPreemptively(LIMIT, () -> readInto(in, got)))
                    .isInstanceOf(IOException.class).hasMessage("broken stream");
            assertThat(got.size()).isLessThanOrEqualTo(1_500_000);
            in.close();
        }
    }

    @Test
    void closingBeforeTheEndStopsTheThreadAndLeavesTheFileAlone() throws Exception {
        AtomicBoolean sourceClosed = new AtomicBoolean();
        ReadableByteChannel endless = new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) {
                int n = dst.remaining();
                dst.position(dst.limit());
                return n;
            }

            @Override
            public boolean isOpen() {
                return !sourceClosed.get();
            }

            @Override
            public void close() {
                sourceClosed.set(true);
            }
        };
        try (FileChannel temp = temp()) {
            InflatingChannel in = new InflatingChannel(endless, temp);
            ByteBuffer some = ByteBuffer.allocate(10);
            assertThat(in.read(some)).isPositive();
            assertTimeoutPreemptively(LIMIT, in::close);
            assertThat(sourceClosed).isTrue();
            assertThat(in.isOpen()).isFalse();
            long size = temp.size();
            Thread.sleep(200);
            assertThat(temp.size()).isEqualTo(size);
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("mapleak-inflate"));
        }
    }

    private FileChannel temp() throws IOException {
        return FileChannel.open(dir.resolve("inflated-" + System.nanoTime()), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** {@code data} a few KB a call; throws after {@code failAt} bytes when that is not negative. */
    private static ReadableByteChannel source(byte[] data, int failAt) {
        return new ReadableByteChannel() {
            private int at;
            private boolean open = true;

            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (failAt >= 0 && at >= failAt) {
                    throw new IOException("broken stream");
                }
                if (at == data.length) {
                    return -1;
                }
                int n = Math.min(Math.min(dst.remaining(), 65_536 - 17), data.length - at);
                if (failAt >= 0) {
                    n = Math.min(n, failAt - at);
                }
                dst.put(data, at, n);
                at += n;
                return n;
            }

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public void close() {
                open = false;
            }
        };
    }

    private static byte[] readAll(InflatingChannel in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        readInto(in, got);
        in.close();
        return got.toByteArray();
    }

    /** Reads 7,001 bytes at a time (so reads straddle the pieces) until the end. */
    private static void readInto(InflatingChannel in, ByteArrayOutputStream got) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(7_001);
        while (in.read(b) >= 0) {
            got.write(b.array(), 0, b.position());
            b.clear();
        }
    }

    /** A file channel whose disk is full beyond {@code room} bytes. */
    private static final class FullAt extends FileChannel {
        private final FileChannel real;
        private final long room;

        FullAt(FileChannel real, long room) {
            this.real = real;
            this.room = room;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            if (position >= room) {
                throw new IOException("No space left on device");
            }
            int limit = src.limit();
            src.limit((int) Math.min(limit, src.position() + room - position));
            try {
                return real.write(src, position);
            } finally {
                src.limit(limit);
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            throw new IOException("No space left on device");
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new IOException("No space left on device");
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new IOException("No space left on device");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return real.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
