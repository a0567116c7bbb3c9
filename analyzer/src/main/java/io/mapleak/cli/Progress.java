package io.mapleak.cli;

import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for one phase of work, shown only when stderr is a terminal (quiet in pipes, logs and
 * CI). Phases of known size show the time elapsed and an estimate of the time left, so that a 40 GB dump does not
 * look hung.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** Starts a phase measured in bytes ({@code total} may be -1 when unknown). */
    static Progress bytes(String phase, long total) {
        if (!Terminal.stderrIsTerminal()) {
            return new Progress(null);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(phase)
                .setInitialMax(total > 0 ? total : -1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" MB", 1 << 20)
                .setUpdateIntervalMillis(200)
                .continuousUpdate()
                .clearDisplayOnFinish()
                .build();
        return new Progress(bar);
    }

    /** A phase of {@code total} steps (objects, edges) with an estimate of the time left. */
    static Progress count(String phase, long total) {
        if (!Terminal.stderrIsTerminal()) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(phase).setInitialMax(Math.max(1, total))
                .setStyle(ProgressBarStyle.ASCII).setUnit(" M", 1_000_000).setUpdateIntervalMillis(200)
                .continuousUpdate().clearDisplayOnFinish().build());
    }

    /** A phase without a measurable amount: a spinner-style bar with elapsed time. */
    static Progress steps(String phase) {
        if (!Terminal.stderrIsTerminal()) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(phase).setInitialMax(-1)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate()
                .clearDisplayOnFinish().build());
    }

    LongConsumer consumer() {
        return bar == null ? null : forwardOnly(bar::stepTo);
    }

    /**
     * Passes on only values larger than every one before: a pass that reads a stretch of the dump again (pass 1
     * falling back to one reader after a share met a corrupt segment) leaves the bar where it was instead of
     * stepping it back. Safe to call from several threads.
     */
    static LongConsumer forwardOnly(LongConsumer to) {
        long[] shown = {Long.MIN_VALUE};
        return v -> {
            synchronized (shown) {
                if (v > shown[0]) {
                    shown[0] = v;
                    to.accept(v);
                }
            }
        };
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
