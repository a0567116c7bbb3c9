package io.mapleak.triage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPOutputStream;

/** {@code --after gzip}: a dump compressed into another file, flushed to disk before anyone may rely on it. */
final class Gzip {
    /** Large enough that compressing, not the calls, costs the time. */
    private static final int BUFFER = 1 << 20;

    private Gzip() {
    }

    /**
     * Writes {@code source} gzipped to {@code target} (replacing it) at the default level: HPROF shrinks 3 to 8
     * times, and mapleak reads the result as it reads the original. The same input gives the same bytes (the JDK
     * writes no time or name into the gzip header), so a second attempt makes the same file.
     */
    static void compress(Path source, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(source);
                OutputStream gz = new GZIPOutputStream(Files.newOutputStream(target), BUFFER)) {
            in.transferTo(gz);
        }
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
            ch.force(true); // on disk before the original may be deleted
        }
    }
}
