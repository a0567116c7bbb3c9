package io.mapleak.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A program whose helper thread runs out of memory without catching it while the main thread waits, for
 * {@link GcWatchTest}: started with the command line's handlers ({@link Main#adviseOnOutOfMemoryInAnyThread}).
 */
public final class OutOfMemoryInThreadMain {
    private OutOfMemoryInThreadMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Main.adviseOnOutOfMemoryInAnyThread();
        Thread t = new Thread(() -> {
            List<long[]> live = new ArrayList<>();
            while (true) {
                live.add(new long[1 << 16]);
            }
        }, "filler");
        t.start();
        Thread.sleep(120_000); // the handler ends the JVM long before
        System.exit(0);
    }
}
