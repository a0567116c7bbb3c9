package io.mapleak.hprof;

import java.io.IOException;

/** The input cannot be read as an HPROF heap dump at {@link #offset()} (-1 when no offset applies). */
public final class HprofFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long offset;

    public HprofFormatException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    public long offset() {
        return offset;
    }

    /** One line for a user: what is wrong and where. */
    public String describe() {
        return offset >= 0 ? getMessage() + " (at file offset " + offset + ")" : getMessage();
    }
}
