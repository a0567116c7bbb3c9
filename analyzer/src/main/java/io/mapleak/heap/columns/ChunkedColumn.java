package io.mapleak.heap.columns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * What the typed columns share: elements in chunks of {@code 2^shift}, each chunk either a heap array or a slot
 * of the store's temp file mapped into memory (see {@link ColumnStore}). Which one is decided per chunk when it is
 * created, by the store's budget, so a column that grows past the budget keeps its first chunks on the heap. The
 * last heap chunk grows by doubling; mapped chunks are always mapped whole (the file is sparse: untouched pages
 * cost neither disk nor memory).
 */
abstract sealed class ChunkedColumn implements Column permits IntColumn, LongColumn {
    final ColumnStore store;
    final String name;
    final int shift;
    final int mask;
    private final int width;
    long length;
    /** Elements the chunks hold now: the column grows up to this without allocating. */
    private long allocated;
    /** Elements each chunk can hold now (heap chunks grow up to {@code 1 << shift}). */
    int[] capacity = new int[4];
    MappedByteBuffer[] buffers = new MappedByteBuffer[4];
    /** Where each mapped chunk is in the store's chunk file. */
    private long[] positions = new long[4];
    /** Bytes at the start of each mapped chunk that its slot's last column wrote and this one did not zero. */
    private long[] inherited = new long[4];
    int chunks;
    /** The most elements the column was ever long: beyond it, its chunks were never written. */
    private long highWater;
    private long heapBytes;
    private long mappedBytes;
    private boolean closed;
    /** Whether new elements may hold anything until written (see {@link ColumnStore#scratchInts}). */
    boolean scratch;

    ChunkedColumn(ColumnStore store, String name, int shift, int width) {
        this.store = store;
        this.name = name;
        this.shift = shift;
        this.mask = (1 << shift) - 1;
        this.width = width;
    }

    @Override
    public final long length() {
        return length;
    }

    @Override
    public final long heapBytes() {
        return heapBytes;
    }

    @Override
    public final long mappedBytes() {
        return mappedBytes;
    }

    /** Whether chunk {@code c} is on the heap (for tests and diagnostics). */
    public final boolean chunkOnHeap(int c) {
        return buffers[c] == null;
    }

    /** Number of chunks. */
    public final int chunkCount() {
        return chunks;
    }

    /** Growth by at most this many elements at a time counts as appending (see {@link #ensureLength}). */
    private static final int APPEND = 1024;

    /**
     * Makes the column at least {@code n} elements long; new elements are zero (unspecified in a scratch column).
     * Not thread-safe.
     */
    public final void ensureLength(long n) {
        if (n <= length) {
            return;
        }
        if (n <= allocated) {
            length = n; // appends within the chunks already there (nearly every append): nothing to allocate
            highWater = Math.max(highWater, n);
            return;
        }
        if (closed) {
            throw new IllegalStateException("column " + name + " is closed");
        }
        long chunkSize = 1L << shift;
        boolean appending = n - length <= APPEND;
        int needed = (int) ((n + chunkSize - 1) >>> shift);
        if (needed > capacity.length) {
            int size = Math.max(needed, capacity.length * 2);
            capacity = Arrays.copyOf(capacity, size);
            buffers = Arrays.copyOf(buffers, size);
            positions = Arrays.copyOf(positions, size);
            inherited = Arrays.copyOf(inherited, size);
            growSlots(size);
        }
        // The last existing heap chunk grows first (doubling), up to a full chunk.
        if (chunks > 0 && buffers[chunks - 1] == null && capacity[chunks - 1] < chunkSize) {
            int c = chunks - 1;
            long within = Math.min(chunkSize, n - ((long) c << shift));
            if (within > capacity[c]) {
                int grown = (int) Math.min(chunkSize, Math.max(within, 2L * capacity[c]));
                long before = (long) capacity[c] * width;
                long after = (long) grown * width;
                // The copy needs the old and the new array at once: the budget must hold both for a moment.
                if (store.reserveHeap(after)) {
                    resizeHeapChunk(c, grown);
                    capacity[c] = grown;
                    store.releaseHeap(before);
                    heapBytes += after - before;
                } else {
                    moveChunkToFile(c);
                }
            }
        }
        while (chunks < needed) {
            int c = chunks;
            long want = n - ((long) c << shift);
            int size = (int) Math.min(chunkSize, want);
            // The last chunk holds what is asked for (at least 1024 elements) and grows later by doubling; but a
            // column appended to (a few elements at a time) past its first chunk is long already, and gets each
            // further chunk whole, with no copies while it fills.
            if (c == needed - 1 && size < chunkSize && !(appending && c > 0)) {
                size = (int) Math.min(chunkSize, Math.max(size, 1024));
            } else {
                size = (int) chunkSize;
            }
            if (store.reserveHeap((long) size * width)) {
                newHeapChunk(c, size);
                capacity[c] = size;
                heapBytes += (long) size * width;
            } else {
                mapChunk(c);
            }
            chunks++;
        }
        length = n;
        highWater = Math.max(highWater, n);
        allocated = chunks == 0 ? 0 : ((long) (chunks - 1) << shift) + capacity[chunks - 1];
        chunksChanged();
    }

    /** Shortens the column to {@code n} elements (chunks stay allocated). */
    public final void truncate(long n) {
        if (n < length) {
            length = Math.max(0, n);
        }
    }

    private void mapChunk(int c) {
        long bytes = (long) width << shift;
        try {
            ColumnStore.Slot slot = store.takeSlot(bytes);
            MappedByteBuffer b = slot.file().map(FileChannel.MapMode.READ_WRITE, slot.position(), bytes);
            b.order(ByteOrder.nativeOrder());
            if (slot.dirty() > 0 && !scratch) {
                zero(b, slot.dirty()); // the slot's last column wrote there; new elements must read as zero
            }
            inherited[c] = scratch ? slot.dirty() : 0; // what the next column of the slot must zero, beyond ours
            positions[c] = slot.position();
            buffers[c] = b;
            capacity[c] = 1 << shift;
            setMappedChunk(c, b);
            mappedBytes += bytes;
            store.addMapped(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final byte[] ZEROS = new byte[1 << 16];

    private static void zero(MappedByteBuffer b, long bytes) {
        if (RawMemory.ENABLED) {
            RawMemory.U.setMemory(RawMemory.address(b), bytes, (byte) 0);
            return;
        }
        java.nio.ByteBuffer d = b.duplicate();
        for (int at = 0; at < bytes; at += ZEROS.length) {
            d.put(at, ZEROS, 0, (int) Math.min(ZEROS.length, bytes - at));
        }
    }

    /** Bytes of chunk {@code c} the column may have written: up to the longest it ever was. */
    private long written(int c) {
        long elements = Math.min(1L << shift, Math.max(0, highWater - ((long) c << shift)));
        return elements * width;
    }

    /**
     * Takes the column's mapped pages out of the process's resident set, keeping their values: each mapped chunk is
     * mapped anew and the old mapping unmapped, so its pages (which the page cache keeps) count again only once they
     * are touched. A column written once and read little later (offsets, the DFS's vertex order) then costs no
     * memory while other work runs. Heap chunks are left alone. Not thread-safe: no other thread may use the column
     * meanwhile (its old mapping is gone after this).
     */
    public final void releasePages() {
        FileChannel file = store.chunkFile();
        if (closed || file == null) {
            return;
        }
        long bytes = (long) width << shift;
        for (int c = 0; c < chunks; c++) {
            MappedByteBuffer old = buffers[c];
            if (old == null) {
                continue;
            }
            try {
                MappedByteBuffer b = file.map(FileChannel.MapMode.READ_WRITE, positions[c], bytes);
                b.order(ByteOrder.nativeOrder());
                buffers[c] = b;
                setMappedChunk(c, b);
            } catch (IOException e) {
                continue; // keeps the old mapping: nothing released, nothing lost
            }
            Unmapper.unmap(old);
        }
    }

    /** A heap chunk that cannot grow within the budget moves to the file, keeping its values. */
    private void moveChunkToFile(int c) {
        Object old = heapChunk(c);
        int oldCapacity = capacity[c];
        clearHeapChunk(c);
        mapChunk(c);
        copyIntoMapped(c, old, oldCapacity);
        heapBytes -= (long) oldCapacity * width;
        store.releaseHeap((long) oldCapacity * width);
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int c = 0; c < chunks; c++) {
            if (buffers[c] != null) {
                Unmapper.unmap(buffers[c]);
                buffers[c] = null;
                store.freeSlot(positions[c], Math.max(written(c), inherited[c]));
            }
            clearHeapChunk(c);
        }
        clearAll();
        chunksChanged();
        store.releaseHeap(heapBytes);
        store.releaseMapped(mappedBytes);
        heapBytes = 0;
        mappedBytes = 0;
        chunks = 0;
        length = 0;
        allocated = 0;
        store.forget(this);
    }

    abstract void growSlots(int size);

    abstract void newHeapChunk(int c, int size);

    abstract void resizeHeapChunk(int c, int size);

    abstract Object heapChunk(int c);

    abstract void clearHeapChunk(int c);

    abstract void setMappedChunk(int c, MappedByteBuffer b);

    abstract void copyIntoMapped(int c, Object heapChunk, int count);

    abstract void clearAll();

    /** Called after the chunks change: a column that is one heap chunk is read and written as a plain array. */
    abstract void chunksChanged();

    @Override
    public String toString() {
        return name + "[" + length + "] " + chunks + " chunks, " + heapBytes + " B heap, " + mappedBytes + " B mapped";
    }
}
