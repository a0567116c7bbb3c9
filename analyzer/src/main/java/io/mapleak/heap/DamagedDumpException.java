package io.mapleak.heap;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An object read after indexing that the dump contradicts: its record claims more bytes than the file holds, or
 * the file ends inside it. The dump is damaged (or was cut after it was indexed), not mapleak: the command line
 * reports it as bad input, in one line. Code that can go on without the object (a field name on a path) catches it.
 */
public final class DamagedDumpException extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    DamagedDumpException(String message) {
        super(new IOException(message));
    }
}
