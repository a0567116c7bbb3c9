package io.mapleak.heap;

import io.mapleak.heap.columns.ColumnStore;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * How to read a dump: which heap dump of the file (from 1), a layout that overrides inference (or null), a progress
 * callback receiving uncompressed offsets (or null), where to put temporary files (null: java.io.tmpdir), how many
 * bytes of columns may stay on the JVM heap ({@code memory}; -1 for {@link ColumnStore#defaultBudget()}), and the
 * columns' chunk size as a power of two (small only in tests, to cross chunk boundaries).
 */
public record ReadOptions(int dump, Layout layout, LongConsumer progress, Path tempDir, long memory, int chunkShift) {

    public ReadOptions(int dump, Layout layout, LongConsumer progress, Path tempDir) {
        this(dump, layout, progress, tempDir, -1, ColumnStore.DEFAULT_CHUNK_SHIFT);
    }

    public static ReadOptions defaults() {
        return new ReadOptions(1, null, null, null);
    }

    public ReadOptions withProgress(LongConsumer p) {
        return new ReadOptions(dump, layout, p, tempDir, memory, chunkShift);
    }

    /** These options with a memory budget of {@code bytes} for columns on the heap. */
    public ReadOptions withMemory(long bytes) {
        return new ReadOptions(dump, layout, progress, tempDir, bytes, chunkShift);
    }

    /** These options with chunks of {@code 2^shift} elements. */
    public ReadOptions withChunkShift(int shift) {
        return new ReadOptions(dump, layout, progress, tempDir, memory, shift);
    }

    /** These options with temp files in {@code dir}. */
    public ReadOptions withTempDir(Path dir) {
        return new ReadOptions(dump, layout, progress, dir, memory, chunkShift);
    }

    /** A new column store for one index under these options. */
    ColumnStore columns() {
        long budget = memory < 0 ? ColumnStore.defaultBudget() : ColumnStore.budgetFor(memory);
        return new ColumnStore(budget, tempDir, chunkShift);
    }
}
