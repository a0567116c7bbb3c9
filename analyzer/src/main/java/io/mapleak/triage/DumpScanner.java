package io.mapleak.triage;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds dump files: {@code *.hprof} and {@code *.hprof.gz} anywhere under each directory, leaving out hidden files
 * and directories (temporary files, mapleak's own {@code OUT/.work}) and the output directory. One walk of the
 * directory tree; symbolic links are not followed.
 */
final class DumpScanner {
    private DumpScanner() {
    }

    /** A file that may be a dump, as it was when the walk met it. */
    record Found(Path file, Path root, long bytes, long modifiedMs) {
        /** Whether nothing was written to it for {@code quietMs}, by {@code nowMs}. */
        boolean settled(long nowMs, long quietMs) {
            return nowMs - modifiedMs >= quietMs;
        }

        /** Whether the file is still exactly as the walk saw it. */
        boolean unchanged() {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                return a.size() == bytes && a.lastModifiedTime().toMillis() == modifiedMs;
            } catch (IOException e) {
                return false;
            }
        }

        /**
         * What groups this dump with the other dumps of one application: its directory under the root and its name
         * with every run of digits as {@code #} and without the extension, so {@code svc-a/java_pid12.hprof} and
         * {@code svc-a/java_pid40.hprof.gz} are both {@code svc-a/java_pid#}.
         */
        String application() {
            Path rel = root.relativize(file);
            String name = rel.getFileName().toString().replaceFirst("(?i)\\.hprof(\\.gz)?$", "");
            String dir = rel.getParent() == null ? "" : rel.getParent().toString().replace('\\', '/') + "/";
            return dir + name.replaceAll("[0-9]+", "#");
        }
    }

    /** Whether a file name is a dump's. */
    static boolean isDumpName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && (n.endsWith(".hprof") || n.endsWith(".hprof.gz"));
    }

    /** The dump files under {@code roots} (absolute, normalised), except under {@code out}. */
    static List<Found> scan(List<Path> roots, Path out, java.util.function.Consumer<Path> hiddenFile)
            throws IOException {
        List<Found> found = new ArrayList<>();
        Path skip = out.toAbsolutePath().normalize();
        for (Path r : roots) {
            Path root = r.toAbsolutePath().normalize();
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(skip) || (!dir.equals(root) && dir.getFileName().toString().startsWith("."))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String name = file.getFileName().toString();
                    if (attrs.isRegularFile() && isDumpName(name)) {
                        found.add(new Found(file, root, attrs.size(), attrs.lastModifiedTime().toMillis()));
                    } else if (attrs.isRegularFile() && name.startsWith(".")) {
                        hiddenFile.accept(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (file.equals(root)) {
                        throw e;
                    }
                    // deleted while we walked, or a directory we may not read: the rest of the tree still counts
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        return found;
    }
}
