package io.mapleak.capture;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Where dumps go: a directory, where each gets its {@link DumpName}, or one file named by the user.
 *
 * @param directory the directory, absolute (for a named file: its parent)
 * @param file      the file the user named, if any
 */
public record Destination(Path directory, Optional<Path> file) {

    public Destination {
        directory = directory.toAbsolutePath().normalize();
        file = file.map(f -> f.toAbsolutePath().normalize());
    }

    /** Dumps named {@code MAINCLASS-PID-TIMESTAMP.hprof[.gz]} in {@code dir}. */
    public static Destination directory(Path dir) {
        return new Destination(dir, Optional.empty());
    }

    /** Exactly this file. */
    public static Destination file(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        return new Destination(absolute.getParent(), Optional.of(absolute));
    }

    /** Whether {@code name} names a dump file rather than a directory: it ends in {@code .hprof} or {@code .hprof.gz}. */
    public static boolean isDumpFileName(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".hprof") || name.endsWith(".hprof.gz");
    }

    /** The dump's path for a dump of {@code target} taken at {@code at}; absolute, since the target writes it. */
    Path fileFor(Target target, Instant at, boolean gzip) {
        return file.orElseGet(() -> directory.resolve(DumpName.fileName(target.mainClass(), target.pid(), at, gzip)));
    }

    /** {@code DIR/NAME.json} beside {@code DIR/NAME.hprof[.gz]}. */
    static Path beside(Path dump, String suffix) {
        String name = dump.getFileName().toString();
        for (String ext : new String[] {".hprof.gz", ".hprof"}) {
            if (name.toLowerCase(Locale.ROOT).endsWith(ext)) {
                return dump.resolveSibling(name.substring(0, name.length() - ext.length()) + suffix);
            }
        }
        return dump.resolveSibling(name + suffix);
    }
}
