package io.mapleak.cli;

import io.mapleak.analysis.AnalysisListener;

/** Shows an analysis's phases as progress bars on stderr, one at a time, when stderr is a terminal. */
final class TerminalListener implements AnalysisListener {
    private Progress current;

    @Override
    public void phase(String name, long total) {
        phaseDone();
        current = total > 0 ? Progress.bytes(name, total) : Progress.steps(name);
    }

    @Override
    public void phaseCount(String name, long total) {
        phaseDone();
        current = Progress.count(name, total);
    }

    @Override
    public void progress(long done) {
        if (current != null && current.consumer() != null) {
            current.consumer().accept(done);
        }
    }

    @Override
    public void phaseDone() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
