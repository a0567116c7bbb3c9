package io.mapleak.analysis;

import io.mapleak.graph.DominatorTree;
import io.mapleak.graph.HeapGraph;
import io.mapleak.graph.PathNamer;
import io.mapleak.graph.StrongPaths;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.PhaseTimer;
import io.mapleak.heap.ReadOptions;
import io.mapleak.heap.Together;
import io.mapleak.hprof.DumpFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * One opened dump with what every command that looks at objects shares: the index, the graph, the dominator tree
 * with retained sizes, strong paths (computed on request, for all objects or some), the path namer; with the time
 * each phase took. Building it reads the dump twice (the index's two passes) and runs the dominator algorithm.
 */
public final class Workbench implements Closeable {
    public final DumpFile file;
    public final HeapIndex index;
    public final HeapGraph graph;
    public final DominatorTree dominators;
    public final PathNamer namer;
    public final Map<String, Double> phases = new LinkedHashMap<>();
    private StrongPaths paths;
    /** Strong paths to every object, computed beside the dominator tree (see {@link #open(Path, ReadOptions,
     *  AnalysisListener, boolean, Alongside)}); null when not asked for. */
    private final CompletableFuture<StrongPaths> allPaths;
    /** What the caller asked to compute from the index beside the dominator tree; null when nothing was. */
    private final CompletableFuture<?> alongside;
    /** The threads computing those: joined before the index closes, since they read its columns. */
    private final List<Thread> helpers;
    /** Asks the work beside to stop early (a no-op once it is done): for a close before it was waited for. */
    private final List<Runnable> stops;
    private final long started;

    private Workbench(DumpFile file, HeapIndex index, HeapGraph graph, DominatorTree dominators,
            Map<String, Double> graphPhases, CompletableFuture<StrongPaths> allPaths, CompletableFuture<?> alongside,
            List<Thread> helpers, List<Runnable> stops, long started) {
        this.file = file;
        this.index = index;
        this.graph = graph;
        this.dominators = dominators;
        this.namer = new PathNamer(index).namingKeys(new io.mapleak.maps.ValueText(index, 80)::of);
        phases.putAll(index.buildPhases());
        phases.putAll(graphPhases);
        this.allPaths = allPaths;
        this.alongside = alongside;
        this.helpers = helpers;
        this.stops = stops;
        this.started = started;
    }

    /** Opens {@code dump}, builds the index and the dominator tree, reporting phases to {@code listener}. */
    public static Workbench open(Path dump, ReadOptions read, AnalysisListener listener) throws IOException {
        return open(dump, read, listener, false, null);
    }

    /**
     * Like {@link #open(Path, ReadOptions, AnalysisListener)}, and on a machine with more than one core also: with
     * {@code allPaths}, strong paths to every object, and with {@code alongside}, whatever it computes from the
     * index alone (see {@link #alongside}), while this one computes the dominator tree: each in a thread of its own
     * when the cores allow, both in one thread on two cores (see {@link #startBeside}). They only read the index and
     * the graph; on a single core this thread computes them later, when they are asked for.
     */
    public static Workbench open(Path dump, ReadOptions read, AnalysisListener listener, boolean allPaths,
            Alongside<?> alongside) throws IOException {
        long started = System.nanoTime();
        DumpFile file = DumpFile.open(dump);
        HeapIndex index;
        long length = file.fileBytes(); // progress comes in bytes on disk, compressed ones for gzip (DumpFile.onDisk)
        listener.phase("Indexing", length > 0 ? 2 * length : -1);
        try {
            index = HeapIndex.build(file, read.withProgress(bothPasses(length, listener)));
        } finally {
            listener.phaseDone();
        }
        PhaseTimer timer = new PhaseTimer();
        HeapGraph graph;
        CompletableFuture<StrongPaths> paths = null;
        CompletableFuture<?> besideResult = null;
        List<Thread> helpers = new ArrayList<>();
        List<Runnable> stops = new ArrayList<>();
        DominatorTree tree;
        boolean ok = false;
        try {
            graph = new HeapGraph(index);
            // The index's columns were written while it was built; those in temp files stay resident while mapped,
            // though the tree and the work beside it read only some of them (offsets and ids a few times a map).
            // Nothing else uses them yet, so their pages can leave now and come back as touched.
            index.columns().releasePages();
            int cores = Runtime.getRuntime().availableProcessors();
            List<Runnable> beside = new ArrayList<>();
            if (allPaths && cores > 1) {
                paths = queued(beside, () -> StrongPaths.compute(graph));
            }
            if (alongside != null && cores > 1) {
                besideResult = besideDominators(alongside, index, beside, stops);
            }
            startBeside(beside, cores, helpers);
            listener.phaseCount("Dominators", 2L * index.objectCount());
            try {
                tree = DominatorTree.compute(graph, listener::progress);
                timer.lap("dominators and retained sizes");
            } finally {
                listener.phaseDone();
            }
            ok = true;
        } finally {
            if (!ok) {
                stops.forEach(Runnable::run); // no point finishing work for an analysis that failed
                Together.joinAll(helpers); // they read the index's columns, closed next
                index.close();
            }
        }
        return new Workbench(file, index, graph, tree, timer.phases(), paths, besideResult, helpers, stops, started);
    }

    /**
     * Work on the index alone, done in a thread of its own while the dominator tree is computed: {@link #prepare}
     * computes a result, handed out by {@link Workbench#alongside} as soon as it returns, and {@link #proceed} then
     * goes on working on it in the same thread (work that other threads may share once they have the result).
     */
    public interface Alongside<T> {
        T prepare(HeapIndex index);

        default void proceed(T prepared) {
        }

        /** Asks {@link #proceed}, running in another thread, to stop soon: the dominator tree failed. */
        default void stop(T prepared) {
        }
    }

    /**
     * Starts the work done beside the dominator tree: a thread for each while the cores allow one beside the
     * dominator thread; otherwise (two cores) one thread that does them in turn, strong paths first and then the
     * work other threads may share once the tree is done. Three threads on two cores would give the tree, which
     * every later phase waits for, two thirds of a core (measured on the 10 GB benchmark dump: the tree alone
     * 60 s, beside paths and decoding in threads of their own 96 s).
     */
    private static void startBeside(List<Runnable> beside, int cores, List<Thread> helpers) {
        if (beside.size() <= cores - 1) {
            for (int i = 0; i < beside.size(); i++) {
                start(new Helper(beside.get(i), "mapleak-beside-dominators-" + (i + 1)), helpers);
            }
        } else if (!beside.isEmpty()) {
            start(new Helper(() -> beside.forEach(Runnable::run), "mapleak-beside-dominators"), helpers);
        }
    }

    /**
     * Queues {@code work} beside the dominator tree: the returned future gets what it prepares, and its thread then
     * proceeds; nothing is prepared if the analysis stopped it first (cancelled the future).
     */
    private static <T> CompletableFuture<T> besideDominators(Alongside<T> work, HeapIndex index, List<Runnable> queue,
            List<Runnable> stops) {
        CompletableFuture<T> result = new CompletableFuture<>();
        queue.add(() -> {
            if (result.isDone()) {
                return; // stopped before it began (it waited for the strong paths)
            }
            T prepared;
            try {
                prepared = work.prepare(index);
            } catch (Throwable e) {
                result.completeExceptionally(e);
                return;
            }
            if (result.complete(prepared)) { // not when stopped while it prepared
                work.proceed(prepared);
            }
        });
        stops.add(() -> {
            // Cancelled while preparing, it will not proceed; prepared, it is asked to stop; failed, it has.
            if (!result.cancel(false) && !result.isCompletedExceptionally()) {
                work.stop(result.join());
            }
        });
        return result;
    }

    /** A future for what {@code work} returns, once the thread that {@code queue} goes to has run it. */
    private static <T> CompletableFuture<T> queued(List<Runnable> queue, Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        queue.add(() -> completeWith(result, work));
        return result;
    }

    /** Completes {@code result} with what {@code work} returns, or with what it failed with. */
    private static <T> void completeWith(CompletableFuture<T> result, Supplier<T> work) {
        try {
            result.complete(work.get());
        } catch (Throwable e) {
            result.completeExceptionally(e);
        }
    }

    /** Runs {@code work} in a new daemon thread, added to {@code helpers} (joined with {@link Together#joinAll}). */
    static <T> CompletableFuture<T> inThread(String name, Supplier<T> work, List<Thread> helpers) {
        CompletableFuture<T> result = new CompletableFuture<>();
        start(new Helper(() -> completeWith(result, work), name), helpers);
        return result;
    }

    private static void start(Helper t, List<Thread> helpers) {
        t.setDaemon(true);
        helpers.add(t);
        t.start();
    }

    /**
     * A thread of work beside the analysing thread. Whatever its work lets escape (in practice an
     * {@link OutOfMemoryError} met again while the work reported the first one) ends the thread quietly and is kept
     * for {@link #await}: the JVM's default handler would print it, allocating on a full heap, and a future its work
     * had not completed yet would then never complete.
     */
    static final class Helper extends Thread {
        private volatile Throwable died;

        Helper(Runnable work, String name) {
            super(work, name);
        }

        @Override
        public void run() {
            try {
                super.run();
            } catch (Throwable e) {
                died = e; // no allocation here: the heap may be full
            }
        }
    }

    /**
     * Waits for {@code f}, rethrowing what it failed with as it was thrown; if one of {@code helpers} died before
     * {@code f} completed, rethrows what ended that thread instead of waiting for a result that may never come.
     */
    static <T> T await(CompletableFuture<T> f, List<Thread> helpers) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    for (Thread h : helpers) {
                        Throwable died = h instanceof Helper helper ? helper.died : null;
                        if (died != null && !f.isDone()) {
                            throw rethrown(died);
                        }
                    }
                } catch (ExecutionException e) {
                    throw rethrown(e.getCause());
                } catch (InterruptedException e) {
                    interrupted = true; // waits through interrupts, as join() did; the flag is set again after
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RuntimeException rethrown(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error err) {
            throw err;
        }
        return new CompletionException(t);
    }

    /**
     * What the {@code alongside} work given to {@link #open(Path, ReadOptions, AnalysisListener, boolean,
     * Alongside)} prepared, once it is; null if none was given or it did not run (a single core): the caller then
     * computes it itself.
     */
    public <T> T alongside(Class<T> type) {
        return alongside == null ? null : type.cast(await(alongside, helpers));
    }

    /**
     * The index reports offsets from 0 in each of its two passes; the listener hears one count over both, the
     * second pass as the second half.
     */
    public static LongConsumer bothPasses(long length, AnalysisListener listener) {
        long[] passBase = {0};
        long[] last = {0};
        return off -> {
            if (off < last[0]) {
                passBase[0] = length > 0 ? length : last[0];
            }
            last[0] = off;
            listener.progress(passBase[0] + off);
        };
    }

    /** Computes strong paths for {@code targets} only (all objects when null); call before {@link #paths()}. */
    public void pathsFor(int[] targets) {
        PhaseTimer timer = new PhaseTimer();
        if (allPaths != null) {
            paths = await(allPaths, helpers); // computed beside the dominators: this counts only the time waited for them
        } else {
            paths = targets == null ? StrongPaths.compute(graph) : StrongPaths.compute(graph, targets);
        }
        timer.lap("strong paths");
        phases.putAll(timer.phases());
    }

    public StrongPaths paths() {
        if (paths == null) {
            throw new IllegalStateException("pathsFor was not called");
        }
        return paths;
    }

    /** Who holds {@code object}; call {@link #pathsFor} with it first. */
    public PathNamer.Owner owner(int object) {
        int[] path = paths().pathTo(object);
        if (path.length == 0) {
            String why = dominators.reachable(object) ? "(reachable only through weak or soft references)"
                    : "(unreachable)";
            return new PathNamer.Owner(why, "other", List.of());
        }
        return namer.owner(path);
    }

    /** Seconds since the dump was opened. */
    public double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    @Override
    public void close() throws IOException {
        stops.forEach(Runnable::run); // an analysis that failed before waiting for them does not need their work
        Together.joinAll(helpers);
        index.close();
    }
}
