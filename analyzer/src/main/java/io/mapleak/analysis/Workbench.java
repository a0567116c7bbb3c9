package io.mapleak.analysis;

import io.mapleak.graph.DominatorTree;
import io.mapleak.graph.HeapGraph;
import io.mapleak.graph.PathNamer;
import io.mapleak.graph.StrongPaths;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.PhaseTimer;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongConsumer;

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
     *  AnalysisListener, boolean)}); null when not asked for. */
    private final CompletableFuture<StrongPaths> allPaths;
    private final long started;

    private Workbench(DumpFile file, HeapIndex index, HeapGraph graph, DominatorTree dominators,
            Map<String, Double> graphPhases, CompletableFuture<StrongPaths> allPaths, long started) {
        this.file = file;
        this.index = index;
        this.graph = graph;
        this.dominators = dominators;
        this.namer = new PathNamer(index);
        phases.putAll(index.buildPhases());
        phases.putAll(graphPhases);
        this.allPaths = allPaths;
        this.started = started;
    }

    /** Opens {@code dump}, builds the index and the dominator tree, reporting phases to {@code listener}. */
    public static Workbench open(Path dump, ReadOptions read, AnalysisListener listener) throws IOException {
        return open(dump, read, listener, false);
    }

    /**
     * Like {@link #open(Path, ReadOptions, AnalysisListener)}; with {@code allPaths}, strong paths to every object
     * are computed in a second thread while this one computes the dominator tree: both only read the graph, and on
     * a machine with two cores or more the breadth-first search then costs no time of its own.
     */
    public static Workbench open(Path dump, ReadOptions read, AnalysisListener listener, boolean allPaths)
            throws IOException {
        long started = System.nanoTime();
        DumpFile file = DumpFile.open(dump);
        HeapIndex index;
        long length = file.knownLength();
        listener.phase("Indexing", length > 0 ? 2 * length : -1);
        try {
            index = HeapIndex.build(file, read.withProgress(bothPasses(length, listener)));
        } finally {
            listener.phaseDone();
        }
        PhaseTimer timer = new PhaseTimer();
        HeapGraph graph;
        CompletableFuture<StrongPaths> paths = null;
        DominatorTree tree;
        boolean ok = false;
        try {
            graph = new HeapGraph(index);
            if (allPaths && Runtime.getRuntime().availableProcessors() > 1) {
                paths = new CompletableFuture<>();
                CompletableFuture<StrongPaths> result = paths;
                Thread t = new Thread(() -> {
                    try {
                        result.complete(StrongPaths.compute(graph));
                    } catch (Throwable e) {
                        result.completeExceptionally(e);
                    }
                }, "mapleak-strong-paths");
                t.setDaemon(true);
                t.start();
            }
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
                awaitQuietly(paths); // its columns live in the index's store, closed next
                index.close();
            }
        }
        return new Workbench(file, index, graph, tree, timer.phases(), paths, started);
    }

    private static void awaitQuietly(CompletableFuture<StrongPaths> f) {
        if (f != null) {
            try {
                f.join();
            } catch (RuntimeException e) {
                // the failure that matters is the one being thrown
            }
        }
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
            try {
                paths = allPaths.join(); // computed beside the dominators: this counts only the time waited for them
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
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
        awaitQuietly(allPaths);
        index.close();
    }
}
