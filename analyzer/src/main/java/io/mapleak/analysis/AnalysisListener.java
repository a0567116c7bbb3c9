package io.mapleak.analysis;

/**
 * Hears how far a long analysis has come, to show progress: a phase starts (with its amount of work in bytes, or as a
 * count of steps, or -1 when not measurable), advances, ends. Called from the analysing thread. {@link #QUIET} hears
 * nothing.
 */
public interface AnalysisListener {
    AnalysisListener QUIET = new AnalysisListener() {
    };

    /** A phase measured in bytes (reading the dump), or -1 when not measurable. */
    default void phase(String name, long total) {
    }

    /** A phase measured in steps (objects visited), {@code total} of them. */
    default void phaseCount(String name, long total) {
        phase(name, -1);
    }

    default void progress(long done) {
    }

    default void phaseDone() {
    }
}
