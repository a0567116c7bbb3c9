package io.mapleak.heap;

import io.mapleak.hprof.DumpFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates the chunked gzip that the JVM writes ({@code jcmd GC.heap_dump -gz}, {@code -XX:HeapDumpGzipLevel}) on
 * every core into a temp file, which pass 1 then reads as a plain dump, in parallel too. Each gzip member inflates
 * on its own to at most the block size its first member's comment gives; where it goes in the inflated file is the
 * sum of the members' inflated sizes before it, each of which its trailer holds (ISIZE), just before the next
 * member's header. So one quick scan of the compressed bytes finds every member and its place, and the members
 * can be inflated in any order.
 *
 * <p>A member is taken only where its inflated bytes check out: the deflate stream ends exactly at its trailer, its
 * CRC-32 and length match. From the first that does not (a cut file, a damaged one, or a header the scan took for
 * one inside another member's data, which the checks make as good as impossible to miss), the rest is inflated
 * one member after another as before ({@link DumpFile#openGzipFrom}), as far as it goes: what a truncated or damaged
 * dump is, the reader then says, exactly as for the stream.
 */
final class ParallelInflate {
    /** Members' inflated sizes this accepts at most: the JVM's blocks are 1 MB. */
    static final int MAX_BLOCK = 64 << 20;
    /** A gzip member's header (10 bytes), shortest deflate stream (2) and trailer (8). */
    private static final int MIN_MEMBER = 20;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int FHCRC = 2;
    /** Compressed bytes the scan reads at a time. */
    private static final int WINDOW = 8 << 20;

    private ParallelInflate() {
    }

    /** Whether {@code file} is a chunked gzip this can inflate member by member. */
    static boolean suits(DumpFile file) {
        return file.compression() == DumpFile.Compression.GZIP_CHUNKED && file.blockSize() > 0
                && file.blockSize() <= MAX_BLOCK;
    }

    /**
     * Inflates {@code file} into {@code out} (from offset 0) on {@code threads} threads and returns the inflated
     * length; {@code compressedDone} is called now and then with the compressed bytes inflated so far.
     */
    static long inflate(DumpFile file, FileChannel out, int threads, LongConsumer compressedDone)
            throws IOException {
        List<long[]> members; // {compressed start, compressed end, inflated offset, inflated size}
        try (FileChannel in = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            members = scan(in, file.blockSize());
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger firstBad = new AtomicInteger(members.size());
        AtomicLong done = new AtomicLong();
        List<Together.Task> work = new ArrayList<>();
        for (int t = 0; t < Math.max(1, threads); t++) {
            work.add(() -> inflateMembers(file, out, members, next, firstBad, done));
        }
        Thread reporter = compressedDone == null ? null : reporter(done, compressedDone);
        Throwable failure;
        try {
            failure = Together.run("mapleak-inflate", work);
        } finally {
            stop(reporter);
        }
        if (failure instanceof IOException e) {
            throw e; // a full disk, say: as the single thread's would be
        }
        Together.rethrow(failure);
        int bad = firstBad.get();
        if (bad == members.size()) {
            long[] last = members.isEmpty() ? null : members.get(members.size() - 1);
            return last == null ? 0 : last[2] + last[3];
        }
        // From the first member that did not check out, one after another, as far as the bytes inflate.
        long[] from = members.get(bad);
        long end = streamFrom(file, from[0], out, from[2]);
        out.truncate(end); // members after it may have been written
        if (compressedDone != null) {
            compressedDone.accept(file.fileBytes());
        }
        return end;
    }

    /** Every member's compressed range, inflated offset and size, found from the headers and trailers. */
    static List<long[]> scan(FileChannel in, int blockSize) throws IOException {
        long size = in.size();
        List<long[]> members = new ArrayList<>();
        ByteBuffer window = ByteBuffer.allocate(WINDOW).limit(0); // empty: the first turn fills it
        long base = 0; // file offset of window[0]
        long start = 0; // of the member being scanned
        long offset = 0;
        long p = MIN_MEMBER; // the next candidate header position: a header needs the 4 bytes before it
        while (p <= size - MIN_MEMBER) { // and a member at p at least MIN_MEMBER bytes
            if (p - 4 < base || p + 4 >= base + window.limit()) {
                base = p - 4;
                window.clear();
                while (window.hasRemaining() && in.read(window, base + window.position()) > 0) {
                    continue;
                }
                window.flip();
            }
            byte[] b = window.array();
            int at = (int) (p - base);
            int limit = window.limit() - 4; // b[i + 3] is read
            long found = -1;
            for (int i = at; i < limit; i++) {
                if (b[i] == 0x1f && (b[i + 1] & 0xFF) == 0x8b && b[i + 2] == 8 && (b[i + 3] & 0xE0) == 0) {
                    long isize = u4Before(b, i);
                    if (isize > 0 && isize <= blockSize) {
                        found = base + i;
                        break;
                    }
                }
            }
            if (found < 0) {
                p = base + limit; // beyond at: the next window starts 8 bytes before the end of this one
                continue;
            }
            members.add(new long[] {start, found, offset, u4Before(b, (int) (found - base))});
            offset += members.get(members.size() - 1)[3];
            start = found;
            p = found + MIN_MEMBER;
        }
        // The last member: its trailer is the file's last 8 bytes (a cut file fails its checks, and is streamed).
        if (size - start >= MIN_MEMBER) {
            ByteBuffer trailer = ByteBuffer.allocate(4);
            while (trailer.hasRemaining() && in.read(trailer, size - 4 + trailer.position()) > 0) {
                continue;
            }
            members.add(new long[] {start, size, offset, Math.min(u4Before(trailer.array(), 4), blockSize)});
        } else if (size > start) {
            members.add(new long[] {start, size, offset, 0}); // too short to be whole: streamed
        }
        return members;
    }

    /** The little-endian u4 in the 4 bytes before {@code b[i]} (before a member's header: its predecessor's ISIZE). */
    private static long u4Before(byte[] b, int i) {
        return (b[i - 4] & 0xFFL) | (b[i - 3] & 0xFFL) << 8 | (b[i - 2] & 0xFFL) << 16 | (b[i - 1] & 0xFFL) << 24;
    }

    /** One thread's share: members taken in order until none is left or one before them did not check out. */
    private static void inflateMembers(DumpFile file, FileChannel out, List<long[]> members, AtomicInteger next,
            AtomicInteger firstBad, AtomicLong done) throws IOException {
        byte[] compressed = new byte[1 << 16];
        byte[] inflated = new byte[file.blockSize() + 1];
        Inflater inflater = new Inflater(true);
        CRC32 crc = new CRC32();
        try (FileChannel in = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            // Deflate stores incompressible data with 5 bytes per 64 KB block: a member of a block's worth is never
            // much longer compressed. A longer one is no member of this format (a file with the comment and one big
            // member): streamed, not read into memory.
            long longest = 2L * file.blockSize() + (1 << 16);
            for (int i; (i = next.getAndIncrement()) < members.size() && i < firstBad.get(); ) {
                long[] m = members.get(i);
                if (m[1] - m[0] > longest) {
                    firstBad.accumulateAndGet(i, Math::min);
                    continue;
                }
                int length = (int) (m[1] - m[0]);
                if (compressed.length < length) {
                    compressed = new byte[length];
                }
                ByteBuffer into = ByteBuffer.wrap(compressed, 0, length);
                while (into.hasRemaining() && in.read(into, m[0] + into.position()) > 0) {
                    continue;
                }
                int n = into.hasRemaining() ? -1 : inflateMember(compressed, length, inflated, inflater, crc);
                if (n < 0 || n != m[3]) {
                    firstBad.accumulateAndGet(i, Math::min);
                    continue;
                }
                ByteBuffer write = ByteBuffer.wrap(inflated, 0, n);
                while (write.hasRemaining()) {
                    out.write(write, m[2] + write.position());
                }
                done.addAndGet(length);
            }
        } finally {
            inflater.end();
        }
    }

    /**
     * Inflates the gzip member in {@code member[0, length)} into {@code out}; returns its inflated length, or -1
     * when it does not check out (a header it cannot read, a deflate stream that does not end just before the
     * 8-byte trailer, more than {@code out.length - 1} bytes, a CRC or length that does not match).
     */
    static int inflateMember(byte[] member, int length, byte[] out, Inflater inflater, CRC32 crc) {
        if (length < MIN_MEMBER || member[0] != 0x1f || (member[1] & 0xFF) != 0x8b || member[2] != 8) {
            return -1;
        }
        int flags = member[3] & 0xFF;
        int p = 10;
        if ((flags & FEXTRA) != 0) {
            p += 2 + ((member[p] & 0xFF) | (member[p + 1] & 0xFF) << 8);
        }
        if ((flags & FNAME) != 0) {
            while (p < length && member[p] != 0) {
                p++;
            }
            p++;
        }
        if ((flags & FCOMMENT) != 0) {
            while (p < length && member[p] != 0) {
                p++;
            }
            p++;
        }
        if ((flags & FHCRC) != 0) {
            p += 2;
        }
        if (p > length - 8) {
            return -1;
        }
        inflater.reset();
        inflater.setInput(member, p, length - p); // the trailer too: what is left after the stream must be it
        int n = 0;
        try {
            while (!inflater.finished() && n < out.length) {
                int r = inflater.inflate(out, n, out.length - n);
                if (r == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return -1;
                }
                n += r;
            }
        } catch (DataFormatException e) {
            return -1;
        }
        if (!inflater.finished() || n >= out.length || inflater.getRemaining() != 8) {
            return -1;
        }
        long storedCrc = u4Before(member, length - 4);
        long storedSize = u4Before(member, length);
        crc.reset();
        crc.update(out, 0, n);
        return crc.getValue() == storedCrc && storedSize == n ? n : -1;
    }

    /**
     * Inflates the gzip members from compressed offset {@code from} on, one after another, into {@code out} from
     * {@code at}, as far as they inflate ({@link DumpFile#openGzipFrom}); returns where the inflated bytes end.
     */
    private static long streamFrom(DumpFile file, long from, FileChannel out, long at) throws IOException {
        ByteBuffer piece = ByteBuffer.allocate(1 << 20); // on the heap: DumpFile's stream reads into its array
        try (ReadableByteChannel in = file.openGzipFrom(from, new AtomicLong())) {
            while (in.read(piece.clear()) >= 0) {
                piece.flip();
                while (piece.hasRemaining()) {
                    at += out.write(piece, at);
                }
            }
        }
        return at;
    }

    /** Stops {@code reporter} (if any) and waits for it, so that no report comes after this returns. */
    private static void stop(Thread reporter) {
        if (reporter == null) {
            return;
        }
        reporter.interrupt();
        boolean interrupted = false;
        while (reporter.isAlive()) {
            try {
                reporter.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reports the compressed bytes done every tenth of a second until interrupted. */
    private static Thread reporter(AtomicLong done, LongConsumer compressedDone) {
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    compressedDone.accept(done.get());
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                // done
            }
        }, "mapleak-inflate-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
