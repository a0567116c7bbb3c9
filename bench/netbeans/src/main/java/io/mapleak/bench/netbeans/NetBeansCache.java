package io.mapleak.bench.netbeans;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the NetBeans heap library keeps what it computed, so that every run starts cold.
 *
 * <p>Read from the library's classes (RELEASE250, {@code CacheDirectory}) and checked on a run: for a dump
 * {@code DIR/NAME} it uses the directory {@code DIR/NAME.nbcache} ({@code DIR/NAME_<n>.nbcache} for the n-th
 * heap of a multi-heap file). Its temp files
 * ({@code NBProfiler*.map}, {@code *.ref}, {@code *.gc}) go there, and once an index is computed it writes
 * {@code NBProfiler.nphd} there; a later {@code HeapFactory.createHeap} finds that file and loads the saved
 * index instead of reading the dump. Only if that directory cannot be created does it fall back to
 * {@code java.io.tmpdir} (temp files deleted on exit, no saved index).
 */
final class NetBeansCache {

    private NetBeansCache() {
    }

    /** The cache directories of {@code dump} that exist now. */
    static List<Path> directories(Path dump) throws IOException {
        Path dir = dump.toAbsolutePath().getParent();
        String name = dump.getFileName().toString();
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "{" + name + ".nbcache," + name + "_*.nbcache}")) {
            for (Path p : s) {
                if (Files.isDirectory(p)) {
                    found.add(p);
                }
            }
        }
        return found;
    }

    /** Deletes the cache directories of {@code dump}; returns the ones it deleted. */
    static List<Path> delete(Path dump) throws IOException {
        List<Path> dirs = directories(dump);
        for (Path d : dirs) {
            try (Stream<Path> walk = Files.walk(d)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return dirs;
    }

    /** Bytes on disk in the cache directories of {@code dump} (apparent file sizes). */
    static long bytes(Path dump) throws IOException {
        long total = 0;
        for (Path d : directories(dump)) {
            try (Stream<Path> walk = Files.walk(d)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    total += Files.size(p);
                }
            }
        }
        return total;
    }

    /** NBProfiler temp files in {@code java.io.tmpdir}, the fallback when the library cannot write by the dump. */
    static List<Path> tempFiles() throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")),
                "NBProfiler*")) {
            s.forEach(found::add);
        }
        return found;
    }
}
