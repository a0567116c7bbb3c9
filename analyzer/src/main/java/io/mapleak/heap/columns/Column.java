package io.mapleak.heap.columns;

/**
 * One per-object or per-reference array of the index or the graph, indexed by {@code long}. Its chunks live on the
 * JVM heap while the {@link ColumnStore}'s memory budget allows and in a memory-mapped temp file beyond it; callers
 * see no difference but speed. New elements read as zero. Reads and writes of distinct elements are safe from
 * several threads once the column has its length; growing it is not.
 */
public interface Column extends AutoCloseable {

    /** Number of elements. */
    long length();

    /** Bytes of this column's chunks on the JVM heap. */
    long heapBytes();

    /** Bytes of this column's chunks in memory-mapped temp files. */
    long mappedBytes();

    /** Releases the chunks (heap arrays to the garbage collector, mappings unmapped); the column is unusable after. */
    @Override
    void close();
}
