package io.mapleak.heap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/** Copies what it reads to an output, so a compressed dump is inflated once and read at random later. */
final class TeeChannel implements ReadableByteChannel {
    private final ReadableByteChannel in;
    private final OutputStream out;

    TeeChannel(ReadableByteChannel in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = in.read(dst);
        if (n > 0) {
            out.write(dst.array(), dst.arrayOffset() + start, n);
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
