package io.mapleak.report;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An output mapleak was asked to write (a report, an index page) could not be written: a directory that cannot be
 * created, no permission, a full disk. Distinct from a dump that cannot be read, so the command line can say which
 * file is at fault and exit with its own code.
 */
public final class OutputException extends IOException {
    private final transient Path target;

    public OutputException(Path target, IOException cause) {
        super("cannot write " + target + ": " + reason(cause), cause);
        this.target = target;
    }

    public Path target() {
        return target;
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return m == null ? kind : m;
    }
}
