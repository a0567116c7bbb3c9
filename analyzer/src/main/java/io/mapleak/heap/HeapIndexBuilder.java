package io.mapleak.heap;

import io.mapleak.hprof.BasicType;
import io.mapleak.hprof.DumpFile;
import io.mapleak.hprof.HprofFormatException;
import io.mapleak.hprof.HprofHeader;
import io.mapleak.hprof.HprofReader;
import io.mapleak.hprof.ReadSummary;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a {@link HeapIndex} in two streaming passes.
 *
 * <ol>
 *   <li>{@link IndexPass1}, objects in file order: id, record offset, class, array length, and the number of
 *       non-null references (so the reference array can be laid out exactly before any id is resolved). Classes,
 *       names, roots and stack traces go to the {@link ClassCatalog}.</li>
 *   <li>Between passes: class mirrors join the objects, everything is ordered by id (a natural merge over the
 *       dump's address-ordered runs), the layout is inferred, shallow sizes computed, reference slots laid out.</li>
 *   <li>{@link IndexPass2}, references in file order: every non-null id resolved to its dense index and written
 *       to its slot.</li>
 * </ol>
 *
 * Memory per object in the finished index: id 4 and file offset 4 (32-bit deltas from per-block bases, see
 * {@link PackedLongs}), class 4, size 4, reference start 4, about 1 for the id lookup; plus 4 per reference.
 * While building, the full 8-byte ids and offsets exist one array at a time.
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
        long[] ids;
        PackedLongs packedIds;
        int[] classOf;
        int[] sizeUnits;
        long[] offsets;
        PackedLongs packedOffsets;
        int[] refStart;
        int[] refs;
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
        int missingRoots;
        DumpFile file;
        Path tempFile;
        Path randomAccessPath;
        java.util.Map<String, Double> phases;
        /** Objects whose last reference slot is a java.lang.ref.Reference's referent. */
        java.util.BitSet weakReferents;
        /** With objects sorted in the file: the index positions taken by class mirrors (pass 2 skips them). */
        java.util.BitSet mirrorPositions;

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
        Path tempFile = null;
        boolean ok = false;
        PhaseTimer timer = new PhaseTimer();
        try {
            IndexPass1 p1 = new IndexPass1(r.catalog, options);
            ReadSummary summary;
            if (file.compressed()) {
                Path dir = options.tempDir() != null ? options.tempDir() : Path.of(System.getProperty("java.io.tmpdir"));
                Files.createDirectories(dir);
                tempFile = Files.createTempFile(dir, "mapleak-", ".hprof");
                try (ReadableByteChannel in = file.openStream();
                        OutputStream copy = Files.newOutputStream(tempFile, StandardOpenOption.WRITE)) {
                    summary = new HprofReader(new TeeChannel(in, copy), -1).read(p1);
                }
                r.randomAccessPath = tempFile;
            } else {
                try (ReadableByteChannel in = file.openStream()) {
                    summary = new HprofReader(in, file.knownLength()).read(p1);
                }
                r.randomAccessPath = file.path();
            }
            r.tempFile = tempFile;
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
            int[] fileToIndex = arrange(r, p1);
            timer.lap("order by id");
            layoutAndSizes(r, summary, p1);
            timer.lap("layout and sizes");
            pass2(r, fileToIndex);
            timer.lap("read references");
            roots(r);
            r.phases = timer.phases();
            ok = true;
            return new HeapIndex(r);
        } finally {
            if (!ok && tempFile != null) {
                Files.deleteIfExists(tempFile);
            }
        }
    }


    /**
     * Joins class mirrors to the objects, orders everything by id, and lays out the reference slots.
     * Returns, for each object of pass 1 in file order, its index (mirrors are found by id in pass 2).
     */
    private int[] arrange(Result r, IndexPass1 p1) throws HprofFormatException {
        ClassCatalog cat = r.catalog;
        List<ClassInfo> mirrors = new ArrayList<>();
        for (ClassInfo c : cat.classes) {
            if (c.dumped && c.id > 0 && c.dumpOffset >= 0) {
                mirrors.add(c);
            }
        }
        int nObj = p1.ids.size();
        int n = nObj + mirrors.size();
        mirrors.sort((x, y) -> Long.compare(x.id, y.id));
        long[] ids;
        long[] offsets;
        int[] classOf;
        int[] lengths;
        int[] refCounts;
        int[] fileToIndex;
        if (p1.sortedInFile) {
            // The usual case: objects arrived in address order; merge the few mirrors in while flattening.
            java.util.BitSet mirrorAt = new java.util.BitSet(n);
            int k = 0;
            for (int f = 0; f < nObj; f++) {
                long id = p1.ids.get(f);
                while (k < mirrors.size() && mirrors.get(k).id < id) {
                    mirrorAt.set(f + k);
                    k++;
                }
            }
            for (; k < mirrors.size(); k++) {
                mirrorAt.set(nObj + k);
            }
            // One array at a time, releasing the pass-1 chunks as they are copied: the peak stays near one copy.
            ids = p1.ids.toArraySkipping(mirrorAt, n);
            offsets = p1.offsets.toArraySkipping(mirrorAt, n);
            classOf = p1.classes.toArraySkipping(mirrorAt, n);
            lengths = p1.lengths.toArraySkipping(mirrorAt, n);
            refCounts = p1.refCounts.toArraySkipping(mirrorAt, n);
            int m = 0;
            for (int i = mirrorAt.nextSetBit(0); i >= 0; i = mirrorAt.nextSetBit(i + 1)) {
                ClassInfo c = mirrors.get(m++);
                ids[i] = c.id;
                offsets[i] = c.dumpOffset;
                classOf[i] = cat.classClassIndex >= 0 ? cat.classClassIndex : c.index;
                lengths[i] = -2 - c.index; // marks a mirror and names its class
                refCounts[i] = classReferenceSlots(c);
            }
            fileToIndex = null;
            r.mirrorPositions = mirrorAt;
        } else {
            ids = Arrays.copyOf(p1.ids.toArray(), n);
            offsets = Arrays.copyOf(p1.offsets.toArray(), n);
            classOf = Arrays.copyOf(p1.classes.toArray(), n);
            lengths = Arrays.copyOf(p1.lengths.toArray(), n);
            refCounts = Arrays.copyOf(p1.refCounts.toArray(), n);
            for (int m = 0; m < mirrors.size(); m++) {
                ClassInfo c = mirrors.get(m);
                int i = nObj + m;
                ids[i] = c.id;
                offsets[i] = c.dumpOffset;
                classOf[i] = cat.classClassIndex >= 0 ? cat.classClassIndex : c.index;
                lengths[i] = -2 - c.index;
                refCounts[i] = classReferenceSlots(c);
            }
            int[] order = Permutation.sortedOrder(ids);
            ids = Permutation.apply(ids, order);
            offsets = Permutation.apply(offsets, order);
            classOf = Permutation.apply(classOf, order);
            lengths = Permutation.apply(lengths, order);
            refCounts = Permutation.apply(refCounts, order);
            fileToIndex = new int[nObj];
            for (int i = 0; i < n; i++) {
                if (order[i] < nObj) {
                    fileToIndex[order[i]] = i;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            int c = classOf[i];
            if (c < 0) {
                classOf[i] = cat.primitiveArrayClass(-c);
            } else if (refCounts[i] < 0) {
                int[] offs = cat.referenceOffsets(c);
                refCounts[i] = offs == null ? 0 : offs.length; // an upper bound; unused slots are compacted away
            }
        }
        int duplicates = 0;
        for (int i = 1; i < n; i++) {
            if (ids[i] == ids[i - 1]) {
                duplicates++;
            }
        }
        if (duplicates > 0) {
            p1.warnings.add(String.format("%,d objects repeat the id of another object in the same dump (the dump is"
                    + " corrupt); references to a repeated id resolve to one of them", duplicates));
        }
        for (int i = 0; i < n; i++) {
            if (lengths[i] <= -2) {
                cat.classes.get(-2 - lengths[i]).objectIndex = i;
            }
        }
        int[] refStart = new int[n + 1];
        long total = 0;
        for (int i = 0; i < n; i++) {
            refStart[i] = (int) total;
            total += refCounts[i];
            if (total > Integer.MAX_VALUE - 16) {
                throw new HprofFormatException("the dump has more than 2^31 references; mapleak cannot index it yet",
                        -1);
            }
        }
        refStart[n] = (int) total;
        r.ids = ids;
        r.classOf = classOf;
        r.sizeUnits = lengths; // holds lengths until sizes replace them in layoutAndSizes
        r.refStart = refStart;
        r.refs = new int[(int) total];
        Arrays.fill(r.refs, -1);
        // Mirrors' offsets live in their ClassInfo; their slots repeat a neighbour's so the column stays packable.
        long previous = -1;
        for (int i = 0; i < n; i++) {
            if (lengths[i] <= -2) {
                offsets[i] = previous;
            } else {
                previous = offsets[i];
            }
        }
        long next = previous;
        for (int i = n - 1; i >= 0; i--) {
            if (lengths[i] <= -2 && offsets[i] < 0) {
                offsets[i] = next; // leading mirrors take the first object's offset
            } else if (lengths[i] > -2) {
                next = offsets[i];
            }
        }
        r.packedIds = PackedLongs.of(ids);
        r.packedOffsets = PackedLongs.of(offsets);
        r.offsets = null;
        r.lookup = new IdLookup(ids, r.packedIds);
        return fileToIndex;
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

    private void layoutAndSizes(Result r, ReadSummary summary, IndexPass1 p1) {
        ClassCatalog cat = r.catalog;
        List<ClassInfo> classes = cat.classes;
        long[] ids = r.ids;
        int[] lengths = r.sizeUnits;
        int[] classOf = r.classOf;
        int n = ids.length;
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
                    sIds[k] = ids[i];
                    boolean mirror = lengths[i] <= -2;
                    sCls[k] = mirror ? -1 : classOf[i];
                    sLen[k] = mirror ? -1 : lengths[i];
                }
            }
            var inferred = LayoutInference.infer(cat, sIds, sCls, sLen, k);
            layout = inferred.layout();
            evidence = inferred.evidence();
        }
        FieldLayoutEngine engine = new FieldLayoutEngine(classes, layout);
        engine.applyInstanceSizes();
        int learned = 0;
        if (options.layout() == null) {
            SizeLearner learner = new SizeLearner(classes.size());
            for (int i = 0; i + 1 < n; i++) {
                if (lengths[i] == -1) {
                    learner.observe(classOf[i], ids[i + 1] - ids[i]);
                }
            }
            learned = learner.apply(classes);
        }
        engine.applyMirrorSizes(cat.classClassIndex);
        // Lengths become sizes in alignment units; sizes that do not fit go to the oversize table.
        int align = layout.alignment();
        List<Long> oversize = new ArrayList<>();
        long heapBytes = 0;
        for (int i = 0; i < n; i++) {
            int len = lengths[i];
            ClassInfo c = classes.get(classOf[i]);
            long size;
            if (len <= -2) {
                size = classes.get(-2 - len).mirrorSize;
            } else if (len == -1) {
                size = c.instanceSize;
            } else {
                int element = c.arrayElementType != 0 ? c.arrayElementType : BasicType.OBJECT;
                size = layout.arraySize(element, len);
            }
            heapBytes += size;
            long units = size / align;
            if (units <= Integer.MAX_VALUE && size % align == 0) {
                lengths[i] = (int) units;
            } else {
                oversize.add(size);
                lengths[i] = -oversize.size();
            }
        }
        r.oversize = oversize.stream().mapToLong(Long::longValue).toArray();
        r.heapBytes = heapBytes;
        List<String> warnings = new ArrayList<>(p1.warnings);
        warnings.addAll(cat.warnings);
        if (summary.heapDumps() > 1) {
            warnings.add(0, "the file holds " + summary.heapDumps() + " heap dumps; this is dump " + options.dump()
                    + " (choose with --dump N)");
        }
        r.ids = null; // the packed copy serves from here on
        r.facts = new DumpFacts(summary.header(), summary.heapDumps(), options.dump(), layout, evidence, learned,
                summary.truncated(), warnings);
    }

    /** Pass 2: resolves every reference to its index and writes it into the object's slots. */
    private void pass2(Result r, int[] fileToIndex) throws IOException {
        IndexPass2 p2 = new IndexPass2(r, fileToIndex, options);
        try (FileChannel ch = FileChannel.open(r.randomAccessPath, StandardOpenOption.READ)) {
            new HprofReader(ch, ch.size()).read(p2);
        }
        r.dangling = p2.dangling;
        r.weakReferents = p2.weakReferents;
        if (p2.dangling > 0) {
            r.facts.warnings().add(String.format("%,d references point to objects that are not in the dump; they are"
                    + " left out of the graph", p2.dangling));
        }
        compact(r);
    }

    /** Removes unused slots (null or dangling references counted as upper bounds), in place. */
    private static void compact(Result r) {
        int[] refs = r.refs;
        int[] start = r.refStart;
        int n = start.length - 1;
        int out = 0;
        int in = 0;
        for (int i = 0; i < n; i++) {
            int end = start[i + 1];
            start[i] = out;
            for (; in < end; in++) {
                int t = refs[in];
                if (t >= 0) {
                    refs[out++] = t;
                }
            }
        }
        start[n] = out;
        if (out < refs.length) {
            r.refs = Arrays.copyOf(refs, out);
        }
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
    }


}
