package io.mapleak.hprof;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A dump on disk, plain or gzip-compressed (single-member, or the chunked gzip of {@code jcmd GC.heap_dump -gz=N},
 * recognised by its {@code HPROF BLOCKSIZE=} comment). {@link #openStream()} gives the uncompressed bytes from the
 * start; a compressed stream that ends early or is damaged ends the stream (the reader reports the truncation).
 */
public final class DumpFile {
    /** How the file is stored. */
    public enum Compression { NONE, GZIP, GZIP_CHUNKED }

    private final Path path;
    private final long fileBytes;
    private final Compression compression;
    private final int blockSize;

    private DumpFile(Path path, long fileBytes, Compression compression, int blockSize) {
        this.path = path;
        this.fileBytes = fileBytes;
        this.compression = compression;
        this.blockSize = blockSize;
    }

    /** Opens {@code path}, recognising compression from its first bytes (not its name). */
    public static DumpFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new HprofFormatException(path + " is a directory, not a heap dump", -1);
        }
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new HprofFormatException("no such file: " + path, -1);
        }
        if (!Files.isReadable(path)) {
            throw new HprofFormatException("cannot read " + path + " (permission denied)", -1);
        }
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B) {
            int block = chunkedBlockSize(head, n);
            return new DumpFile(path, size, block > 0 ? Compression.GZIP_CHUNKED : Compression.GZIP, block);
        }
        return new DumpFile(path, size, Compression.NONE, 0);
    }

    /** The block size from a first gzip member whose comment is {@code HPROF BLOCKSIZE=n}, else 0. */
    private static int chunkedBlockSize(byte[] h, int n) {
        if (n < 10 || h[2] != 8) {
            return 0;
        }
        int flags = h[3] & 0xFF;
        if ((flags & 0x10) == 0) {
            return 0;
        }
        int p = 10;
        if ((flags & 0x04) != 0) { // FEXTRA
            if (p + 2 > n) {
                return 0;
            }
            p += 2 + ((h[p] & 0xFF) | (h[p + 1] & 0xFF) << 8);
        }
        if ((flags & 0x08) != 0) { // FNAME
            while (p < n && h[p] != 0) {
                p++;
            }
            p++;
        }
        int start = p;
        while (p < n && h[p] != 0) {
            p++;
        }
        if (p >= n) {
            return 0;
        }
        String comment = new String(h, start, p - start, StandardCharsets.ISO_8859_1);
        String prefix = "HPROF BLOCKSIZE=";
        if (!comment.startsWith(prefix)) {
            return 0;
        }
        try {
            return Integer.parseInt(comment.substring(prefix.length()).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public Path path() {
        return path;
    }

    /** Bytes on disk (compressed size for gzip). */
    public long fileBytes() {
        return fileBytes;
    }

    public Compression compression() {
        return compression;
    }

    public boolean compressed() {
        return compression != Compression.NONE;
    }

    /** The chunk size of a chunked gzip, else 0. */
    public int blockSize() {
        return blockSize;
    }

    /**
     * HPROF compresses 3 to 8 times with gzip; 5 is the estimate of a gzipped dump's inflated size where it is
     * needed before inflating it (the index's default memory budget, the triage job's heap for a child).
     */
    public static final int GZIP_RATIO = 5;

    /** The uncompressed length: {@link #knownLength()} for a plain file, {@link #GZIP_RATIO} times the file's else. */
    public long estimatedLength() {
        return compressed() ? GZIP_RATIO * fileBytes : fileBytes;
    }

    /** Uncompressed length when known without reading everything (plain files), else -1. */
    public long knownLength() {
        return compression == Compression.NONE ? fileBytes : -1;
    }

    /** The uncompressed bytes from offset 0; the caller closes it. */
    public ReadableByteChannel openStream() throws IOException {
        return openStream(new AtomicLong());
    }

    /**
     * Like {@link #openStream()}, adding to {@code fileRead} the bytes read from the file on disk as the stream is
     * read: for a compressed file its compressed bytes, a measure of how far the read has come that, unlike the
     * uncompressed offset, knows its end ({@link #fileBytes()}). Left alone for a plain file, whose offsets are that.
     */
    public ReadableByteChannel openStream(AtomicLong fileRead) throws IOException {
        if (compression == Compression.NONE) {
            return FileChannel.open(path, StandardOpenOption.READ);
        }
        return openGzipFrom(0, fileRead);
    }

    /**
     * The inflated bytes of the gzip members from compressed offset {@code from} (a member's start) to the end, read
     * as {@link #openStream()} reads them (a cut or damaged stream ends there), counting the compressed bytes read in
     * {@code fileRead}; the caller closes it.
     */
    public ReadableByteChannel openGzipFrom(long from, AtomicLong fileRead) throws IOException {
        FileChannel file = FileChannel.open(path, StandardOpenOption.READ).position(from);
        InputStream counted = new FilterInputStream(java.nio.channels.Channels.newInputStream(file)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    fileRead.addAndGet(n);
                }
                return n;
            }
        };
        InputStream gz = new GZIPInputStream(new BufferedInputStream(counted, 1 << 16), 1 << 16);
        return new ForgivingChannel(gz);
    }

    /**
     * Progress for a read of this dump's uncompressed bytes in units of {@link #fileBytes()}, so that a bar can show
     * how much is left: {@code progress} itself for a plain file (its offsets are file positions); for a compressed
     * one, whatever offset is reported, the bytes {@code fileRead} counts (see {@link #openStream(AtomicLong)}).
     */
    public LongConsumer onDisk(LongConsumer progress, AtomicLong fileRead) {
        if (progress == null || !compressed()) {
            return progress;
        }
        return offset -> progress.accept(fileRead.get());
    }

    /**
     * Reads a compressed stream as a channel; a stream that ends early or is damaged reads as its end, so that
     * the HPROF reader reports a truncation at the last byte that could be inflated.
     */
    private static final class ForgivingChannel implements ReadableByteChannel {
        private final InputStream in;
        private boolean open = true;

        ForgivingChannel(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int want = dst.remaining();
            if (want == 0) {
                return 0;
            }
            int total = 0;
            try {
                while (total < want) {
                    int r = in.read(dst.array(), dst.arrayOffset() + dst.position(), want - total);
                    if (r < 0) {
                        break;
                    }
                    dst.position(dst.position() + r);
                    total += r;
                    if (total >= (1 << 16)) {
                        break;
                    }
                }
            } catch (EOFException | ZipException e) {
                // truncated or damaged compressed data: what was inflated so far is all there is
            }
            return total == 0 ? -1 : total;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            open = false;
            in.close();
        }
    }
}
