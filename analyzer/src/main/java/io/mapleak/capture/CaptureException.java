package io.mapleak.capture;

/** A capture that failed for a reason the user can act on; the message is one line saying what to do. */
public final class CaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Failure failure;

    public CaptureException(Failure failure, String message) {
        super(message);
        this.failure = failure;
    }

    public CaptureException(Failure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
