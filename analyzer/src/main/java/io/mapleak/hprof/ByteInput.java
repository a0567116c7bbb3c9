package io.mapleak.hprof;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * A big-endian cursor over a byte channel with one large reusable buffer. Callers {@link #ensure} the bytes
 * they are about to decode, then read them with the unchecked getters; {@code ensure} returns false only at
 * the end of input, which for a dump means truncation. Not thread-safe.
 */
final class ByteInput {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final ReadableByteChannel channel;
    byte[] buf;
    /** File offset of {@code buf[0]}. */
    long base;
    int pos;
    int limit;
    private boolean eof;

    ByteInput(ReadableByteChannel channel, int bufferSize, long startOffset) {
        this.channel = channel;
        this.buf = new byte[bufferSize];
        this.base = startOffset;
    }

    long position() {
        return base + pos;
    }

    int available() {
        return limit - pos;
    }

    /** Makes {@code n} bytes readable at {@code pos}; false if the input ends first. */
    boolean ensure(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        return fill(n);
    }

    private boolean fill(int n) throws IOException {
        if (n > buf.length) {
            byte[] bigger = new byte[Math.max(n, buf.length * 2)];
            System.arraycopy(buf, pos, bigger, 0, limit - pos);
            buf = bigger;
        } else {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
        }
        base += pos;
        limit -= pos;
        pos = 0;
        while (limit < n && !eof) {
            int r = channel.read(ByteBuffer.wrap(buf, limit, buf.length - limit));
            if (r < 0) {
                eof = true;
            } else {
                limit += r;
            }
        }
        return limit >= n;
    }

    /**
     * Moves to file offset {@code target}, at or after the current position: within the buffer, by positioning a
     * seekable channel, or by reading up to it.
     */
    void seek(long target) throws IOException {
        if (target <= base + limit) {
            pos = (int) (target - base);
        } else if (channel instanceof java.nio.channels.SeekableByteChannel s) {
            s.position(target);
            base = target;
            pos = 0;
            limit = 0;
        } else {
            skip(target - position());
        }
    }

    /** Skips {@code n} bytes; returns how many could be skipped before the end of input. */
    long skip(long n) throws IOException {
        long inBuffer = Math.min(n, limit - pos);
        pos += (int) inBuffer;
        long left = n - inBuffer;
        while (left > 0) {
            if (!fill(1)) {
                return n - left;
            }
            int step = (int) Math.min(left, limit - pos);
            pos += step;
            left -= step;
        }
        return n;
    }

    int u1() {
        return buf[pos++] & 0xFF;
    }

    int u2() {
        int v = (short) SHORT.get(buf, pos) & 0xFFFF;
        pos += 2;
        return v;
    }

    int i4() {
        int v = (int) INT.get(buf, pos);
        pos += 4;
        return v;
    }

    long u4() {
        return i4() & 0xFFFF_FFFFL;
    }

    long i8() {
        long v = (long) LONG.get(buf, pos);
        pos += 8;
        return v;
    }

    long id(int idSize) {
        return idSize == 8 ? i8() : u4();
    }

}
