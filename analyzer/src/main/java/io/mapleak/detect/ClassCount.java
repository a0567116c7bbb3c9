package io.mapleak.detect;

/** How many of the examined keys or values were of one class. */
public record ClassCount(String className, long count) {
    @Override
    public String toString() {
        return className + " (" + count + ")";
    }
}
