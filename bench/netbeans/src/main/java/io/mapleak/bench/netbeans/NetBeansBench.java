package io.mapleak.bench.netbeans;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.netbeans.lib.profiler.heap.Heap;
import org.netbeans.lib.profiler.heap.HeapFactory;
import org.netbeans.lib.profiler.heap.Instance;
import org.netbeans.lib.profiler.heap.JavaClass;

/**
 * The NetBeans profiler heap library on one dump, timed, as the reference point of mapleak's benchmark.
 *
 * <pre>
 * java -jar netbeans-bench.jar histogram DUMP [--tsv FILE] [--top N]
 * java -jar netbeans-bench.jar retained DUMP [--top N]
 * java -jar netbeans-bench.jar compare --jvm HISTO.txt --netbeans NB.tsv [--mapleak MAPLEAK.json] [--top N]
 * </pre>
 *
 * Every run deletes the library's cache directory next to the dump first (see {@link NetBeansCache}), so that
 * it reads the dump instead of a saved index. Besides the human-readable output, {@code histogram} and
 * {@code retained} print one {@code RESULT key=value ...} line for scripts; times are wall-clock milliseconds
 * inside this JVM (JVM start-up is not included; measure the process from outside for that).
 */
public final class NetBeansBench {

    private NetBeansBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            usage("missing mode");
        }
        Options o = Options.parse(args);
        switch (args[0]) {
            case "histogram" -> histogram(o);
            case "retained" -> retained(o);
            case "compare" -> compare(o);
            default -> usage("unknown mode " + args[0]);
        }
    }

    private static void histogram(Options o) throws IOException {
        Path dump = o.dump();
        PrintStream out = System.out;
        startCold(dump, out);

        long t0 = System.nanoTime();
        Heap heap = HeapFactory.createHeap(dump.toFile());
        long t1 = System.nanoTime();
        // getAllClasses() + per-class counts make the library index every instance of the dump.
        ClassHistogram h = new ClassHistogram("netbeans");
        List<JavaClass> classes = heap.getAllClasses();
        for (JavaClass c : classes) {
            h.add(c.getName(), c.getInstancesCount(), c.getAllInstancesSize());
        }
        long t2 = System.nanoTime();

        out.printf("open:      %,d ms (HeapFactory.createHeap)%n", ms(t1 - t0));
        out.printf("histogram: %,d ms (getAllClasses, getInstancesCount, getAllInstancesSize)%n", ms(t2 - t1));
        out.printf("classes %,d, objects %,d, bytes %,d%n", h.classCount(), h.totalObjects(), h.totalBytes());
        out.println();
        out.printf("%-60s %14s %16s%n", "class", "instances", "bytes");
        List<ClassHistogram.Row> rows = h.rowsByBytes();
        for (ClassHistogram.Row r : rows.subList(0, Math.min(o.top(20), rows.size()))) {
            out.printf("%-60s %,14d %,16d%n", r.name(), r.instances(), r.bytes());
        }
        if (o.tsv() != null) {
            h.writeTsv(o.tsv());
            out.println("histogram written to " + o.tsv());
        }
        long cacheBytes = NetBeansCache.bytes(dump);
        out.printf("RESULT mode=histogram open_ms=%d histogram_ms=%d classes=%d objects=%d bytes=%d cache_bytes=%d%n",
                ms(t1 - t0), ms(t2 - t1), h.classCount(), h.totalObjects(), h.totalBytes(), cacheBytes);
    }

    private static void retained(Options o) throws IOException {
        Path dump = o.dump();
        PrintStream out = System.out;
        startCold(dump, out);
        int top = o.top(5);

        long t0 = System.nanoTime();
        Heap heap = HeapFactory.createHeap(dump.toFile());
        long t1 = System.nanoTime();
        // Computes the dominator tree and every object's retained size, then picks the largest.
        List<Instance> biggest = heap.getBiggestObjectsByRetainedSize(top);
        long t2 = System.nanoTime();

        out.printf("open:     %,d ms (HeapFactory.createHeap)%n", ms(t1 - t0));
        out.printf("retained: %,d ms (getBiggestObjectsByRetainedSize(%d): indexing, dominators, retained sizes)%n",
                ms(t2 - t1), top);
        out.println();
        out.printf("%-60s %20s %16s %12s%n", "class", "object id", "retained bytes", "shallow");
        List<String> compact = new ArrayList<>();
        for (Instance i : biggest) {
            String id = String.format("0x%x", i.getInstanceId());
            out.printf("%-60s %20s %,16d %,12d%n", i.getJavaClass().getName(), id, i.getRetainedSize(), i.getSize());
            compact.add(i.getJavaClass().getName() + "@" + id + ":" + i.getRetainedSize());
        }
        long cacheBytes = NetBeansCache.bytes(dump);
        out.printf("RESULT mode=retained open_ms=%d retained_ms=%d cache_bytes=%d top=%s%n",
                ms(t1 - t0), ms(t2 - t1), cacheBytes, String.join(",", compact));
    }

    private static void compare(Options o) throws IOException {
        if (o.jvm() == null || o.netbeans() == null) {
            usage("compare needs --jvm and --netbeans");
        }
        List<ClassHistogram> tools = new ArrayList<>();
        tools.add(ClassHistogram.readTsv("netbeans", o.netbeans()));
        if (o.mapleak() != null) {
            tools.add(ClassHistogram.readMapleakJson(o.mapleak()));
        }
        new HistogramComparison(ClassHistogram.readJvm(o.jvm()), tools).print(System.out, o.top(5));
    }

    /** Removes what an earlier run left, and says where it was. */
    private static void startCold(Path dump, PrintStream out) throws IOException {
        if (!Files.isRegularFile(dump)) {
            usage("no such dump: " + dump);
        }
        out.printf("netbeans lib-profiler %s, java %s, max heap %,d MB%n", libraryVersion(),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
        out.printf("dump: %s (%,d bytes)%n", dump, Files.size(dump));
        for (Path d : NetBeansCache.delete(dump)) {
            out.println("deleted cache from an earlier run: " + d);
        }
        for (Path t : NetBeansCache.tempFiles()) {
            out.println("warning: NetBeans temp file in java.io.tmpdir (not deleted here): " + t);
        }
    }

    private static String libraryVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = NetBeansBench.class.getResourceAsStream("/netbeans-bench.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return p.getProperty("netbeans.version", "unknown");
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    static void usage(String problem) {
        System.err.println("netbeans-bench: " + problem);
        System.err.println("usage: java -jar netbeans-bench.jar histogram DUMP [--tsv FILE] [--top N]");
        System.err.println("       java -jar netbeans-bench.jar retained DUMP [--top N]");
        System.err.println("       java -jar netbeans-bench.jar compare --jvm HISTO.txt --netbeans NB.tsv"
                + " [--mapleak MAPLEAK.json] [--top N]");
        System.exit(2);
    }

    /** The command line after the mode: one optional positional DUMP and {@code --name value} options. */
    private record Options(Path dumpArg, Path tsv, Integer topN, Path jvm, Path netbeans, Path mapleak) {

        static Options parse(String[] args) {
            Path dump = null;
            Path tsv = null;
            Integer top = null;
            Path jvm = null;
            Path netbeans = null;
            Path mapleak = null;
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (!a.startsWith("--")) {
                    if (dump != null) {
                        usage("unexpected argument " + a);
                    }
                    dump = Path.of(a);
                    continue;
                }
                if (i + 1 >= args.length) {
                    usage(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--tsv" -> tsv = Path.of(v);
                    case "--top" -> top = Integer.parseInt(v);
                    case "--jvm" -> jvm = Path.of(v);
                    case "--netbeans" -> netbeans = Path.of(v);
                    case "--mapleak" -> mapleak = Path.of(v);
                    default -> usage("unknown option " + a);
                }
            }
            return new Options(dump, tsv, top, jvm, netbeans, mapleak);
        }

        Path dump() {
            if (dumpArg == null) {
                usage("missing DUMP");
            }
            return dumpArg;
        }

        int top(int fallback) {
            return topN == null ? fallback : topN;
        }
    }
}
