package io.mapleak.cli;

import io.mapleak.heap.Layout;
import io.mapleak.heap.ReadOptions;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The dump argument and the options every command that reads a dump shares. */
public final class DumpOptions {
    @Parameters(index = "0", paramLabel = "DUMP",
            description = "Heap dump to read: .hprof, or .hprof.gz (plain or jcmd's chunked gzip).")
    Path dump;

    @Option(names = "--dump", paramLabel = "N", defaultValue = "1", converter = Counts.Positive.class,
            description = "Which heap dump to read when the file holds several (from 1; default: ${DEFAULT-VALUE}).")
    int dumpNumber;

    @Option(names = "--layout", paramLabel = "SPEC", converter = LayoutConverter.class,
            description = "Object layout to use instead of inferring it: jdk17, jdk17-nocoops, jdk25-compact, "
                    + "jdk8, jdk8-nocoops, or header=12,oop=4,align=8,fields=modern|legacy.")
    Layout layout;

    @Option(names = "--temp-dir", paramLabel = "DIR",
            description = "Where temporary files go: the index columns that do not fit --memory, and the inflated copy"
                    + " of a gzipped dump. They have no name on disk while in use, so nothing is left behind, even"
                    + " after Ctrl-C. Default: the system's (java.io.tmpdir).")
    Path tempDir;

    @Option(names = "--memory", paramLabel = "SIZE", converter = ByteSize.class,
            description = "Memory for the index and the graph on the JVM heap (e.g. 512m, 4g); what does not fit goes"
                    + " to memory-mapped files in --temp-dir, so any dump fits if the disk has room. At most 60%% of"
                    + " the JVM's max heap (-Xmx, set with MAPLEAK_JAVA_OPTS). Default: 0 (everything in temp files) for"
                    + " dumps of 256 MB and more, as columns in temp files leave memory when done and heap ones stay;"
                    + " for smaller ones 25%% of the max heap, at most 128 MB and half of the machine's available"
                    + " memory.")
    Long memory;

    @Option(names = "--debug", description = "On an internal error, print the stack trace.")
    boolean debug;

    ReadOptions readOptions() {
        if (memory != null && memory < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--memory takes a size such as 512m or 4g");
        }
        ReadOptions options = new ReadOptions(dumpNumber, layout, null, tempDir)
                .withMemory(memory != null ? memory : -1);
        // A hidden knob for tests and experiments: chunks of 2^N elements (crossing chunk boundaries on small dumps).
        String shift = System.getProperty("mapleak.chunkShift");
        if (shift != null) {
            options = options.withChunkShift(Integer.parseInt(shift));
        }
        // Another, for benchmarks: how many threads read the heap-dump segments (1: the streaming reader alone).
        String threads = System.getProperty("mapleak.readThreads");
        return threads != null ? options.withReadThreads(Integer.parseInt(threads)) : options;
    }

    /** Parses --layout; a bad spec is a usage error (exit 2) with the parser's sentence. */
    static final class LayoutConverter implements ITypeConverter<Layout> {
        @Override
        public Layout convert(String value) {
            try {
                return Layout.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
