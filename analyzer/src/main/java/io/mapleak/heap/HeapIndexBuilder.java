package io.mapleak.heap;

import io.mapleak.heap.columns.PackedLongs;

import io.mapleak.hprof.BasicType;
import io.mapleak.hprof.DumpFile;
import io.mapleak.hprof.HprofFormatException;
import io.mapleak.hprof.HprofHeader;
import io.mapleak.hprof.HprofReader;
import io.mapleak.hprof.ReadSummary;
import io.mapleak.heap.columns.ColumnStore;
import io.mapleak.heap.columns.IntColumn;
import io.mapleak.heap.columns.TempFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Builds a {@link HeapIndex} in two passes: one in parallel by heap-dump segment, one in parallel by record offset.
 *
 * <ol>
 *   <li>{@link IndexPass1}, objects in file order: id, record offset, class, array length, and the number of
 *       non-null references (so the reference array can be laid out exactly before any id is resolved). Classes,
 *       names, roots and stack traces go to the {@link ClassCatalog}. The heap-dump segments of an uncompressed
 *       dump are read by one thread a core, each into a run of its own.</li>
 *   <li>Between passes: class mirrors join the objects, everything is ordered by id (a natural merge over the
 *       dump's address-ordered runs), the layout is inferred, shallow sizes computed, reference slots laid out.</li>
 *   <li>{@link ReferencePass}, references: every object's record read again at the offset pass 1 noted, by
 *       several threads at once, and every non-null id resolved to its dense index and written to its slot.</li>
 * </ol>
 *
 * Memory per object in the finished index: id 4 and file offset 4 (32-bit deltas from per-block bases, see
 * {@link PackedLongs}), class 4, size 4, reference start 4, about 1 for the id lookup; plus 4 per reference.
 * Pass 1 holds 20 bytes per object, released column by column while the index's own are filled. Every column
 * comes from the read options' {@link ColumnStore}: on the heap within its budget, in temp files beyond.
 */
final class HeapIndexBuilder {
    private final DumpFile file;
    private final ReadOptions options;

    HeapIndexBuilder(DumpFile file, ReadOptions options) {
        this.file = file;
        this.options = options;
    }

    /** What the builder hands to {@link HeapIndex}. */
    static final class Result {
        ColumnStore store;
        PackedLongs packedIds;
        IntColumn classOf;
        IntColumn sizeUnits;
        PackedLongs packedOffsets;
        PackedLongs refStart;
        IntColumn refs;
        int objects;
        IdLookup lookup;
        ClassCatalog catalog;
        long[] oversize;
        DumpFacts facts;
        byte[] rootKinds;
        int[] rootObjects;
        int[] rootThreads;
        int[] rootFrames;
        long heapBytes;
        long dangling;
        /** The objects holding the dangling references, or null for more than ReferencePass keeps. */
        java.util.Set<Integer> danglingHolders;
        int missingRoots;
        DumpFile file;
        /** The uncompressed dump, open for positional reads (a deleted temp file for a gzipped dump). */
        FileChannel randomAccess;
        java.util.Map<String, Double> phases;
        /** Objects whose last reference slot is a java.lang.ref.Reference's referent. */
        java.util.BitSet weakReferents;
        java.util.BitSet discoveredLinks;
        List<String> warningsOfPass1;
        /** Threads the heap-dump segments were read by in pass 1 (0: the streaming reader alone). */
        int readShares;

        List<ThreadInfo> threads(HeapIndex index) {
            return Threads.read(index, catalog);
        }
    }

    HeapIndex build() throws IOException {
        HprofHeader header;
        try (ReadableByteChannel ch = file.openStream()) {
            header = HprofReader.readHeader(ch);
        }
        Result r = new Result();
        r.file = file;
        r.catalog = new ClassCatalog(header.idSize());
        r.store = options.columns(file.estimatedLength());
        boolean ok = false;
        PhaseTimer timer = new PhaseTimer();
        IndexPass1 p1 = null;
        try {
            ReadSummary summary;
            if (ParallelInflate.suits(file) && options.readThreads() != 1) {
                // The JVM's chunked gzip: inflated on every core into a temp file with no name on disk (see
                // TempFiles), then read as a plain dump. Progress in compressed bytes: the inflating as the first
                // half of pass 1, the reading as the second.
                LongConsumer progress = options.progress();
                long half = file.fileBytes() / 2;
                r.randomAccess = TempFiles.create(options.tempDir(), "mapleak-", ".hprof");
                int cores = Runtime.getRuntime().availableProcessors();
                long inflated = ParallelInflate.inflate(file, r.randomAccess, cores,
                        progress == null ? null : done -> progress.accept(done / 2));
                double scale = (double) (file.fileBytes() - half) / Math.max(1, inflated);
                ReadOptions reading = options.withProgress(progress == null ? null
                        : offset -> progress.accept(half + (long) (offset * scale)));
                p1 = new IndexPass1(r.catalog, reading, r.store, r.randomAccess, options.readThreads());
                // The temp file's own channel, from offset 0 (nothing has moved its position): not closed here.
                r.randomAccess.position(0);
                summary = new HprofReader(r.randomAccess, inflated).read(p1, p1);
            } else if (file.compressed()) {
                // Progress in compressed bytes, whose end is known (see DumpFile.onDisk).
                AtomicLong compressedRead = new AtomicLong();
                p1 = new IndexPass1(r.catalog, options.withProgress(file.onDisk(options.progress(), compressedRead)),
                        r.store, null, 1);
                // Inflated once into a temp file that has no name on disk (see TempFiles), read at random later; by
                // a thread of its own, a piece ahead of this reader (1 GB dump gzipped: read objects 2.9 s, not 3.3).
                r.randomAccess = TempFiles.create(options.tempDir(), "mapleak-", ".hprof");
                try (ReadableByteChannel in = new InflatingChannel(file.openStream(compressedRead), r.randomAccess)) {
                    summary = new HprofReader(in, -1).read(p1);
                }
            } else {
                r.randomAccess = FileChannel.open(file.path(), StandardOpenOption.READ);
                p1 = new IndexPass1(r.catalog, options, r.store, r.randomAccess, options.readThreads());
                try (ReadableByteChannel in = file.openStream()) {
                    summary = new HprofReader(in, file.knownLength()).read(p1, p1);
                }
            }
            if (summary.truncated()) {
                p1.dropIncompleteLast(summary.truncationOffset());
            }
            if (!p1.sawDump) {
                if (summary.heapDumps() == 0) {
                    throw new HprofFormatException("the file has no heap dump records"
                            + (summary.truncated() ? " (" + summary.truncation() + ")" : ""), summary.endOffset());
                }
                throw new HprofFormatException("the file holds " + summary.heapDumps()
                        + " heap dumps; there is no dump " + options.dump(), -1);
            }
            timer.lap("read objects");
            r.catalog.finish();
            r.readShares = p1.shareCount;
            arrange(r, p1);
            p1 = null;
            timer.lap("order by id");
            layoutAndSizes(r, summary);
            if (r.lookup.usesBitmap()) {
                // From here the bitmap gives each object's id (IdLookup.idOf): 4 bytes an object less to keep.
                r.packedIds.close();
                r.packedIds = null;
            }
            timer.lap("layout and sizes");
            pass2(r);
            timer.lap("read references");
            roots(r);
            r.phases = timer.phases();
            HeapIndex index = new HeapIndex(r);
            ok = true;
            return index;
        } finally {
            if (!ok) {
                if (p1 != null) {
                    p1.close();
                }
                if (r.randomAccess != null) {
                    r.randomAccess.close();
                }
                r.store.close();
            }
        }
    }


    /**
     * Joins class mirrors to the objects, orders everything by id, and lays out the reference slots.
     */
    private void arrange(Result r, IndexPass1 p1) throws HprofFormatException {
        ClassCatalog cat = r.catalog;
        ColumnStore store = r.store;
        List<ClassInfo> mirrors = new ArrayList<>();
        for (ClassInfo c : cat.classes) {
            if (c.dumped && c.id > 0 && c.dumpOffset >= 0) {
                mirrors.add(c);
            }
        }
        int nObj = p1.size();
        if ((long) nObj + mirrors.size() > Integer.MAX_VALUE - 16) {
            throw new HprofFormatException("the dump has more than 2^31 objects; mapleak indexes up to 2^31 - 17", -1);
        }
        int n = nObj + mirrors.size();
        mirrors.sort((x, y) -> Long.compare(x.id, y.id));
        PackedLongs ids;
        PackedLongs offsets;
        IdLookup lookup = null;
        // Both orders of arriving objects write every element of these, references' slots included (pass 2).
        IntColumn classOf = store.scratchInts("classes", n);
        IntColumn lengths = store.scratchInts("sizes", n);
        Slots slots = new Slots(cat, store);
        int duplicates;
        if (p1.sortedInFile()) {
            // The usual case: objects arrived in address order; merge the few mirrors in while copying. Mirrors'
            // offsets live in their ClassInfo; their slots repeat a neighbour's so the column stays packable.
            // Two threads: one the packed ids and offsets (appended in order, counting repeated ids), one the class
            // and length columns and the reference slots (laid out as the objects go by, so no pass of their own).
            PackedLongs packedIds = new PackedLongs(store, "ids");
            PackedLongs packedOffsets = new PackedLongs(store, "offsets");
            IntColumn c = classOf;
            IntColumn l = lengths;
            int[] repeated = new int[1];
            IdLookup[] built = new IdLookup[1];
            Together.rethrow(Together.run("mapleak-arrange", List.of(
                    () -> {
                        repeated[0] = copyPacked(p1.runs, mirrors, packedIds, packedOffsets);
                        // The look-up needs only the ids: built while the other thread still lays out the slots.
                        built[0] = new IdLookup(packedIds, store);
                    },
                    () -> copyInts(p1.runs, mirrors, c, l, slots))));
            p1.close();
            ids = packedIds;
            offsets = packedOffsets;
            duplicates = repeated[0];
            lookup = built[0];
        } else {
            IntColumn refCounts = store.scratchInts("refcounts", n);
            List<ObjectRun> runs = p1.runs;
            long[] starts = new long[runs.size() + 1];
            int f = 0;
            for (int q = 0; q < runs.size(); q++) {
                ObjectRun run = runs.get(q);
                starts[q] = f;
                for (int j = 0; j < run.size; j++, f++) {
                    classOf.set(f, run.classes.get(j));
                    lengths.set(f, run.lengths.get(j));
                    refCounts.set(f, run.refCounts.get(j));
                }
                run.classes.close();
                run.lengths.close();
                run.refCounts.close();
            }
            starts[runs.size()] = nObj;
            for (int m = 0; m < mirrors.size(); m++) {
                ClassInfo c = mirrors.get(m);
                int i = nObj + m;
                classOf.set(i, cat.classClassIndex >= 0 ? cat.classClassIndex : c.index);
                lengths.set(i, -2 - c.index);
                refCounts.set(i, classReferenceSlots(c));
            }
            PackedLongs keys = PackedLongs.of(store, "sort-keys", n, j -> {
                if (j >= nObj) {
                    return mirrors.get((int) (j - nObj)).id;
                }
                int q = runOf(starts, j);
                return runs.get(q).ids.get(j - starts[q]);
            });
            for (ObjectRun run : runs) {
                run.ids.close();
            }
            IntColumn order = Permutation.sortedOrder(keys, store);
            ids = Permutation.apply(keys, order, store, "ids");
            // Mirrors' offsets live in their ClassInfo; their slots repeat a neighbour's so the column stays packable.
            java.util.function.IntToLongFunction fileOffset = o -> {
                int q = runOf(starts, o);
                return runs.get(q).offsets.get(o - starts[q]);
            };
            offsets = PackedLongs.of(store, "offsets", n, j -> {
                for (long at = j; at >= 0; at--) {
                    int o = order.get(at);
                    if (o < nObj) {
                        return fileOffset.applyAsLong(o);
                    }
                }
                for (long at = j + 1; at < n; at++) {
                    int o = order.get(at);
                    if (o < nObj) {
                        return fileOffset.applyAsLong(o);
                    }
                }
                return 0;
            });
            p1.close();
            classOf = Permutation.apply(classOf, order, store, "classes");
            lengths = Permutation.apply(lengths, order, store, "sizes");
            refCounts = Permutation.apply(refCounts, order, store, "refcounts");
            order.close();
            // One pass in id order: repeated ids are counted, mirrors found, reference slots laid out.
            duplicates = 0;
            long previousId = 0;
            for (int i = 0; i < n; i++) {
                long id = ids.get(i);
                if (i > 0 && id == previousId) {
                    duplicates++;
                }
                previousId = id;
                int len = lengths.get(i);
                if (len <= -2) {
                    slots.mirror(cat.classes.get(-2 - len), i);
                } else {
                    int c = classOf.get(i);
                    int settled = slots.object(c, refCounts.get(i));
                    if (settled != c) {
                        classOf.set(i, settled);
                    }
                }
            }
            refCounts.close();
        }
        PackedLongs refStart = slots.finish();
        long total = slots.total;
        if (duplicates > 0) {
            p1.warnings.add(String.format("%,d objects repeat the id of another object in the same dump (the dump is"
                    + " corrupt); references to a repeated id resolve to one of them", duplicates));
        }
        r.objects = n;
        r.classOf = classOf;
        r.sizeUnits = lengths; // holds lengths until sizes replace them in layoutAndSizes
        r.refStart = refStart;
        r.refs = store.scratchInts("references", total); // pass 2 writes every slot, -1 where no reference goes
        r.packedIds = ids;
        r.packedOffsets = offsets;
        r.lookup = lookup != null ? lookup : new IdLookup(ids, store);
        r.warningsOfPass1 = p1.warnings;
    }

    /**
     * Sorted case, first half: the ids and offsets of the runs in order, each class mirror merged in before the
     * first object with a larger id, at the offset of the object before it (so the column stays packable).
     */
    private static int copyPacked(List<ObjectRun> runs, List<ClassInfo> mirrors, PackedLongs ids,
            PackedLongs offsets) {
        long previousOffset = -1;
        int k = 0;
        int duplicates = 0;
        long previousId = 0;
        for (ObjectRun run : runs) {
            for (int f = 0; f < run.size; f++) {
                long id = run.ids.get(f);
                long offset = run.offsets.get(f);
                if (previousOffset < 0) {
                    previousOffset = offset;
                }
                while (k < mirrors.size() && mirrors.get(k).id < id) {
                    long mirrorId = mirrors.get(k++).id;
                    if (ids.length() > 0 && mirrorId == previousId) {
                        duplicates++;
                    }
                    previousId = mirrorId;
                    ids.add(mirrorId);
                    offsets.add(previousOffset);
                }
                if (ids.length() > 0 && id == previousId) {
                    duplicates++;
                }
                previousId = id;
                previousOffset = offset;
                ids.add(id);
                offsets.add(offset);
            }
            run.offsets.close(); // each run's pages go back as soon as it is copied
        }
        while (k < mirrors.size()) {
            long mirrorId = mirrors.get(k++).id;
            if (ids.length() > 0 && mirrorId == previousId) {
                duplicates++;
            }
            previousId = mirrorId;
            ids.add(mirrorId);
            offsets.add(Math.max(0, previousOffset));
        }
        return duplicates;
    }

    /**
     * Sorted case, second half: class and length of each object and mirror, merged the same way, and the reference
     * slots laid out as they go by.
     */
    private static void copyInts(List<ObjectRun> runs, List<ClassInfo> mirrors, IntColumn classOf, IntColumn lengths,
            Slots slots) {
        // Where each mirror goes, found by bisection beforehand: the copy then reads no ids (a packed read an
        // object, on the longer of arrange's two threads).
        long[] objectsBefore = new long[mirrors.size()];
        for (int m = 0; m < objectsBefore.length; m++) {
            objectsBefore[m] = objectsWithIdAtMost(runs, mirrors.get(m).id);
        }
        int k = 0;
        int i = 0;
        long objects = 0; // objects copied so far
        for (ObjectRun run : runs) {
            for (int f = 0; f < run.size; f++, objects++) {
                while (k < mirrors.size() && objectsBefore[k] <= objects) {
                    mirror(slots, mirrors.get(k++), i++, classOf, lengths);
                }
                classOf.set(i, slots.object(run.classes.get(f), run.refCounts.get(f)));
                lengths.set(i, run.lengths.get(f));
                i++;
            }
            run.classes.close();
            run.lengths.close();
            run.refCounts.close();
        }
        while (k < mirrors.size()) {
            mirror(slots, mirrors.get(k++), i++, classOf, lengths);
        }
    }

    /**
     * How many objects of {@code runs} (whose ids rise or repeat through each run and from each run to the next)
     * have an id of at most {@code id}: a mirror of that id goes after them, as {@link #copyPacked} merges it.
     */
    static long objectsWithIdAtMost(List<ObjectRun> runs, long id) {
        long before = 0;
        for (ObjectRun run : runs) {
            if (run.size == 0) {
                continue;
            }
            if (run.ids.get(run.size - 1) <= id) {
                before += run.size;
                continue;
            }
            int lo = 0;
            int hi = run.size - 1; // ids[hi] > id
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (run.ids.get(mid) <= id) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return before + lo;
        }
        return before;
    }

    /** Writes class mirror {@code c}'s class and length (a mark naming its class) at {@code i}, and its slots. */
    private static void mirror(Slots slots, ClassInfo c, int i, IntColumn classOf, IntColumn lengths) {
        classOf.set(i, slots.cat.classClassIndex >= 0 ? slots.cat.classClassIndex : c.index);
        lengths.set(i, -2 - c.index); // marks a mirror and names its class
        slots.mirror(c, i);
    }

    /**
     * Reference slots laid out object by object in id order: each object's first slot, after the previous object's
     * upper bound of references. Settles on the way what pass 1 could not know: the class of primitive arrays and
     * the reference count of instances whose class came later in the dump.
     */
    private static final class Slots {
        final ClassCatalog cat;
        private final PackedLongs start;
        long total;

        Slots(ClassCatalog cat, ColumnStore store) {
            this.cat = cat;
            this.start = new PackedLongs(store, "ref-start");
        }

        /**
         * The next object, of class {@code c} as pass 1 noted it (a primitive array's is minus its element type)
         * with {@code refs} non-null references (-1: the class was not known yet); returns its class.
         */
        int object(int c, int refs) {
            if (c < 0) {
                c = cat.primitiveArrayClass(-c);
            } else if (refs < 0) {
                int[] offs = cat.referenceOffsets(c);
                refs = offs == null ? 0 : offs.length; // an upper bound; unused slots are compacted away
            }
            start.add(total);
            total += refs;
            return c;
        }

        /** The next object is class {@code c}'s mirror, at index {@code i}. */
        void mirror(ClassInfo c, int i) {
            c.objectIndex = i;
            start.add(total);
            total += classReferenceSlots(c);
        }

        /** Ends the layout: the column of first slots, with the total as its last element. */
        PackedLongs finish() {
            start.add(total);
            return start;
        }
    }

    /** The run that holds object {@code f} of the file order, given each run's first object. */
    private static int runOf(long[] starts, long f) {
        int q = 0;
        while (starts[q + 1] <= f) {
            q++;
        }
        return q;
    }

    /** Upper bound of a class mirror's references: superclass, loader, signers, domain, statics, constants. */
    private static int classReferenceSlots(ClassInfo c) {
        int n = 4 + c.constantPoolIds.length;
        for (byte t : c.staticTypes) {
            if (t == BasicType.OBJECT) {
                n++;
            }
        }
        return n;
    }

    private void layoutAndSizes(Result r, ReadSummary summary) {
        ClassCatalog cat = r.catalog;
        List<ClassInfo> classes = cat.classes;
        PackedLongs ids = r.packedIds;
        IntColumn lengths = r.sizeUnits;
        IntColumn classOf = r.classOf;
        int n = r.objects;
        Layout layout;
        String evidence;
        if (options.layout() != null) {
            layout = options.layout();
            evidence = "given with --layout";
        } else {
            // Sample up to 16 windows of consecutive objects spread over the heap.
            // 8 windows of 64K objects: half a million pairs decide the layout with a wide margin.
            int window = 1 << 16;
            int windows = Math.max(1, Math.min(8, n / window));
            int per = Math.min(n, window);
            int total = Math.min(n, windows * per);
            long[] sIds = new long[total];
            int[] sCls = new int[total];
            int[] sLen = new int[total];
            int k = 0;
            for (int w = 0; w < windows; w++) {
                int start = windows == 1 ? 0 : (int) ((long) w * (n - per) / (windows - 1));
                for (int i = start; i < start + per && k < total; i++, k++) {
                    sIds[k] = ids.get(i);
                    int len = lengths.get(i);
                    boolean mirror = len <= -2;
                    sCls[k] = mirror ? -1 : classOf.get(i);
                    sLen[k] = mirror ? -1 : len;
                }
            }
            var inferred = LayoutInference.infer(cat, sIds, sCls, sLen, k);
            layout = inferred.layout();
            evidence = inferred.evidence();
        }
        FieldLayoutEngine engine = new FieldLayoutEngine(classes, layout);
        engine.applyInstanceSizes();
        int learned = 0;
        // Both passes over every object below run on every core, in consecutive ranges of objects: each range
        // learns on its own (the smallest gaps merge as minimums) and sizes its own objects.
        int parts = sizeParts(n);
        if (options.layout() == null) {
            SizeLearner[] learners = new SizeLearner[parts];
            List<Together.Task> tasks = new ArrayList<>();
            for (int j = 0; j < parts; j++) {
                int part = j;
                int from = (int) ((long) n * j / parts);
                int to = (int) ((long) n * (j + 1) / parts);
                tasks.add(() -> {
                    SizeLearner learner = new SizeLearner(classes.size());
                    long id = from < n ? ids.get(from) : 0;
                    for (int i = from; i < to && i + 1 < n; i++) {
                        long next = ids.get(i + 1);
                        if (lengths.get(i) == -1) {
                            learner.observe(classOf.get(i), next - id);
                        }
                        id = next;
                    }
                    learners[part] = learner;
                });
            }
            Together.rethrow(Together.run("mapleak-sizes", tasks));
            for (int j = 1; j < parts; j++) {
                learners[0].merge(learners[j]);
            }
            learned = learners[0].apply(classes);
        }
        engine.applyMirrorSizes(cat.classClassIndex);
        // Lengths become sizes in alignment units; sizes that do not fit go to the oversize table. Each range keeps
        // its own (rare) oversize entries, numbered from 1 within the range; they are renumbered after.
        int align = layout.alignment();
        long[] bytesOf = new long[parts];
        List<List<Long>> oversizeOf = new ArrayList<>();
        List<List<Integer>> oversizeAt = new ArrayList<>();
        List<Together.Task> tasks = new ArrayList<>();
        for (int j = 0; j < parts; j++) {
            int part = j;
            int from = (int) ((long) n * j / parts);
            int to = (int) ((long) n * (j + 1) / parts);
            List<Long> oversize = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            oversizeOf.add(oversize);
            oversizeAt.add(at);
            tasks.add(() -> {
                long bytes = 0;
                for (int i = from; i < to; i++) {
                    int len = lengths.get(i);
                    ClassInfo c = classes.get(classOf.get(i));
                    long size;
                    if (len <= -2) {
                        size = classes.get(-2 - len).mirrorSize;
                    } else if (len == -1) {
                        size = c.instanceSize;
                    } else {
                        int element = c.arrayElementType != 0 ? c.arrayElementType : BasicType.OBJECT;
                        size = layout.arraySize(element, len);
                    }
                    bytes += size;
                    long units = size / align;
                    if (units <= Integer.MAX_VALUE && size % align == 0) {
                        lengths.set(i, (int) units);
                    } else {
                        oversize.add(size);
                        at.add(i);
                        lengths.set(i, -oversize.size());
                    }
                }
                bytesOf[part] = bytes;
            });
        }
        Together.rethrow(Together.run("mapleak-sizes", tasks));
        List<Long> oversize = new ArrayList<>();
        long heapBytes = 0;
        for (int j = 0; j < parts; j++) {
            List<Integer> at = oversizeAt.get(j);
            for (int k = 0; k < at.size(); k++) {
                lengths.set(at.get(k), -(oversize.size() + k + 1));
            }
            oversize.addAll(oversizeOf.get(j));
            heapBytes += bytesOf[j];
        }
        r.oversize = oversize.stream().mapToLong(Long::longValue).toArray();
        r.heapBytes = heapBytes;
        List<String> warnings = new ArrayList<>(r.warningsOfPass1);
        warnings.addAll(cat.warnings);
        if (summary.heapDumps() > 1) {
            warnings.add(0, "the file holds " + summary.heapDumps() + " heap dumps; this is dump " + options.dump()
                    + " (choose with --dump N)");
        }
        r.facts = new DumpFacts(summary.header(), summary.heapDumps(), options.dump(), layout, evidence, learned,
                summary.truncated(), warnings);
    }

    /** Set by tests: the ranges the size passes use whatever the dump and the cores (0: as {@link #sizeParts}). */
    static int sizePartsForTests;

    /** Ranges the size passes cut the objects into: one a core (up to 8), one for dumps too small to gain. */
    static int sizeParts(int objects) {
        if (sizePartsForTests > 0) {
            return sizePartsForTests;
        }
        return objects < (1 << 16) ? 1 : Math.min(8, Runtime.getRuntime().availableProcessors());
    }

    /** Pass 2: resolves every reference to its index and writes it into the object's slots. */
    private void pass2(Result r) throws IOException {
        LongConsumer progress = options.progress();
        if (progress != null && r.file.compressed()) {
            // Pass 1 reported compressed bytes (up to the file's size); this pass's offsets in the inflated temp file
            // are scaled to the same units, so the bar's second half is as long as its first.
            double scale = (double) r.file.fileBytes() / Math.max(1, r.randomAccess.size());
            LongConsumer onDisk = progress;
            progress = offset -> onDisk.accept((long) (offset * scale));
        }
        ReferencePass p2 = new ReferencePass(r, progress);
        try {
            p2.run();
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        r.dangling = p2.dangling();
        r.danglingHolders = p2.danglingHolders();
        r.weakReferents = p2.weakReferents;
        r.discoveredLinks = p2.discoveredLinks;
        compact(r);
    }

    /** Removes unused slots (null or dangling references counted as upper bounds), in place. */
    private static void compact(Result r) {
        IntColumn refs = r.refs;
        PackedLongs start = r.refStart;
        PackedLongs compacted = new PackedLongs(r.store, "ref-start-compact");
        int n = r.objects;
        long out = 0;
        long in = 0;
        for (int i = 0; i < n; i++) {
            long end = start.get(i + 1);
            compacted.add(out);
            for (; in < end; in++) {
                int t = refs.get(in);
                if (t >= 0) {
                    refs.set(out++, t);
                }
            }
        }
        compacted.add(out);
        start.close();
        r.refStart = compacted;
        refs.truncate(out);
    }


    private static void roots(Result r) {
        ClassCatalog cat = r.catalog;
        int n = cat.rootCount;
        r.rootKinds = Arrays.copyOf(cat.rootKinds, n);
        r.rootThreads = Arrays.copyOf(cat.rootThreads, n);
        r.rootFrames = Arrays.copyOf(cat.rootFrames, n);
        r.rootObjects = new int[n];
        int missing = 0;
        for (int i = 0; i < n; i++) {
            int o = r.lookup.indexOf(cat.rootIds[i]);
            r.rootObjects[i] = o;
            if (o < 0) {
                missing++;
            }
        }
        r.missingRoots = missing;
        if (missing > 0) {
            r.facts.warnings().add(String.format("%,d GC roots name objects that are not in the dump", missing));
        }
        if (r.dangling > 0) {
            r.facts.warnings().add(danglingWarning(r));
        }
    }

    /**
     * The warning about references to absent objects. HotSpot's dumps (seen on JDK 17 with its default class-data
     * archive) have a few hundred, all in one object array the JVM holds as a JNI global: the roots of that archive,
     * whose objects of classes not yet in use the dump leaves out. A heuristic: when every holder is a JNI-global
     * root, the warning says so; any other holder gets the plain warning.
     */
    private static String danglingWarning(Result r) {
        String plain = String.format("%,d references point to objects that are not in the dump; they are left out of "
                + "the graph", r.dangling);
        java.util.Set<Integer> holders = r.danglingHolders;
        if (holders == null || holders.isEmpty()) {
            return plain;
        }
        java.util.Set<Integer> jniGlobals = new java.util.HashSet<>();
        for (int i = 0; i < r.rootObjects.length; i++) {
            if (r.rootObjects[i] >= 0 && r.rootKinds[i] == (byte) io.mapleak.hprof.GcRootKind.JNI_GLOBAL.ordinal()) {
                jniGlobals.add(r.rootObjects[i]);
            }
        }
        if (!jniGlobals.containsAll(holders)) {
            return plain;
        }
        return String.format("%,d references point to objects that are not in the dump, all from %s the JVM holds "
                + "as %s (on HotSpot, the roots of its class-data-sharing archive, whose objects of classes not yet "
                + "used are not dumped); they are left out of the graph", r.dangling,
                holders.size() == 1 ? "one object" : holders.size() + " objects",
                holders.size() == 1 ? "a JNI global" : "JNI globals");
    }


}
