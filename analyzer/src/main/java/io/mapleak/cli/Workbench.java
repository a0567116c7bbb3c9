package io.mapleak.cli;

import io.mapleak.graph.DominatorTree;
import io.mapleak.graph.HeapGraph;
import io.mapleak.graph.PathNamer;
import io.mapleak.graph.StrongPaths;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.PhaseTimer;
import io.mapleak.hprof.DumpFile;
import java.io.Closeable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The index plus the graph results commands share: dominators, retained sizes, strong paths, names; timed. */
final class Workbench implements Closeable {
    final DumpFile file;
    final HeapIndex index;
    final HeapGraph graph;
    final DominatorTree dominators;
    StrongPaths paths;
    final PathNamer namer;
    final Map<String, Double> phases = new LinkedHashMap<>();
    private final long started;

    private Workbench(DumpFile file, HeapIndex index, HeapGraph graph, DominatorTree dominators, StrongPaths paths,
            Map<String, Double> graphPhases, long started) {
        this.file = file;
        this.index = index;
        this.graph = graph;
        this.dominators = dominators;
        this.paths = paths;
        this.namer = new PathNamer(index);
        phases.putAll(index.buildPhases());
        phases.putAll(graphPhases);
        this.started = started;
    }

    /** Computes strong paths for {@code targets} only (all objects when null); call before using {@link #paths}. */
    void pathsFor(int[] targets) {
        PhaseTimer timer = new PhaseTimer();
        paths = StrongPaths.compute(graph, targets);
        timer.lap("strong paths");
        phases.putAll(timer.phases());
    }

    static Workbench open(DumpOptions options) throws IOException {
        long started = System.nanoTime();
        DumpFile file = DumpFile.open(options.dump);
        HeapIndex index;
        try (Progress p = Progress.bytes("Indexing", file.knownLength() > 0 ? 2 * file.knownLength() : -1)) {
            index = Indexing.build(file, options, p);
        }
        PhaseTimer timer = new PhaseTimer();
        HeapGraph graph = new HeapGraph(index);
        DominatorTree tree;
        try (Progress p = Progress.count("Dominators", 2L * index.objectCount())) {
            tree = DominatorTree.compute(graph, p.consumer());
            timer.lap("dominators and retained sizes");
        }
        return new Workbench(file, index, graph, tree, null, timer.phases(), started);
    }

    /** Who holds {@code object}; call {@link #pathsFor} with it first. */
    PathNamer.Owner owner(int object) {
        int[] path = paths.pathTo(object);
        if (path.length == 0) {
            String why = dominators.reachable(object) ? "(reachable only through weak or soft references)"
                    : "(unreachable)";
            return new PathNamer.Owner(why, "other", java.util.List.of());
        }
        return namer.owner(path);
    }

    /** Seconds since the dump was opened. */
    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    @Override
    public void close() throws IOException {
        index.close();
    }
}
