package io.mapleak.cli;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * Ends a run whose heap is full but never quite runs out. G1, unlike the parallel collector, has no GC overhead
 * limit: an analysis whose live data fills the heap is collected again and again, each collection freeing a little,
 * and the {@link OutOfMemoryError} that would end it with advice never comes (the 10 GB benchmark dump at -Xmx1g:
 * 695 full collections taking 416 s in eleven minutes, the heap 99.98% full after each, no end in sight). Once a
 * second this reads the collectors' total pause time and how full the heap was after the last collection; when
 * pauses took {@link #GC_SHARE} of the last {@code window} and left the heap {@link #FULL} full, it acts once.
 */
final class GcWatch {
    /** Share of the window spent in collection pauses that counts as thrashing. */
    static final double GC_SHARE = 0.9;
    /** Share of the max heap still in use after collecting that counts as full. */
    static final double FULL = 0.9;
    /** The window, by default; {@code -Dmapleak.gcWatchSeconds=N} changes it (tests). */
    static final int DEFAULT_WINDOW_SECONDS = 30;

    private final long windowNanos;
    /** The samples of the last window, a ring: times in nanoseconds, total pause times in milliseconds. */
    private final long[] times;
    private final long[] pauses;
    private int oldest;
    private int count;

    GcWatch(long windowNanos, int capacity) {
        this.windowNanos = windowNanos;
        this.times = new long[capacity];
        this.pauses = new long[capacity];
    }

    /**
     * Adds a sample: at {@code nanos}, the collectors had paused {@code gcMillis} in all, and the last collection
     * left {@code fullAfterGc} (0 to 1) of the max heap in use. Returns whether the run is thrashing: samples cover
     * the whole window, pauses took at least {@link #GC_SHARE} of it, and the heap is at least {@link #FULL} full.
     * Allocates nothing: it runs when the heap may have no room.
     */
    boolean sample(long nanos, long gcMillis, double fullAfterGc) {
        if (count == times.length) {
            drop();
        }
        int at = (oldest + count) % times.length;
        times[at] = nanos;
        pauses[at] = gcMillis;
        count++;
        while (count > 2 && nanos - times[(oldest + 1) % times.length] >= windowNanos) {
            drop(); // the oldest sample kept is the newest one at least a window old
        }
        long span = nanos - times[oldest];
        if (span < windowNanos) {
            return false;
        }
        double gcShare = (gcMillis - pauses[oldest]) * 1e6 / span;
        return gcShare >= GC_SHARE && fullAfterGc >= FULL;
    }

    private void drop() {
        oldest = (oldest + 1) % times.length;
        count--;
    }

    /**
     * Starts a daemon thread that watches this JVM's collectors and runs {@code onThrashing} once if the run
     * thrashes (see the class comment).
     */
    static Thread start(Runnable onThrashing) {
        int seconds = Integer.getInteger("mapleak.gcWatchSeconds", DEFAULT_WINDOW_SECONDS);
        GcWatch watch = new GcWatch(seconds * 1_000_000_000L, 2 * seconds + 4);
        GarbageCollectorMXBean[] collectors = ManagementFactory.getGarbageCollectorMXBeans()
                .toArray(new GarbageCollectorMXBean[0]);
        MemoryPoolMXBean[] heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
                .toArray(MemoryPoolMXBean[]::new);
        long max = Runtime.getRuntime().maxMemory();
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                boolean thrashing;
                try {
                    long gc = 0;
                    for (GarbageCollectorMXBean c : collectors) {
                        gc += Math.max(0, c.getCollectionTime());
                    }
                    long used = 0;
                    for (MemoryPoolMXBean p : heapPools) {
                        MemoryUsage after = p.getCollectionUsage();
                        used += after != null ? after.getUsed() : 0;
                    }
                    thrashing = watch.sample(System.nanoTime(), gc, (double) used / max);
                } catch (OutOfMemoryError e) {
                    continue; // reading the beans allocates a little: on a full heap, the next second's sample
                }
                if (thrashing) {
                    onThrashing.run();
                    return;
                }
            }
        }, "mapleak-gc-watch");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
