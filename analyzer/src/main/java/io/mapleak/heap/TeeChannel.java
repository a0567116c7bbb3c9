package io.mapleak.heap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/** Copies what it reads to a file, so a compressed dump is inflated once and read at random later. */
final class TeeChannel implements ReadableByteChannel {
    private final ReadableByteChannel in;
    private final FileChannel out;
    private long written;

    TeeChannel(ReadableByteChannel in, FileChannel out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = in.read(dst);
        if (n > 0) {
            ByteBuffer copy = dst.duplicate();
            copy.position(start).limit(start + n);
            while (copy.hasRemaining()) {
                written += out.write(copy, written);
            }
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return in.isOpen();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
