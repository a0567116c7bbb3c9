package io.mapleak.heap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Random reads of the (uncompressed) dump through memory-mapped windows: reading an object's record is a copy
 * from the page cache rather than a system call, which matters when decoders visit millions of map nodes.
 * Windows are 1 GiB and overlap by 1 MiB so that any record up to that size lies inside one; larger reads go
 * through the channel. Mapping costs address space, not memory. Thread-safe (absolute reads only).
 */
final class MappedDump {
    private static final long WINDOW = 1L << 30;
    private static final long OVERLAP = 1L << 20;
    private final FileChannel channel;
    private final long size;
    private final MappedByteBuffer[] windows;

    MappedDump(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
        int n = (int) ((size + WINDOW - 1) / WINDOW);
        windows = new MappedByteBuffer[Math.max(0, n)];
        for (int i = 0; i < n; i++) {
            long start = i * WINDOW;
            long len = Math.min(size - start, WINDOW + OVERLAP);
            windows[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, len);
        }
    }

    long size() {
        return size;
    }

    /** The big-endian int at {@code position}. */
    int getInt(long position) {
        int w = (int) (position / WINDOW);
        long within = position - w * WINDOW;
        if (w < windows.length && within + 4 <= windows[w].capacity()) {
            return windows[w].getInt((int) within);
        }
        byte[] b = new byte[4];
        read(position, b, 0, 4);
        return io.mapleak.hprof.Bytes.i4(b, 0);
    }

    /** The big-endian long at {@code position}. */
    long getLong(long position) {
        int w = (int) (position / WINDOW);
        long within = position - w * WINDOW;
        if (w < windows.length && within + 8 <= windows[w].capacity()) {
            return windows[w].getLong((int) within);
        }
        byte[] b = new byte[8];
        read(position, b, 0, 8);
        return io.mapleak.hprof.Bytes.i8(b, 0);
    }

    /** Copies {@code length} bytes from file offset {@code position} into {@code out} at {@code at}. */
    void read(long position, byte[] out, int at, int length) {
        if (position < 0 || position + length > size) {
            throw new UncheckedIOException(new IOException("the dump ends at " + size + " inside an object at "
                    + position + " that was indexed there"));
        }
        int w = (int) (position / WINDOW);
        long within = position - w * WINDOW;
        if (w < windows.length && within + length <= windows[w].capacity()) {
            windows[w].get((int) within, out, at, length);
            return;
        }
        ByteBuffer buf = ByteBuffer.wrap(out, at, length);
        try {
            while (buf.hasRemaining()) {
                if (channel.read(buf, position + (buf.position() - at)) < 0) {
                    throw new IOException("the dump ends inside an object at " + position);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
