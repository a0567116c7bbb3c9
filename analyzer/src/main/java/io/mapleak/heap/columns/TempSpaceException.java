package io.mapleak.heap.columns;

import java.io.IOException;
import java.nio.file.Path;

/** The temp directory cannot be used, or has no room for the columns that do not fit the memory budget. */
public final class TempSpaceException extends IOException {
    private final Path directory;

    public TempSpaceException(Path directory, String message) {
        super(message);
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }
}
