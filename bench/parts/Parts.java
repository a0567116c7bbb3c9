import io.mapleak.analysis.AnalysisListener;
import io.mapleak.analysis.Workbench;
import io.mapleak.graph.DominatorTree;
import io.mapleak.graph.StrongPaths;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.maps.MapCatalog;
import java.nio.file.Path;
import java.util.List;

/**
 * Times one part of the analysis several times in one JVM, against the analyzer jar's public API: the first run
 * pays for a cold JVM (JIT compilation, fresh heap pages), the later ones show the part's own cost.
 *
 * <pre>
 * java -Xmx2g [-Dmapleak.memory=BYTES] -cp analyzer/target/mapleak.jar:bench/parts/target Parts index|dominators|paths|decode DUMP [RUNS]
 * </pre>
 * {@code mapleak.memory} sets the budget of columns on the heap (as {@code --memory} does), to time a part on either
 * backing.
 * (bench/parts.sh compiles and runs it.)
 */
public final class Parts {
    public static void main(String[] args) throws Exception {
        String part = args[0];
        Path dump = Path.of(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        if (part.equals("index")) {
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                try (HeapIndex index = HeapIndex.build(DumpFile.open(dump), ReadOptions.defaults().withReadThreads(Integer.getInteger("mapleak.readThreads", 0)))) {
                    System.out.printf("index %.2f s, phases %s%n", seconds(t), index.buildPhases());
                }
            }
            return;
        }
        long memory = Long.getLong("mapleak.memory", -1); // bytes of columns on the heap; -1: the default budget
        ReadOptions read = memory < 0 ? ReadOptions.defaults() : ReadOptions.defaults().withMemory(memory);
        try (Workbench wb = Workbench.open(dump, read, AnalysisListener.QUIET)) {
            System.out.printf("opened: %s%n", wb.phases);
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                switch (part) {
                    case "dominators" -> DominatorTree.compute(wb.graph);
                    case "paths" -> StrongPaths.compute(wb.graph);
                    case "decode" -> MapCatalog.standard(List.of()).decodeAll(wb.index, wb.dominators);
                    default -> throw new IllegalArgumentException("no part " + part);
                }
                System.out.printf("%s %.2f s%n", part, seconds(t));
            }
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
