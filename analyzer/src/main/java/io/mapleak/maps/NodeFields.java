package io.mapleak.maps;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ObjectReader;
import java.util.Arrays;

/**
 * The fields of a large hash table's nodes ({@code hash}, key, value, {@code next}), read in the order the nodes
 * lie in the dump, a window of bins at a time. A large map's nodes were allocated over its life, so in bin order
 * they lie all over the heap, and walked bin by bin nearly every node is a page the thread's page cache does not
 * hold: on the 1 GB benchmark dump, 14 maps of 1,000 entries and more caused 218,000 of decoding's 242,000 page
 * reads (a read costs about 6 µs here), the 381,000 smaller maps (whose nodes lie beside them) the rest. Sorted by
 * position, neighbouring nodes share pages; the larger the window, the more of them, so windows grow to
 * {@link #MAX_WINDOW} bins (about 9 MB of arrays for a table at the load factor). The chains' later nodes are
 * read the same way, one level (second nodes, third nodes...) at a time. A walk asks for a bin's first node
 * ({@link #head}) and each next one ({@link #child}); what this does not hold (nodes past the levels read, objects
 * that are not nodes) it reads from the dump as before, so what a walk finds, and in what order, does not depend on
 * this. Not thread-safe: one per walk.
 */
final class NodeFields {
    /** Tables with fewer slots are walked reading as they go: a small table's nodes lie together with it. */
    static final int MIN_SLOTS = 512;
    /** Heads in a window below which it is read as walked. */
    private static final int MIN_HEADS = 128;
    /** The first window of a walk that may stop early (the report's samples read the first few thousand entries). */
    private static final int FIRST_WINDOW = 1 << 12;
    /** The largest window: bins whose nodes are read together. */
    static final int MAX_WINDOW = 1 << 18;
    /** Chain levels read in file order; nodes deeper in a chain (rare below the load factor) are read as met. */
    private static final int LEVELS = 4;
    /** Bits of an entry's number in the sort keys (position above it): {@link #LEVELS} windows' worth. */
    private static final int SLOT_BITS = 20;
    /** Positions the sort keys can hold: dumps up to 8 TB. */
    private static final long MAX_POSITION = 1L << (63 - SLOT_BITS);
    private static final long SLOT_MASK = (1L << SLOT_BITS) - 1;
    /** The longest run of the file read at once. */
    private static final int RUN = 1 << 18;
    /**
     * The most bytes between two objects that one run reads through rather than ending there: a positional read
     * costs about as much as copying 8 KB here (a system call under this VM's paravirtualisation, about 2 µs),
     * so a wider gap is cheaper as two reads. Runs that read through every gap up to {@link #RUN} copied 2.8 GB of
     * the 1 GB benchmark dump per decoding (a large map's nodes lie spread among its keys and values, and each
     * window and chain level went over them again); with this, 1.3 GB.
     */
    static final int GAP = 8 << 10;
    /** Bytes past a node's fields' start that a run reads for it: a walk's four fields lie within, also those of a
     *  {@code TreeNode}, whose own fields come first (77 bytes with 8-byte ids); a node whose do not is read alone. */
    private static final int NODE_BYTES = 128;

    private final HeapIndex index;
    private final String valueField;
    private int window;
    private int windowFrom;
    private int windowTo;
    private boolean active;
    /** Per bin of the window: the slot of its first node, -1 for an empty bin. */
    private int[] headOf = new int[0];
    private int count;
    /** Per slot: the node (-1 once found not to be one), its fields, and the slot of the next node (-1: not read). */
    private int[] nodes = new int[0];
    private int[] hashes = new int[0];
    private long[] keys = new long[0];
    private long[] values = new long[0];
    private long[] nexts = new long[0];
    private int[] children = new int[0];
    /** Sort keys: (position of the node's fields &lt;&lt; SLOT_BITS) | slot. */
    private long[] order = new long[0];
    /**
     * Where runs of nodes are read into: one direct buffer a thread, not one a walk (the detectors walk large maps
     * again and again, and a direct buffer's memory is freed only once a collection finds it unreachable).
     */
    private static final ThreadLocal<java.nio.ByteBuffer> RUNS =
            ThreadLocal.withInitial(() -> java.nio.ByteBuffer.allocateDirect(RUN)); // big-endian, as the dump

    private NodeFields(HeapIndex index, String valueField, boolean decoding) {
        this.index = index;
        this.valueField = valueField;
        this.window = decoding ? MAX_WINDOW : FIRST_WINDOW;
    }

    /**
     * A reader for the nodes of a walk of a table of {@code slots} bins, or null when the table is small (or the dump
     * too large for the sort keys). {@code decoding}: the walk decodes the map, so it goes through every bin (windows
     * start at the largest); otherwise it hands entries to a sink, which may stop early.
     */
    static NodeFields forWalk(MapContext ctx, String valueField, int slots, boolean decoding) {
        if (slots < MIN_SLOTS || ctx.index.reader().dumpSize() >= MAX_POSITION) {
            return null;
        }
        return new NodeFields(ctx.index, valueField, decoding);
    }

    /**
     * Reads the nodes of the window of bins that starts at {@code from} of {@code table} ({@code slots} bins) and of
     * their chains down to {@link #LEVELS} deep, in file order, replacing the previous window's. Returns where the
     * window ends: the walk calls again there. A window of fewer than {@link #MIN_HEADS} heads is not read.
     */
    int readFrom(MapContext ctx, int table, int from, int slots) {
        int to = (int) Math.min(slots, (long) from + window);
        window = Math.min(MAX_WINDOW, 2 * window);
        windowFrom = from;
        windowTo = to;
        if (headOf.length < to - from) {
            headOf = new int[to - from];
        }
        count = 0;
        for (int at = from; at < to; at += MapContext.SLOT_PIECE) {
            long[] ids = ctx.elements(table, at, Math.min(MapContext.SLOT_PIECE, to - at));
            for (int j = 0; j < ids.length; j++) {
                headOf[at - from + j] = add(ids[j]);
            }
        }
        active = count >= MIN_HEADS;
        if (!active) {
            return to;
        }
        ObjectReader reader = index.reader();
        int levelStart = 0;
        for (int level = 0; level < LEVELS && levelStart < count; level++) {
            int levelEnd = count;
            int n = levelEnd - levelStart;
            if (order.length < n) {
                order = new long[Math.max(n, order.length + order.length / 2)];
            }
            for (int k = levelStart; k < levelEnd; k++) {
                order[k - levelStart] = reader.fieldsAt(nodes[k]) << SLOT_BITS | k;
            }
            Arrays.sort(order, 0, n);
            readSorted(ctx, reader, n);
            boolean last = level == LEVELS - 1;
            for (int k = levelStart; k < levelEnd; k++) {
                children[k] = last || nodes[k] < 0 ? -1 : add(nexts[k]);
            }
            levelStart = levelEnd;
        }
        return to;
    }

    /**
     * Queues the node with id {@code id} to be read and returns its slot; -1, queuing nothing, for 0, for an object
     * the dump does not hold (left to the walk, which counts it) and when the slots are full.
     */
    private int add(long id) {
        if (id == 0 || count >= 1 << SLOT_BITS) {
            return -1;
        }
        int node = index.indexOf(id); // not ctx.object: the walk counts missing objects when it meets them
        if (node < 0) {
            return -1;
        }
        if (count == nodes.length) {
            int size = Math.max(1024, count + count / 2);
            nodes = Arrays.copyOf(nodes, size);
            hashes = Arrays.copyOf(hashes, size);
            keys = Arrays.copyOf(keys, size);
            values = Arrays.copyOf(values, size);
            nexts = Arrays.copyOf(nexts, size);
            children = Arrays.copyOf(children, size);
        }
        nodes[count] = node;
        nexts[count] = 0;
        children[count] = -1;
        return count++;
    }

    /** Reads the nodes of the first {@code n} sort keys, in their (file) order ({@link #inRuns}). */
    private void readSorted(MapContext ctx, ObjectReader reader, int n) {
        int idSize = index.idSize();
        inRuns(reader, n, order, SLOT_BITS,
                (i, fields, run, runAt) -> readNode(ctx, reader, run, runAt, idSize, (int) (order[i] & SLOT_MASK),
                        fields));
    }

    /** What {@link #inRuns} calls for each object: its fields start at {@code fields}; {@code run} holds the file
     *  from {@code runAt} up to its position (short of the object's end only where the dump ends). */
    @FunctionalInterface
    interface Visit {
        void fields(int i, long fields, java.nio.ByteBuffer run, long runAt);
    }

    /**
     * Visits objects 0 to {@code n - 1}, whose fields start at {@code keys[i] >>> shift}, given in rising file order, in
     * runs read with one positional read each, straight into a buffer of the thread's: a run goes on while the next
     * object lies within {@link #GAP} bytes of the last and within {@link #RUN} bytes of the first; an object with no
     * neighbour that close is a run of its own ({@link #NODE_BYTES} read). Positions out of order end a run. The
     * positions come in an array, not through a function: with a function of each caller's, the compiled loops'
     * type speculations failed by turns and C2 compiled this six times in a run.
     */
    static void inRuns(ObjectReader reader, int n, long[] keys, int shift, Visit visit) {
        for (int i = 0; i < n; ) {
            long first = keys[i] >>> shift;
            int j = i + 1;
            long last = first;
            for (long p; j < n && (p = keys[j] >>> shift) >= last && p + NODE_BYTES <= first + RUN
                    && p - last <= GAP; ) {
                last = p;
                j++;
            }
            java.nio.ByteBuffer run = RUNS.get();
            run.clear().limit((int) ((keys[j - 1] >>> shift) + NODE_BYTES - first));
            reader.readRun(first, run);
            for (; i < j; i++) {
                visit.fields(i, keys[i] >>> shift, run, first);
            }
        }
    }

    /**
     * The reference at {@code offset} (-1: none, 0 returned) of an object whose fields start at {@code fields}: from
     * {@code run} (holding the file from {@code runAt}) when it holds it, else through the page cache.
     */
    static long id(ObjectReader reader, int idSize, java.nio.ByteBuffer run, long runAt, long fields, int offset) {
        if (offset < 0) {
            return 0;
        }
        long at = fields - runAt + offset;
        if (at >= 0 && at + idSize <= run.position()) {
            return id(run, (int) at, idSize);
        }
        return reader.idAtFields(fields, offset);
    }

    /**
     * Reads slot {@code k}'s node, whose fields start at {@code fields}: from {@code run} (which holds the file from
     * {@code runAt} up to its position) when it holds them, else through the page cache. An object that is no node is
     * dropped.
     */
    private void readNode(MapContext ctx, ObjectReader reader, java.nio.ByteBuffer run, long runAt, int idSize, int k,
            long fields) {
        int node = nodes[k];
        int[] layout = ctx.nodeLayout(index.classIndexOf(node), valueField);
        if (layout[5] != 0 || index.isMirror(node)) {
            nodes[k] = -1; // the walk finds out for itself, and says so
            return;
        }
        int at = (int) (fields - runAt);
        if (at >= 0 && at + layout[6] <= run.position()) {
            hashes[k] = layout[0] >= 0 ? run.getInt(at + layout[0]) : 0;
            keys[k] = layout[1] >= 0 ? id(run, at + layout[1], idSize) : 0;
            values[k] = layout[2] >= 0 ? id(run, at + layout[2], idSize) : 0;
            nexts[k] = layout[3] >= 0 ? id(run, at + layout[3], idSize) : 0;
        } else {
            hashes[k] = layout[0] >= 0 ? reader.intAtFields(fields, layout[0]) : 0;
            keys[k] = layout[1] >= 0 ? reader.idAtFields(fields, layout[1]) : 0;
            values[k] = layout[2] >= 0 ? reader.idAtFields(fields, layout[2]) : 0;
            nexts[k] = layout[3] >= 0 ? reader.idAtFields(fields, layout[3]) : 0;
        }
    }

    private static long id(java.nio.ByteBuffer b, int at, int idSize) {
        return idSize == 8 ? b.getLong(at) : b.getInt(at) & 0xFFFF_FFFFL;
    }

    /** The slot holding the fields of the first node of {@code bin} (whose id the table holds), or -1: read it. */
    int head(int bin) {
        return active && bin >= windowFrom && bin < windowTo ? held(headOf[bin - windowFrom]) : -1;
    }

    /** The slot holding the fields of the node after slot {@code k}'s (the one {@link #next} names), or -1. */
    int child(int k) {
        return held(children[k]);
    }

    private int held(int k) {
        return k >= 0 && nodes[k] >= 0 ? k : -1;
    }

    int node(int k) {
        return nodes[k];
    }

    int hash(int k) {
        return hashes[k];
    }

    long key(int k) {
        return keys[k];
    }

    long value(int k) {
        return values[k];
    }

    long next(int k) {
        return nexts[k];
    }
}
