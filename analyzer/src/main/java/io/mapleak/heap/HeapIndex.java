package io.mapleak.heap;

import io.mapleak.heap.columns.PackedLongs;

import io.mapleak.hprof.DumpFile;
import io.mapleak.hprof.GcRootKind;
import java.io.Closeable;
import java.io.IOException;
import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.IntColumn;
import java.nio.channels.FileChannel;
import java.util.List;

/**
 * The index of one heap dump: every object (class mirrors included) as a dense int, in ascending id order, with
 * its class, shallow size, file offset and outbound references (CSR); classes, GC roots and threads. Columns
 * throughout (see {@link ColumnStore}: on the heap within the memory budget, in temp files beyond it), no Java
 * object per heap object. Queries here never touch the dump, except through {@link #reader()}, which reads field
 * values on demand. Thread-safe for reading once built.
 *
 * <p>Object indices are {@code int}: up to 2^31 - 17 objects, far more than any dump a JVM writes today (a 64 GB
 * heap holds about a billion). Reference positions and counts are {@code long}.
 *
 * <p>Besides the stored references, every object also references its class's mirror ({@link #classObject}); the
 * graph stage adds that edge, so it costs no memory here.
 */
public final class HeapIndex implements Closeable {
    /** The sorted ids; null when the id look-up's bitmap answers {@link #id} (see {@link IdLookup}). */
    final PackedLongs ids;
    final IntColumn classOf;
    final IntColumn sizeUnits;
    final PackedLongs offsets;
    final PackedLongs refStart;
    final IntColumn refs;
    private final int objects;
    private final ColumnStore store;
    final IdLookup lookup;
    final List<ClassInfo> classes;
    final int classClassIndex;
    final long[] oversize;
    final Layout layout;
    final DumpFacts facts;
    final byte[] rootKinds;
    final int[] rootObjects;
    final int[] rootThreads;
    final int[] rootFrames;
    final List<ThreadInfo> threads;
    private final com.carrotsearch.hppc.IntIntHashMap mirrorClass = new com.carrotsearch.hppc.IntIntHashMap();
    final long heapBytes;
    final long danglingReferences;
    final int missingRootObjects;
    final int idSize;
    final java.util.Map<String, Double> buildPhases;
    final java.util.BitSet weakReferents;
    final java.util.BitSet discoveredLinks;
    private final FileChannel channel;
    private final DumpFile file;
    private final ObjectReader reader;

    private final int readShares;

    HeapIndex(HeapIndexBuilder.Result r) throws IOException {
        this.ids = r.packedIds;
        this.classOf = r.classOf;
        this.sizeUnits = r.sizeUnits;
        this.offsets = r.packedOffsets;
        this.refStart = r.refStart;
        this.refs = r.refs;
        this.objects = r.objects;
        this.store = r.store;
        this.lookup = r.lookup;
        this.classes = List.copyOf(r.catalog.classes);
        this.classClassIndex = r.catalog.classClassIndex;
        this.oversize = r.oversize;
        this.layout = r.facts.layout();
        this.facts = r.facts;
        this.rootKinds = r.rootKinds;
        this.rootObjects = r.rootObjects;
        this.rootThreads = r.rootThreads;
        this.rootFrames = r.rootFrames;
        this.heapBytes = r.heapBytes;
        this.danglingReferences = r.dangling;
        this.missingRootObjects = r.missingRoots;
        this.idSize = r.catalog.idSize();
        this.buildPhases = r.phases;
        this.weakReferents = r.weakReferents;
        this.discoveredLinks = r.discoveredLinks;
        this.file = r.file;
        this.channel = r.randomAccess;
        this.readShares = r.readShares;
        for (ClassInfo c : classes) {
            if (c.objectIndex >= 0) {
                mirrorClass.put(c.objectIndex, c.index);
            }
        }
        this.reader = new ObjectReader(this, channel);
        this.threads = r.threads(this);
    }

    /**
     * Builds the index: two streaming passes over the dump (a gzipped dump is inflated to a temp file once). The
     * index owns the options' column store from here on and closes it with itself.
     */
    public static HeapIndex build(DumpFile file, ReadOptions options) throws IOException {
        return new HeapIndexBuilder(file, options).build();
    }

    public DumpFile file() {
        return file;
    }

    /** How many threads read the heap-dump segments in pass 1; 0 when the streaming reader read them. */
    public int readShares() {
        return readShares;
    }

    public DumpFacts facts() {
        return facts;
    }

    public Layout layout() {
        return layout;
    }

    public int idSize() {
        return idSize;
    }

    public int objectCount() {
        return objects;
    }

    /** Where this index's columns come from; the graph stage takes its own from here too. */
    public ColumnStore columns() {
        return store;
    }

    /** Sum of all objects' shallow sizes. */
    public long heapBytes() {
        return heapBytes;
    }

    public long id(int object) {
        return ids != null ? ids.get(object) : lookup.idOf(object);
    }

    /** The object with this id, or -1. */
    public int indexOf(long id) {
        return lookup.indexOf(id);
    }

    public int classIndexOf(int object) {
        return classOf.get(object);
    }

    public ClassInfo classOf(int object) {
        return classes.get(classOf.get(object));
    }

    public List<ClassInfo> classes() {
        return classes;
    }

    public ClassInfo classInfo(int classIndex) {
        return classes.get(classIndex);
    }

    /** Per class index: whether the class is the one named {@code name} or extends it. */
    public boolean[] classesExtending(String name) {
        boolean[] out = new boolean[classes.size()];
        for (ClassInfo c : classes) {
            for (ClassInfo x = c; x != null; x = x.superIndex() >= 0 ? classes.get(x.superIndex()) : null) {
                if (x.name().equals(name)) {
                    out[c.index()] = true;
                    break;
                }
            }
        }
        return out;
    }

    /** The object of this class's {@code java.lang.Class} mirror (-1 for stand-in classes that have none). */
    public int classObject(int classIndex) {
        return classes.get(classIndex).objectIndex;
    }

    /** For a class mirror object, the class it stands for; otherwise null. */
    public ClassInfo mirroredClass(int object) {
        int c = mirrorClass.getOrDefault(object, -1);
        return c >= 0 ? classes.get(c) : null;
    }

    public boolean isMirror(int object) {
        // Mirrors are instances of java.lang.Class (when the dump has it): most objects are ruled out by class, with
        // no look-up in the table of mirrors.
        return (classClassIndex < 0 || classOf.get(object) == classClassIndex) && mirrorClass.containsKey(object);
    }

    public long shallowSize(int object) {
        int u = sizeUnits.get(object);
        if (u >= 0) {
            return (long) u * layout.alignment();
        }
        return oversize[-u - 1];
    }

    /**
     * The largest unit every shallow size is a multiple of, as far as the index knows: the object alignment, or 1
     * byte if a size too large for the size column (kept in bytes) is not a multiple of it.
     */
    public long sizeUnit() {
        long align = layout.alignment();
        for (long s : oversize) {
            if (s % align != 0) {
                return 1;
            }
        }
        return align;
    }

    /** Offset of the object's record in the uncompressed dump. */
    public long offset(int object) {
        ClassInfo mirrored = classOf.get(object) == classClassIndex ? mirroredClass(object) : null;
        return mirrored != null ? mirrored.dumpOffset : offsets.get(object);
    }

    /** Number of stored outbound references (the implicit reference to the class mirror not counted). */
    public int outboundCount(int object) {
        return (int) (refStart.get(object + 1) - refStart.get(object));
    }

    /** The k-th stored outbound reference of {@code object}. */
    public int outbound(int object, int k) {
        return refs.get(refStart.get(object) + k);
    }

    /** Position of {@code object}'s first reference in the CSR; they end at {@code refStart(object + 1)}. */
    public long refStart(int object) {
        return refStart.get(object);
    }

    /** The reference at CSR position {@code position} (see {@link #refStart}). */
    public int reference(long position) {
        return refs.get(position);
    }

    public long referenceCount() {
        return refStart.get(objects);
    }

    /**
     * Whether the object's last stored reference is the {@code referent} of a {@code java.lang.ref.Reference}
     * (weak, soft, phantom, final): all references count for retained sizes, but a path that shows why an
     * object is alive skips that one.
     */
    public boolean lastReferenceIsReferent(int object) {
        return weakReferents.get(object);
    }

    /**
     * How many of the object's last stored references a path that shows why it is alive skips: its referent
     * ({@link #lastReferenceIsReferent}) and, stored just before it, {@code java.lang.ref.Reference.discovered}, the
     * link of the collector's lists of references it found ready to clear and of the list the reference handler
     * thread has yet to enqueue. Both count for retained sizes; but a chain of pending references is no owner
     * (javac's dump showed a map "held" from the common Cleaner through 436 {@code .discovered} links, where its
     * compiler held it in four steps).
     */
    public int weakTail(int object) {
        return (weakReferents.get(object) ? 1 : 0) + (discoveredLinks.get(object) ? 1 : 0);
    }

    /**
     * Whether instances of class {@code cls} have a {@code referent} field ({@code java.lang.ref.Reference} and its
     * subclasses): only their instances can answer {@link #lastReferenceIsReferent} with true, so a caller that
     * knows the class can skip that look-up for every other object. A class whose referent field was never looked
     * up (pass 2 looks up every class's; -2 means not yet) answers true, so the set is asked rather than skipped.
     */
    public boolean holdsReferent(int cls) {
        return classes.get(cls).referentOffset != -1;
    }

    /** References to ids that are not in the dump; they are dropped from the graph and counted here. */
    public long danglingReferences() {
        return danglingReferences;
    }

    public int rootCount() {
        return rootKinds.length;
    }

    public GcRootKind rootKind(int root) {
        return GcRootKind.values()[rootKinds[root]];
    }

    /** The rooted object, or -1 when the root names an id that is not in the dump. */
    public int rootObject(int root) {
        return rootObjects[root];
    }

    /** The thread serial of a thread-related root, else -1. */
    public int rootThread(int root) {
        return rootThreads[root];
    }

    /** The stack frame depth of a Java-frame or JNI-local root, else -1. */
    public int rootFrame(int root) {
        return rootFrames[root];
    }

    public int missingRootObjects() {
        return missingRootObjects;
    }

    public List<ThreadInfo> threads() {
        return threads;
    }

    /** Seconds spent in each phase of building this index, in order. */
    public java.util.Map<String, Double> buildPhases() {
        return buildPhases;
    }

    /** Reads field values and strings from the dump file on demand. */
    public ObjectReader reader() {
        return reader;
    }

    /** Bytes this index holds in columns (on the heap and in temp files) and lookup tables. */
    public long indexBytes() {
        return (ids != null ? ids.bytes() : 0) + classOf.heapBytes() + classOf.mappedBytes() + sizeUnits.heapBytes()
                + sizeUnits.mappedBytes() + offsets.bytes() + refStart.bytes() + refs.heapBytes() + refs.mappedBytes()
                + lookup.bytes();
    }

    /** The class histogram of the indexed objects (the same numbers {@link HistogramBuilder} streams). */
    public Histogram histogram() {
        long[] counts = new long[classes.size()];
        long[] bytes = new long[classes.size()];
        for (int i = 0; i < objects; i++) {
            int c = classOf.get(i);
            counts[c]++;
            bytes[c] += shallowSize(i);
        }
        List<Histogram.Row> rows = new java.util.ArrayList<>();
        long objects = 0;
        for (ClassInfo c : classes) {
            if (counts[c.index] > 0) {
                rows.add(new Histogram.Row(c.name, c.id, counts[c.index], bytes[c.index]));
                objects += counts[c.index];
            }
        }
        rows.sort((a, b) -> Long.compare(b.shallowBytes(), a.shallowBytes()));
        return new Histogram(rows, objects, heapBytes, facts);
    }

    /** Closes the dump and every column of this index and of the graph stages built on it. */
    @Override
    public void close() throws IOException {
        try {
            reader.release();
            channel.close();
        } finally {
            store.close();
        }
    }
}
