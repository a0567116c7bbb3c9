package io.mapleak.capture;

import java.io.IOException;
import java.time.Duration;

/**
 * Dumps spaced in time: dump {@code i + 1} starts {@code every} after dump {@code i} started, or as soon as dump
 * {@code i} ends when that takes longer. Starts are thus never closer than {@code every} (two dumps never share a
 * second of their names), and a slow dump delays the rest instead of being followed by a burst.
 * {@link #stop}, from any thread (a shutdown hook on Ctrl-C), ends the wait for the next dump at once; a dump
 * already running is left to finish, since the target writes it whatever mapleak does. Measures time with
 * {@link System#nanoTime}, so a clock change does not move the series.
 */
public final class Series {
    /** One dump of the series. */
    public interface Step {
        /**
         * Takes dump {@code index} (from 0); {@code late} says how long after it was due it starts (about zero,
         * unless the dump before took longer than the time between dumps). An exception ends the series.
         */
        void take(int index, Duration late) throws CaptureException, IOException;
    }

    private final Duration every;
    private final int count;
    private final Object lock = new Object();
    private boolean stopped;

    /** {@code count} dumps, {@code every} apart; {@code every} is ignored when {@code count} is 1. */
    public Series(Duration every, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a series has at least one dump, not " + count);
        }
        if (count > 1 && (every == null || every.isNegative() || every.isZero())) {
            throw new IllegalArgumentException("dumps of a series need a time between them");
        }
        this.every = every;
        this.count = count;
    }

    /** Takes the dumps; returns how many were taken: {@code count}, or fewer when {@link #stop} came first. */
    public int run(Step step) throws CaptureException, IOException {
        long due = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (!awaitUnlessStopped(due)) {
                return i;
            }
            long started = System.nanoTime();
            step.take(i, Duration.ofNanos(started - due));
            due = started + (count > 1 ? every.toNanos() : 0);
        }
        return count;
    }

    /** Ends the series before its next dump. Safe from any thread. */
    public void stop() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
    }

    public boolean isStopped() {
        synchronized (lock) {
            return stopped;
        }
    }

    public int count() {
        return count;
    }

    /** Waits until {@code due}; false if stopped before (or meanwhile). */
    private boolean awaitUnlessStopped(long due) {
        synchronized (lock) {
            while (!stopped) {
                long left = due - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000), 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true; // an interrupted series ends like a stopped one
                }
            }
            return false;
        }
    }
}
