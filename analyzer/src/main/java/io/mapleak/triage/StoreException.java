package io.mapleak.triage;

/**
 * The triage store cannot be opened or used: no such database, a refused connection, a schema from a newer
 * mapleak, a lock held past the timeout. The message says which store and what went wrong, in one line.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
