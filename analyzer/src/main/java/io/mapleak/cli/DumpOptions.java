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
            description = "Where to put temporary files (an inflated copy of a gzipped dump). Default: the system's.")
    Path tempDir;

    @Option(names = "--debug", description = "On an internal error, print the stack trace.")
    boolean debug;

    ReadOptions readOptions() {
        return new ReadOptions(dumpNumber, layout, null, tempDir);
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
