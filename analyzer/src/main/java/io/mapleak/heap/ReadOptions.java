package io.mapleak.heap;

import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * How to read a dump: which heap dump of the file (from 1), a layout that overrides inference (or null),
 * a progress callback receiving uncompressed offsets (or null), and where to put temporary files.
 */
public record ReadOptions(int dump, Layout layout, LongConsumer progress, Path tempDir) {

    public static ReadOptions defaults() {
        return new ReadOptions(1, null, null, null);
    }

    public ReadOptions withProgress(LongConsumer p) {
        return new ReadOptions(dump, layout, p, tempDir);
    }
}
