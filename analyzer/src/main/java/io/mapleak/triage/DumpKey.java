package io.mapleak.triage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A dump's identity: SHA-256 over its size, its first {@value #EDGE} bytes and its last {@value #EDGE} bytes, as
 * 32 hex digits. Reads at most 128 KiB, whatever the dump's size.
 *
 * <p>Why content and not the path: a path is reused ({@code java_pid1.hprof} from every container whose JVM is
 * process 1), and one file can be seen under two paths (the shared volume mounted elsewhere on another machine).
 * An HPROF file begins with the time of the dump in milliseconds and then the JVM's symbol table, so two dumps
 * never share their first bytes in practice; the size and the tail tell apart a file that grew after it was
 * seen (a dump that was still being written) from what it became.
 */
public final class DumpKey {
    /** Bytes read at each end: the HPROF header and the first string records, and the last records. */
    static final int EDGE = 64 << 10;

    private DumpKey() {
    }

    /** The key of {@code file} as it is now. */
    public static String of(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            sha.update(("mapleak-dump-key-1:" + size + ":").getBytes(StandardCharsets.US_ASCII));
            sha.update(read(ch, 0, (int) Math.min(EDGE, size)));
            long tail = Math.max(EDGE, size - EDGE);
            if (tail < size) {
                sha.update(read(ch, tail, (int) (size - tail)));
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }

    private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                break; // the file shrank while we read: the key still differs from the next look's
            }
        }
        return b.flip();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
