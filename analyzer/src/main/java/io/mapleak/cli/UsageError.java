package io.mapleak.cli;

/**
 * A command was used wrongly in a way the option parser cannot see (an object id that is not in the dump): one line
 * on stderr and exit code 2, without the usage text, which would hide the line that matters.
 */
final class UsageError extends RuntimeException {
    UsageError(String message) {
        super(message);
    }
}
