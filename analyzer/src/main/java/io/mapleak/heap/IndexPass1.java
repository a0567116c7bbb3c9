package io.mapleak.heap;

import com.carrotsearch.hppc.LongIntHashMap;
import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.hprof.ClassDump;
import io.mapleak.hprof.GcRootKind;
import io.mapleak.hprof.HprofHeader;
import io.mapleak.hprof.HprofReader;
import io.mapleak.hprof.HprofVisitor;
import io.mapleak.hprof.ReadSummary;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Pass 1: objects in file order (see {@link ObjectRun}), and everything the catalog gathers.
 *
 * <p>Given the dump as a file, the run of heap-dump segments is read by several threads at once
 * ({@link HprofReader.SegmentRuns}): HotSpot writes a heap dump as segments of about a megabyte and never splits a
 * record across two, so the run splits at segment boundaries into one share per thread. The streaming reader reads
 * the segments up to the first that holds objects (HotSpot writes class dumps and roots first), so the shares
 * find the classes of nearly every object known and count its references as they go. Each share goes into its own
 * {@link ObjectRun}; what a share would tell the catalog (class dumps, roots, warnings, classes first met through
 * an object) is kept in file order and replayed by the reading thread once every share is read, so the catalog,
 * the class indices and the warnings are the ones a single thread would have made. A share whose reader stopped
 * early (corrupt or cut records) makes the rest of the run be read by the streaming reader, as it would have been.
 */
final class IndexPass1 extends CatalogVisitor implements HprofReader.SegmentRuns {
    /** A share of a segment run smaller than this is not worth a thread of its own. */
    static final long MIN_SHARE_BYTES = 32L << 20;
    /** Shares at most, on a machine of many cores: each holds a read buffer of 8 MB on the heap and one off it. */
    static final int MAX_SHARES = 8;

    final List<ObjectRun> runs = new ArrayList<>();
    private final ColumnStore store;
    private final int idSize;
    private final FileChannel file;
    private final int threads;
    /** Where the streaming reader appends. */
    private ObjectRun current;
    boolean sawDump;
    /** Whether the rest of a segment run was offered to shares once (they are tried once a dump). */
    private boolean triedShares;
    /** Shares the segment run was read in, 0 if the streaming reader read it. */
    int shareCount;
    /** File offset where the last object's record ends (its elements included), if it is an object array. */
    private long lastRecordEnd;

    /**
     * @param file    the uncompressed dump for positional reads by several threads, or null to read by one
     * @param threads threads for a run of segments: 0 for one per core (when the run is large enough), 1 for one
     */
    IndexPass1(ClassCatalog catalog, ReadOptions options, ColumnStore store, FileChannel file, int threads) {
        super(catalog, options.dump(), options.progress());
        this.store = store;
        this.idSize = catalog.idSize();
        this.file = file;
        this.threads = threads;
        current = new ObjectRun(store, "");
        runs.add(current);
    }

    /** Objects kept in all runs. */
    int size() {
        long n = 0;
        for (ObjectRun r : runs) {
            n += r.size;
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /** Whether ids rise (or repeat) through every run and from each run to the next. */
    boolean sortedInFile() {
        ObjectRun previous = null;
        for (ObjectRun r : runs) {
            if (r.size == 0) {
                continue;
            }
            if (!r.sorted || previous != null && r.firstId < previous.lastId) {
                return false;
            }
            previous = r;
        }
        return true;
    }

    void close() {
        for (ObjectRun r : runs) {
            r.close();
        }
    }

    @Override
    public boolean wantsInstanceFields() {
        return true;
    }

    @Override
    public boolean wantsArrayElements() {
        return true;
    }

    @Override
    public void heapDumpStart(int dumpNumber, long offset) {
        sawDump = true;
    }

    @Override
    public void instance(long offset, long id, long classId, int length, byte[] fields, int at) {
        lastRecordEnd = 0; // instances are reported only once complete
        int cls = catalog.classIndex(classId);
        current.add(id, offset, cls, -1,
                ObjectRun.references(catalog.referenceOffsets(cls), fields, at, length, idSize));
    }

    @Override
    public void objectArray(long offset, long id, long arrayClassId, int length) {
        current.add(id, offset, catalog.classIndex(arrayClassId), length, 0);
        current.arrayStarted();
        lastRecordEnd = offset + 1 + 2L * idSize + 8 + (long) length * idSize;
    }

    @Override
    public void objectArrayElements(byte[] bytes, int at, int count) {
        current.arrayElements(bytes, at, count, idSize);
    }

    @Override
    public void primitiveArray(long offset, long id, int elementType, int length) {
        lastRecordEnd = 0; // reported only once complete
        current.add(id, offset, ClassCatalog.primitiveArrayMarker(elementType), length, 0);
    }

    /** Drops the last object if the dump was cut inside its record (an object array's elements). */
    void dropIncompleteLast(long cutAt) {
        if (current.size > 0 && lastRecordEnd > cutAt) {
            current.size--; // the columns' last element is ignored from here on
            warnings.add("the object array cut by the truncation is left out");
        }
    }

    @Override
    public HprofReader.RunRead readRun(HprofHeader header, long runStart) throws IOException {
        if (file == null || threads == 1 || triedShares || current.size == 0) {
            // Class dumps and roots come before the objects (HotSpot writes them first): the streaming reader
            // reads up to the segment where objects start, so that the shares find nearly every class known.
            return null;
        }
        triedShares = true;
        long[] bounds = HprofReader.segmentBoundaries(file, runStart);
        if (bounds == null) {
            return null;
        }
        long bytes = bounds[bounds.length - 1] - runStart;
        int n = threads > 0 ? threads : (int) Math.min(Math.min(Runtime.getRuntime().availableProcessors(),
                MAX_SHARES), bytes / MIN_SHARE_BYTES);
        long[] cuts = cuts(bounds, n);
        if (cuts.length < 3) {
            return null;
        }
        // What the shares may read of the catalog: the classes known now, their reference fields cached first.
        LongIntHashMap known = catalog.classIndexSnapshot();
        int[][] referenceOffsets = new int[catalog.classes.size()][];
        for (int c = 0; c < referenceOffsets.length; c++) {
            referenceOffsets[c] = catalog.referenceOffsets(c);
        }
        Share[] shares = new Share[cuts.length - 1];
        SharedProgress progress = new SharedProgress(runStart);
        for (int s = 0; s < shares.length; s++) {
            shares[s] = new Share(new ObjectRun(store, "-" + s), known, referenceOffsets, progress, cuts[s]);
        }
        Throwable failure = readShares(header, shares, cuts);
        boolean complete = failure == null;
        for (Share s : shares) {
            complete &= s.summary != null && !s.summary.truncated();
        }
        if (!complete) {
            for (Share s : shares) {
                s.run.close();
            }
            if (failure instanceof IOException e) {
                throw e;
            }
            Together.rethrow(failure);
            return null; // a share ended early: the streaming reader reads the run and says where and why
        }
        long records = 0;
        for (Share s : shares) {
            runs.add(s.run);
            for (Consumer<IndexPass1> event : s.events) {
                event.accept(this);
            }
            records += s.summary.records();
        }
        current = new ObjectRun(store, "-after");
        runs.add(current);
        lastRecordEnd = 0;
        shareCount = shares.length;
        return new HprofReader.RunRead(bounds[bounds.length - 1], records);
    }

    /** Share boundaries: the run's start, the first segment boundary at or past each n-th of it, the run's end. */
    private static long[] cuts(long[] bounds, int n) {
        long start = bounds[0];
        long end = bounds[bounds.length - 1];
        long[] cuts = new long[Math.max(2, n + 1)];
        int k = 0;
        cuts[k++] = start;
        int b = 0;
        for (int s = 1; s < n; s++) {
            long target = start + (end - start) * s / n;
            while (b < bounds.length - 1 && bounds[b] < target) {
                b++;
            }
            if (bounds[b] > cuts[k - 1] && bounds[b] < end) {
                cuts[k++] = bounds[b];
            }
        }
        cuts[k++] = end;
        return java.util.Arrays.copyOf(cuts, k);
    }

    /** Reads every share at once (see {@link Together}); returns the first failure, or null. */
    private static Throwable readShares(HprofHeader header, Share[] shares, long[] cuts) {
        List<Together.Task> tasks = new ArrayList<>();
        for (int s = 0; s < shares.length; s++) {
            int k = s;
            tasks.add(() -> shares[k].summary = new HprofReader(shares[k].channel(cuts[k], cuts[k + 1]), -1)
                    .readSegments(header, cuts[k], shares[k]));
        }
        return Together.run("mapleak-read", tasks);
    }

    /** Byte offsets read by all shares, reported as one offset from the run's start. */
    private final class SharedProgress {
        private final long runStart;
        private long done;

        SharedProgress(long runStart) {
            this.runStart = runStart;
        }

        synchronized void advanced(long bytes) {
            done += bytes;
            progress(runStart + done);
        }
    }

    /**
     * One thread's share of a segment run. Objects go into its run; classes are looked up in the catalog as it
     * was when the shares started (read only); anything else the catalog would hear is kept as an event.
     */
    private final class Share implements HprofVisitor {
        final ObjectRun run;
        final List<Consumer<IndexPass1>> events = new ArrayList<>();
        ReadSummary summary;
        private final LongIntHashMap known;
        private final int[][] referenceOffsets;
        private final SharedProgress progress;
        private long reported;

        Share(ObjectRun run, LongIntHashMap known, int[][] referenceOffsets, SharedProgress progress, long start) {
            this.run = run;
            this.known = known;
            this.referenceOffsets = referenceOffsets;
            this.progress = progress;
            this.reported = start;
        }

        ReadableByteChannel channel(long from, long to) {
            return new ReadableByteChannel() {
                private long at = from;

                @Override
                public int read(ByteBuffer dst) throws IOException {
                    if (at >= to) {
                        return -1;
                    }
                    int want = (int) Math.min(dst.remaining(), to - at);
                    ByteBuffer slice = dst.slice();
                    slice.limit(want);
                    int got = file.read(slice, at);
                    if (got > 0) {
                        dst.position(dst.position() + got);
                        at += got;
                    }
                    return got;
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public boolean wantsInstanceFields() {
            return true;
        }

        @Override
        public boolean wantsArrayElements() {
            return true;
        }

        /** The class index of a class known when the shares started; else the object's class is set in order. */
        private int classIndex(long classId) {
            int cls = known.getOrDefault(classId, -1);
            if (cls < 0) {
                int at = run.size;
                ObjectRun mine = run;
                events.add(p -> mine.classes.set(at, p.catalog.classIndex(classId)));
            }
            return cls;
        }

        @Override
        public void instance(long offset, long id, long classId, int length, byte[] fields, int at) {
            int cls = classIndex(classId);
            int refs = cls >= 0 ? ObjectRun.references(referenceOffsets[cls], fields, at, length, idSize) : -1;
            run.add(id, offset, cls, -1, refs);
        }

        @Override
        public void objectArray(long offset, long id, long arrayClassId, int length) {
            run.add(id, offset, classIndex(arrayClassId), length, 0);
            run.arrayStarted();
        }

        @Override
        public void objectArrayElements(byte[] bytes, int at, int count) {
            run.arrayElements(bytes, at, count, idSize);
        }

        @Override
        public void primitiveArray(long offset, long id, int elementType, int length) {
            run.add(id, offset, ClassCatalog.primitiveArrayMarker(elementType), length, 0);
        }

        @Override
        public void classDump(ClassDump dump) {
            events.add(p -> p.classDump(dump));
        }

        @Override
        public void gcRoot(GcRootKind kind, long objectId, int threadSerial, int frame) {
            events.add(p -> p.gcRoot(kind, objectId, threadSerial, frame));
        }

        @Override
        public void warning(String message, long offset) {
            events.add(p -> p.warning(message, offset));
        }

        @Override
        public void progress(long offset) {
            progress.advanced(offset - reported);
            reported = offset;
        }
    }
}
