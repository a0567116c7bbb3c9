package io.mapleak.analysis;

/**
 * Hears how far a long analysis has come, to show progress: a phase starts (with its amount of work, bytes for
 * reading, or -1 when not measurable), advances, ends. Called from the analysing thread. {@link #QUIET} hears
 * nothing.
 */
public interface AnalysisListener {
    AnalysisListener QUIET = new AnalysisListener() {
    };

    default void phase(String name, long total) {
    }

    default void progress(long done) {
    }

    default void phaseDone() {
    }
}
