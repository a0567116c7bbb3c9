package io.mapleak.heap.columns;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temp files that cannot outlive the process. Each is created, opened, and deleted at once: on Linux and macOS an
 * open file without a name lives on until its channel closes, so nothing is left behind whatever ends the process
 * (exit, Ctrl-C, a kill). Where the OS refuses to delete an open file (Windows), the file is deleted when its
 * channel closes and, failing that, by a shutdown hook (Ctrl-C included).
 */
public final class TempFiles {
    /** Files still named on disk; one set for the process because the shutdown hook is one for the process. */
    private static final Set<Path> UNDELETED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempFiles::deleteAll, "mapleak-temp-files"));
    }

    private TempFiles() {
    }

    /** The directory to use: {@code dir}, or java.io.tmpdir when null; created if missing. */
    public static Path directory(Path dir) throws IOException {
        Path d = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            // Not the dump's fault: say so, rather than let it read as an unreadable input.
            throw new TempSpaceException(d, "cannot use the temp directory " + d + " (" + e + ")");
        }
        return d;
    }

    /** A new empty temp file in {@code dir}, open for reading and writing, already deleted where the OS allows. */
    public static FileChannel create(Path dir, String prefix, String suffix) throws IOException {
        Path p = Files.createTempFile(directory(dir), prefix, suffix);
        UNDELETED.add(p); // until deleted below: a Ctrl-C in between still removes it
        FileChannel ch;
        try {
            ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            Files.deleteIfExists(p);
            UNDELETED.remove(p);
            throw e;
        }
        try {
            Files.delete(p);
            UNDELETED.remove(p);
        } catch (IOException e) {
            // the OS keeps open files' names: delete when closed, or at exit
            ch.close();
            ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
        }
        return ch;
    }

    private static void deleteAll() {
        for (Path p : UNDELETED) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // still open by a mapping the JVM is tearing down: nothing more can be done at exit
            }
        }
    }
}
