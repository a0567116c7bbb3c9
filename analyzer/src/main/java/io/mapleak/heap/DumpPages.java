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
    private final ThreadLocal<Cache> caches = ThreadLocal.withInitial(this::newCache);
    /** Every thread's cache, so that {@link #release} can let go of their pages whatever thread calls it. */
    private final java.util.Queue<Cache> all = new java.util.concurrent.ConcurrentLinkedQueue<>();

    DumpPages(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
    }

    long size() {
        return size;
    }

    private Cache newCache() {
        Cache c = new Cache();
        all.add(c);
        return c;
    }

    /**
     * Lets go of every thread's pages, for when the dump is closed. A pooled thread's cache stays referenced from
     * the thread (its ThreadLocal entry outlives this reader until the thread next looks one up), so without this a
     * JVM that analyses dumps in turn ({@code mapleak growth} over a series) would keep 8 MB of direct memory per
     * pooled thread for each dump it had read. Reads must have ended.
     */
    void release() {
        for (Cache c; (c = all.poll()) != null; ) {
            java.util.Arrays.fill(c.pages, null);
            java.util.Arrays.fill(c.tags, -1);
        }
        caches.remove();
    }

    /** The big-endian int at {@code position}. */
    int getInt(long position) {
        Cache c = caches.get();
        int within = (int) (position & (PAGE - 1));
        if (within <= PAGE - 4) {
            return c.page(position >>> PAGE_SHIFT).getInt(within);
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
            return c.page(position >>> PAGE_SHIFT).getLong(within);
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
            c.page(p >>> PAGE_SHIFT).get(within, out, at + done, n);
            done += n;
        }
    }

    /**
     * Fills {@code out} (from its position to its limit) with the bytes at {@code position}, straight from the file,
     * bypassing the cache: for a caller that reads a run of the file once, in order. Stops early at the end of the
     * dump.
     */
    void readUncached(long position, ByteBuffer out) {
        int start = out.position();
        try {
            while (out.hasRemaining() && position + (out.position() - start) < size) {
                if (channel.read(out, position + (out.position() - start)) < 0) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One thread's pages, in direct buffers: a positional read into a heap array goes through a temporary direct
     * buffer of the JDK's and is copied again, one more copy of every page read (millions on a large dump).
     * Their memory is freed once {@link #release} (or the end of the thread and the reader) leaves them unreferenced.
     */
    private final class Cache {
        private final long[] tags = new long[SLOTS];
        private final ByteBuffer[] pages = new ByteBuffer[SLOTS];

        Cache() {
            java.util.Arrays.fill(tags, -1);
        }

        ByteBuffer page(long number) {
            int slot = (int) (number ^ (number >>> 9)) & (SLOTS - 1);
            ByteBuffer p = pages[slot];
            if (tags[slot] == number) {
                return p;
            }
            if (p == null) {
                p = pages[slot] = ByteBuffer.allocateDirect(PAGE); // big-endian, as the dump
            }
            p.clear();
            readUncached(number << PAGE_SHIFT, p);
            tags[slot] = number;
            return p;
        }
    }
}
