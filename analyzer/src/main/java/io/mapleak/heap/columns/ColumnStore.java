package io.mapleak.heap.columns;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Hands out the columns of one analysis and keeps them within a memory budget: a column's chunks go on the JVM
 * heap while the heap bytes of all open columns stay within the budget, and into memory-mapped temp files beyond
 * it (see {@link TempFiles}: nothing is left on disk, whatever ends the process). The kernel pages mapped chunks in
 * and out as they are used, so the dump's size is bounded by the temp directory's free space, not by RAM.
 *
 * <p>Every mapped chunk is a slot of one temp file. A closed column's slots are unmapped (its pages leave the
 * resident set) and handed to the next column that needs a chunk, which zeroes the part the last one wrote: those
 * pages are still in the page cache, so that costs a cheap fault and a write per page, where a page of new file
 * space costs the kernel an allocation, zeroing and accounting (about 7 µs a 4 KB page on the benchmark machine,
 * 1.3 µs for a cached one; an analysis of the 10 GB benchmark dump maps 17 GB of chunks, at most 8 GB at once).
 *
 * <p>Chunks are {@code 4 << chunkShift} bytes: {@code 2^chunkShift} ints or half as many longs (see
 * {@link #DEFAULT_CHUNK_SHIFT}); tests set it small so that ordinary dumps cross chunk boundaries.
 * Thread-safe.
 */
public final class ColumnStore implements AutoCloseable {
    /**
     * Options for a JVM of this JDK that analyses a dump: on JDK 23 and later {@code
     * --sun-misc-unsafe-memory-access=allow}, without which columns are read through their buffers' checks and
     * unmapped only by the garbage collector (see {@code RawMemory}); none on earlier JDKs, which would refuse it.
     * bin/mapleak passes the same to such a JDK; the triage job gives it to its children.
     */
    public static final List<String> JVM_OPTIONS = Runtime.version().feature() >= 23
            ? List.of("--sun-misc-unsafe-memory-access=allow") : List.of();

    /**
     * 2^24 ints a chunk, 2^23 longs: 64 MB either way, so that any closed column's slot fits any new chunk. Heap
     * chunks small enough for a fragmented heap to place, mapped chunks few enough (about 300 for a 10 GB dump) to
     * stay far below the kernel's map count limit.
     */
    public static final int DEFAULT_CHUNK_SHIFT = 24;
    /** The largest chunk: 2^27 ints (2^26 longs) are 512 MB, within Java's 2 GB limit of one mapped buffer. */
    public static final int MAX_CHUNK_SHIFT = 27;
    /** Free space kept in the temp directory beyond what a new chunk takes. */
    private static final long TEMP_SPACE_MARGIN = 64L << 20;

    private final long budget;
    private final Path tempDir;
    private final int chunkShift;
    private final LongSupplier usableSpace;
    private final Set<ChunkedColumn> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private long heapInUse;
    private long mappedInUse;
    private long peakHeap;
    private long peakMapped;
    private long peakTotal;
    private boolean closed;
    /** The temp file of the mapped chunks: opened with the first, closed with the store. */
    private FileChannel chunkFile;
    /** Bytes of {@link #chunkFile} handed out as slots so far. */
    private long chunkFileEnd;
    /** Free slots, each {position, bytes at its start that may not be zero}; the last freed first. */
    private final ArrayDeque<long[]> freeSlots = new ArrayDeque<>();
    private long slotsReused;
    private long slotsCreated;

    /**
     * @param budget     bytes of columns allowed on the heap (0: everything in temp files)
     * @param tempDir    where temp files go (null: java.io.tmpdir)
     * @param chunkShift elements per chunk as a power of two, 4 to 27
     */
    public ColumnStore(long budget, Path tempDir, int chunkShift) {
        this(budget, tempDir, chunkShift, null);
    }

    ColumnStore(long budget, Path tempDir, int chunkShift, LongSupplier usableSpace) {
        if (chunkShift < 4 || chunkShift > MAX_CHUNK_SHIFT) {
            throw new IllegalArgumentException("chunk shift must be 4 to 27, was " + chunkShift);
        }
        this.budget = Math.max(0, budget);
        this.tempDir = tempDir;
        this.chunkShift = chunkShift;
        this.usableSpace = usableSpace;
    }

    /** A store that keeps every column on the heap (small dumps, tests). */
    public static ColumnStore onHeap() {
        return new ColumnStore(Long.MAX_VALUE, null, DEFAULT_CHUNK_SHIFT);
    }

    /** A new column of {@code length} ints, all zero. */
    public IntColumn ints(String name, long length) {
        return register(new IntColumn(this, name, chunkShift), length);
    }

    /** A new column of {@code length} longs, all zero. */
    public LongColumn longs(String name, long length) {
        return register(new LongColumn(this, name, chunkShift - 1), length);
    }

    /**
     * A new column of {@code length} ints whose elements are unspecified until written: for a column every element
     * of which is written before it is read (an order, a queue, a stack, values set object by object). A mapped
     * chunk in a slot that a closed column had written is not zeroed first; zeroing those slots took a tenth of the
     * dominator tree's time on the 1 GB benchmark dump. Heap chunks are zero as ever. Elements added by growing
     * the column later are unspecified too.
     */
    public IntColumn scratchInts(String name, long length) {
        IntColumn c = new IntColumn(this, name, chunkShift);
        c.scratch = true;
        return register(c, length);
    }

    /** Like {@link #scratchInts}, for longs. */
    public LongColumn scratchLongs(String name, long length) {
        LongColumn c = new LongColumn(this, name, chunkShift - 1);
        c.scratch = true;
        return register(c, length);
    }

    /** A new column of {@code length} ints, all {@code value}: written once, not zeroed and then filled. */
    public IntColumn ints(String name, long length, int value) {
        IntColumn c = scratchInts(name, length);
        c.fill(0, length, value);
        return c;
    }

    /** A new column of {@code length} longs, all {@code value}: written once, not zeroed and then filled. */
    public LongColumn longs(String name, long length, long value) {
        LongColumn c = scratchLongs(name, length);
        c.fill(0, length, value);
        return c;
    }

    private <C extends ChunkedColumn> C register(C column, long length) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the column store is closed");
            }
            open.add(column);
        }
        column.ensureLength(length);
        return column;
    }

    public long budget() {
        return budget;
    }

    public int chunkShift() {
        return chunkShift;
    }

    /** Heap bytes of the open columns. */
    public synchronized long heapBytes() {
        return heapInUse;
    }

    /** Mapped bytes of the open columns. */
    public synchronized long mappedBytes() {
        return mappedInUse;
    }

    /** The most heap bytes the columns held at once. */
    public synchronized long peakHeapBytes() {
        return peakHeap;
    }

    /** The most bytes in temp files the columns held at once. */
    public synchronized long peakMappedBytes() {
        return peakMapped;
    }

    /** The most bytes, heap and mapped, the columns held at once. */
    public synchronized long peakBytes() {
        return peakTotal;
    }

    synchronized boolean reserveHeap(long bytes) {
        if (heapInUse + bytes > budget) {
            return false;
        }
        heapColumnsHeld = true;
        heapInUse += bytes;
        peakHeap = Math.max(peakHeap, heapInUse);
        peakTotal = Math.max(peakTotal, heapInUse + mappedInUse);
        return true;
    }

    /** Whether any store of this JVM has put a column chunk on the heap (see {@link #heapColumnsHeld()}). */
    private static volatile boolean heapColumnsHeld;

    /**
     * Whether any store of this JVM has ever put a column chunk on the heap: when the heap runs out after that,
     * {@code --memory 0} (every column in temp files) is advice worth giving; when not, it would change nothing.
     */
    public static boolean heapColumnsHeld() {
        return heapColumnsHeld;
    }

    synchronized void releaseHeap(long bytes) {
        heapInUse -= bytes;
    }

    synchronized void addMapped(long bytes) {
        mappedInUse += bytes;
        peakMapped = Math.max(peakMapped, mappedInUse);
        peakTotal = Math.max(peakTotal, heapInUse + mappedInUse);
    }

    synchronized void releaseMapped(long bytes) {
        mappedInUse -= bytes;
    }

    synchronized void forget(ChunkedColumn c) {
        open.remove(c);
    }

    /** Where a mapped chunk goes: {@code position} in {@code file}; its first {@code dirty} bytes must be zeroed. */
    record Slot(FileChannel file, long position, long dirty) {
    }

    /**
     * A slot for a mapped chunk of {@code bytes} (always the store's chunk size): the last freed slot, or new space at
     * the end of the chunk file (checked against the temp directory's free space).
     */
    synchronized Slot takeSlot(long bytes) throws IOException {
        if (closed) {
            throw new IllegalStateException("the column store is closed");
        }
        long[] free = freeSlots.poll();
        if (free != null) {
            slotsReused++;
            return new Slot(chunkFile, free[0], free[1]);
        }
        if (chunkFile == null) {
            chunkFile = TempFiles.create(tempDir, "mapleak-columns-", ".col");
        }
        checkTempSpace(bytes);
        long position = chunkFileEnd;
        chunkFileEnd += bytes;
        slotsCreated++;
        return new Slot(chunkFile, position, 0);
    }

    /** The temp file every mapped chunk is a slot of; null until the first. */
    synchronized FileChannel chunkFile() {
        return chunkFile;
    }

    /** Takes back an unmapped chunk's slot; its first {@code dirty} bytes may hold what the column wrote. */
    synchronized void freeSlot(long position, long dirty) {
        if (!closed) {
            freeSlots.push(new long[] {position, dirty});
        }
    }

    /** Mapped chunks given a slot that an earlier column had freed, and given new space (for tests and diagnostics). */
    public synchronized long[] slotCounts() {
        return new long[] {slotsReused, slotsCreated};
    }

    /** Refuses a chunk the temp directory has no room for: a clear error now rather than a crash when it fills. */
    void checkTempSpace(long bytes) throws IOException {
        Path dir = TempFiles.directory(tempDir);
        long free = usableSpace != null ? usableSpace.getAsLong() : Files.getFileStore(dir).getUsableSpace();
        if (free < bytes + TEMP_SPACE_MARGIN) {
            throw new TempSpaceException(dir, String.format("the temp directory %s has %,d MB free; the columns that"
                    + " do not fit the memory budget need %,d MB more there", dir.toAbsolutePath(), free >> 20,
                    (bytes + TEMP_SPACE_MARGIN) >> 20));
        }
    }

    /**
     * Takes every open column's mapped pages out of the resident set (see {@link ChunkedColumn#releasePages}): for a
     * moment when no other thread uses the columns, between phases that touch different ones.
     */
    public void releasePages() {
        List<ChunkedColumn> all;
        synchronized (this) {
            all = new ArrayList<>(open);
        }
        for (ChunkedColumn c : all) {
            c.releasePages();
        }
    }

    /** Closes every column still open. */
    @Override
    public void close() {
        List<ChunkedColumn> left;
        synchronized (this) {
            closed = true;
            left = new ArrayList<>(open);
        }
        for (ChunkedColumn c : left) {
            c.close();
        }
        FileChannel file;
        synchronized (this) {
            file = chunkFile;
            chunkFile = null;
            freeSlots.clear();
        }
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // closing a deleted temp file: nothing left to do
            }
        }
    }

    /** The most the default budget keeps on the heap, whatever the heap's size. */
    public static final long DEFAULT_BUDGET_CAP = 128L << 20;

    /**
     * The default budget: 25% of the JVM's max heap (the rest is for everything else an analysis holds: decoded
     * maps, findings, reports), no more than half the memory the machine has available, so that heap columns never
     * push it into swapping, and no more than {@link #DEFAULT_BUDGET_CAP}. The cap is there because a heap column
     * costs memory for the rest of the run: the heap keeps every page it once held (and grows to hold the next
     * columns beside the garbage of the last), while a column in a temp file leaves the resident set when it is
     * closed, and under memory pressure its pages are the kernel's to write back and drop rather than anonymous
     * memory. Small dumps (tests, a few million objects) still keep every column on the heap. Measured on the 1 GB
     * benchmark dump (docs/PERFORMANCE.md): peak RSS at -Xmx1g 1.21-1.23 GB with a quarter of the heap, 1.05-1.16
     * GB with 128 MB; at -Xmx2g 1.28-1.40 against 1.20-1.22 GB; no difference in time beyond the noise. A lower cap
     * gains nothing more and costs at small heaps, which the analysis fills anyway (-Xmx512m: 0.98-1.03 GB with
     * 128 MB, 1.05-1.06 GB with 64 MB).
     */
    public static long defaultBudget() {
        long heap = Math.min((long) (Runtime.getRuntime().maxMemory() * 0.25), DEFAULT_BUDGET_CAP);
        long available = MachineMemory.availableBytes();
        return available > 0 ? Math.min(heap, available / 2) : heap;
    }

    /** Dumps this large (uncompressed) or larger keep every column in temp files by default. */
    public static final long LARGE_DUMP_BYTES = 256L << 20;

    /**
     * The default budget for a dump of about {@code dumpBytes} uncompressed: {@link #defaultBudget()} below
     * {@link #LARGE_DUMP_BYTES}, where every column fits it, and 0 from there on, where most would go to temp files
     * anyway (at 20-40 bytes of columns an object, a 256 MB dump's index and graph alone pass the 128 MB cap). A
     * heap column's pages stay with the process for the rest of the run, and the few columns a budget kept on the
     * heap were the ones the heap kept growing for: on the 1 GB benchmark dump (docs/PERFORMANCE.md, "Every
     * column in temp files") peak RSS fell by 60-120 MB at -Xmx512m, -Xmx2g and the default heap with the same
     * reports, and reading objects and the dominator tree took less time, as this VM's faults on fresh heap pages
     * cost five times those on temp-file pages.
     */
    public static long defaultBudget(long dumpBytes) {
        return dumpBytes >= LARGE_DUMP_BYTES ? 0 : defaultBudget();
    }

    /** The budget for a requested {@code --memory}: that much, but never more than 60% of the JVM's max heap. */
    public static long budgetFor(long requested) {
        return Math.min(requested, (long) (Runtime.getRuntime().maxMemory() * 0.6));
    }
}
