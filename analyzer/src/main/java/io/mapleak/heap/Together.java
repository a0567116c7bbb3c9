package io.mapleak.heap;

import java.util.List;

/**
 * Runs a few pieces of index-building work at once: the first on the calling thread, each other on a daemon
 * thread of its own (all on the calling thread, in order, on a single core), and waits for every one, even when
 * interrupted, since they write columns of a store that closes after. Returns the first failure in task order.
 * {@link #joinAll} is that wait alone, for threads started elsewhere (the analysis's helpers read the columns).
 */
public final class Together {
    private Together() {
    }

    /** A piece of work that may throw. */
    interface Task {
        void run() throws Exception;
    }

    /** Runs {@code tasks} as the class says; threads are named {@code name-1}, {@code name-2}, ... */
    static Throwable run(String name, List<Task> tasks) {
        Throwable[] failures = new Throwable[tasks.size()];
        if (Runtime.getRuntime().availableProcessors() < 2) {
            for (int k = 0; k < tasks.size(); k++) {
                failures[k] = attempt(tasks.get(k));
            }
            return first(failures);
        }
        Thread[] threads = new Thread[tasks.size()];
        for (int k = 1; k < tasks.size(); k++) {
            int at = k;
            threads[k] = new Thread(() -> failures[at] = attempt(tasks.get(at)), name + "-" + k);
            threads[k].setDaemon(true);
            threads[k].start();
        }
        failures[0] = attempt(tasks.get(0));
        joinAll(java.util.Arrays.asList(threads).subList(1, threads.length)); // also publishes what they wrote
        return first(failures);
    }

    /** Waits for every thread to end, even when interrupted (the interrupt is kept for the caller). */
    public static void joinAll(List<Thread> threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the columns must not close under a thread still using them
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rethrows {@code failure} as it was thrown when unchecked; wraps a checked one. */
    static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    private static Throwable attempt(Task task) {
        try {
            task.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static Throwable first(Throwable[] failures) {
        for (Throwable t : failures) {
            if (t != null) {
                return t;
            }
        }
        return null;
    }
}
