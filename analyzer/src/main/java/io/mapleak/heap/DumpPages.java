package io.mapleak.heap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Random reads of the (uncompressed) dump through a small cache of its pages per thread, filled with positional
 * reads: map decoders read a few fields of millions of nodes, and neighbouring nodes share pages, so most reads
 * are a lookup in the calling thread's cache. Unlike a mapping of the whole dump, this keeps the process's
 * resident memory to the caches (8 MB a thread) however much of the dump is visited: every page of a mapping
 * that is touched counts in the resident set until it is unmapped. Thread-safe (each thread has its own cache).
 */
final class DumpPages {
    /** 16 KB pages: a pread of 16 KB from the page cache costs little more than one of 4 KB. */
    private static final int PAGE_SHIFT = 14;
    private static final int PAGE = 1 << PAGE_SHIFT;
    /** 512 pages a thread (8 MB), direct-mapped by page number. */
    private static final int SLOTS = 512;

    private final FileChannel channel;
    private final long size;
    private final ThreadLocal<Cache> caches = ThreadLocal.withInitial(Cache::new);

    DumpPages(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
    }

    long size() {
        return size;
    }

    /** The big-endian int at {@code position}. */
    int getInt(long position) {
        Cache c = caches.get();
        int within = (int) (position & (PAGE - 1));
        if (within <= PAGE - 4) {
            byte[] p = c.page(position >>> PAGE_SHIFT);
            return io.mapleak.hprof.Bytes.i4(p, within);
        }
        byte[] b = new byte[4];
        read(position, b, 0, 4);
        return io.mapleak.hprof.Bytes.i4(b, 0);
    }

    /** The big-endian long at {@code position}. */
    long getLong(long position) {
        Cache c = caches.get();
        int within = (int) (position & (PAGE - 1));
        if (within <= PAGE - 8) {
            byte[] p = c.page(position >>> PAGE_SHIFT);
            return io.mapleak.hprof.Bytes.i8(p, within);
        }
        byte[] b = new byte[8];
        read(position, b, 0, 8);
        return io.mapleak.hprof.Bytes.i8(b, 0);
    }

    /** Copies {@code length} bytes from file offset {@code position} into {@code out} at {@code at}. */
    void read(long position, byte[] out, int at, int length) {
        if (position < 0 || position + length > size) {
            throw new DamagedDumpException("the dump ends at " + size + " inside an object at " + position
                    + " that was indexed there");
        }
        if (length > 4 * PAGE) {
            // Large records (arrays) are read straight into the caller's array, not through the cache.
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
            return;
        }
        Cache c = caches.get();
        int done = 0;
        while (done < length) {
            long p = position + done;
            int within = (int) (p & (PAGE - 1));
            int n = Math.min(length - done, PAGE - within);
            System.arraycopy(c.page(p >>> PAGE_SHIFT), within, out, at + done, n);
            done += n;
        }
    }

    /** One thread's pages. */
    private final class Cache {
        private final long[] tags = new long[SLOTS];
        private final byte[][] pages = new byte[SLOTS][];

        Cache() {
            java.util.Arrays.fill(tags, -1);
        }

        byte[] page(long number) {
            int slot = (int) (number ^ (number >>> 9)) & (SLOTS - 1);
            byte[] p = pages[slot];
            if (tags[slot] == number) {
                return p;
            }
            if (p == null) {
                p = pages[slot] = new byte[PAGE];
            }
            ByteBuffer b = ByteBuffer.wrap(p);
            long start = number << PAGE_SHIFT;
            try {
                while (b.hasRemaining() && start + b.position() < size) {
                    if (channel.read(b, start + b.position()) < 0) {
                        break;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tags[slot] = number;
            return p;
        }
    }
}
