package io.mapleak.heap;

import io.mapleak.heap.columns.ColumnStore;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * How to read a dump: which heap dump of the file (from 1), a layout that overrides inference (or null), a progress
 * callback receiving uncompressed offsets (or null), where to put temporary files (null: java.io.tmpdir), how many
 * bytes of columns may stay on the JVM heap ({@code memory}; -1 for {@link ColumnStore#defaultBudget(long)}), and the
 * columns' chunk size as a power of two (small only in tests, to cross chunk boundaries), and how many threads read
 * the heap-dump segments of an uncompressed dump ({@code readThreads}: 0 for one a core when the dump is large
 * enough to gain from it, 1 for the streaming reader alone, more to force that many).
 */
public record ReadOptions(int dump, Layout layout, LongConsumer progress, Path tempDir, long memory, int chunkShift,
        int readThreads) {

    public ReadOptions(int dump, Layout layout, LongConsumer progress, Path tempDir) {
        this(dump, layout, progress, tempDir, -1, ColumnStore.DEFAULT_CHUNK_SHIFT, 0);
    }

    public static ReadOptions defaults() {
        return new ReadOptions(1, null, null, null);
    }

    public ReadOptions withProgress(LongConsumer p) {
        return new ReadOptions(dump, layout, p, tempDir, memory, chunkShift, readThreads);
    }

    /** These options with a memory budget of {@code bytes} for columns on the heap. */
    public ReadOptions withMemory(long bytes) {
        return new ReadOptions(dump, layout, progress, tempDir, bytes, chunkShift, readThreads);
    }

    /** These options with chunks of {@code 2^shift} elements. */
    public ReadOptions withChunkShift(int shift) {
        return new ReadOptions(dump, layout, progress, tempDir, memory, shift, readThreads);
    }

    /** These options with temp files in {@code dir}. */
    public ReadOptions withTempDir(Path dir) {
        return new ReadOptions(dump, layout, progress, dir, memory, chunkShift, readThreads);
    }

    /** These options with {@code threads} threads reading the heap-dump segments (see the class comment). */
    public ReadOptions withReadThreads(int threads) {
        return new ReadOptions(dump, layout, progress, tempDir, memory, chunkShift, threads);
    }

    /**
     * A new column store for one index of a dump of about {@code dumpBytes} uncompressed under these options (see
     * {@link ColumnStore#defaultBudget(long)} for the default budget).
     */
    ColumnStore columns(long dumpBytes) {
        long budget = memory < 0 ? ColumnStore.defaultBudget(dumpBytes) : ColumnStore.budgetFor(memory);
        return new ColumnStore(budget, tempDir, chunkShift);
    }
}
