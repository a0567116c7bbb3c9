package io.mapleak.cli;

import io.mapleak.heap.HeapIndex;
import io.mapleak.hprof.DumpFile;
import java.io.IOException;

/** Builds the heap index for a command, with progress over both passes. */
final class Indexing {
    private Indexing() {
    }

    static HeapIndex build(DumpFile file, DumpOptions options, Progress progress) throws IOException {
        var consumer = progress.consumer();
        long length = file.knownLength();
        // Two passes over the file: the second reports offsets again from 0, shown as the second half.
        long[] passBase = {0};
        long[] last = {0};
        java.util.function.LongConsumer both = consumer == null ? null : off -> {
            if (off < last[0]) {
                passBase[0] = length > 0 ? length : last[0];
            }
            last[0] = off;
            consumer.accept(passBase[0] + off);
        };
        return HeapIndex.build(file, options.readOptions().withProgress(both));
    }
}
