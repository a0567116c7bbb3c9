package io.mapleak.cli;

/**
 * A program whose helper thread ends with an error other than running out of memory while the main thread waits,
 * for {@link GcWatchTest}: started with the command line's handler, with {@code --debug} or without.
 */
public final class ErrorInThreadMain {
    private ErrorInThreadMain() {
    }

    public static void main(String[] args) throws Exception {
        Main.adviseOnOutOfMemoryInAnyThread();
        Main.run(args, new java.io.PrintWriter(java.io.OutputStream.nullOutputStream()),
                new java.io.PrintWriter(java.io.OutputStream.nullOutputStream())); // sets --debug as a run would
        Thread t = new Thread(() -> {
            throw new IllegalStateException("a helper's own failure");
        }, "helper");
        t.start();
        t.join();
        System.exit(0);
    }
}
