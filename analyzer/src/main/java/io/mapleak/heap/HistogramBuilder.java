package io.mapleak.heap;

import io.mapleak.hprof.BasicType;
import io.mapleak.hprof.DumpFile;
import io.mapleak.hprof.HprofFormatException;
import io.mapleak.hprof.HprofReader;
import io.mapleak.hprof.ReadSummary;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds a {@link Histogram} in one streaming pass, without an object index: per class a count, and for
 * arrays the length sum and the distribution of lengths modulo 256, which is all that the exact aligned sizes
 * need under any layout. The first objects are kept as a sample to infer the layout from their addresses.
 */
public final class HistogramBuilder {
    /** Objects kept for layout inference: a million pairs decide it with a wide margin, in 16 MB. */
    private static final int SAMPLE = 1 << 20;
    private static final int MOD = 256;

    private HistogramBuilder() {
    }

    public static Histogram build(DumpFile file, ReadOptions options) throws IOException {
        ReadSummary summary;
        Pass pass;
        AtomicLong fileRead = new AtomicLong();
        try (ReadableByteChannel ch = file.openStream()) {
            var header = HprofReader.readHeader(ch);
            // progress in bytes on disk, which a compressed file knows the end of (see DumpFile.onDisk)
            pass = new Pass(new ClassCatalog(header.idSize()),
                    options.withProgress(file.onDisk(options.progress(), fileRead)));
        }
        try (ReadableByteChannel ch = file.openStream(fileRead)) {
            summary = new HprofReader(ch, file.knownLength()).read(pass);
        }
        return pass.finish(summary, options);
    }

    private static final class Pass extends CatalogVisitor {
        private long[] counts = new long[1024];
        private long[] lengthSums = new long[1024];
        private int[] lengthMods = new int[1024 * MOD];
        private final long[] primCounts = new long[12];
        private final long[] primLengthSums = new long[12];
        private final int[] primLengthMods = new int[12 * MOD];
        private final long[] sampleIds = new long[SAMPLE];
        private final int[] sampleClasses = new int[SAMPLE];
        private final int[] sampleLengths = new int[SAMPLE];
        private int sampled;
        private final SizeLearner learner = new SizeLearner(1024);
        private long prevId;
        private int prevInstanceClass = -1;

        private boolean sawDump;
        /** Addresses of class mirrors (class ids), sorted: objects the instance stream does not show. */
        private long[] mirrors = new long[0];
        private int mirrorsKnown = -1;

        Pass(ClassCatalog catalog, ReadOptions options) {
            super(catalog, options.dump(), options.progress());
        }

        @Override
        public void heapDumpStart(int dumpNumber, long offset) {
            sawDump = true;
        }

        private void grow(int cls) {
            if (cls >= counts.length) {
                int n = Math.max(cls + 1, counts.length * 2);
                counts = Arrays.copyOf(counts, n);
                lengthSums = Arrays.copyOf(lengthSums, n);
                lengthMods = Arrays.copyOf(lengthMods, n * MOD);
            }
        }

        private void next(long id, int instanceClass, int sampleClass, int length) {
            if (prevInstanceClass >= 0) {
                long gap = id - prevId;
                if (gap > 0 && gap <= learner.min(prevInstanceClass)) {
                    gap = gapWithMirrors(prevId, id);
                }
                learner.observe(prevInstanceClass, gap);
            }
            prevId = id;
            prevInstanceClass = instanceClass;
            if (sampled < SAMPLE) {
                sampleIds[sampled] = id;
                sampleClasses[sampled] = sampleClass;
                sampleLengths[sampled] = length;
                sampled++;
            }
        }

        /** The gap after {@code prev}, ending at a class mirror if one lies between it and {@code next}. */
        private long gapWithMirrors(long prev, long next) {
            if (mirrorsKnown != catalog.classes.size()) {
                mirrorsKnown = catalog.classes.size();
                mirrors = new long[mirrorsKnown];
                for (int i = 0; i < mirrorsKnown; i++) {
                    mirrors[i] = catalog.classes.get(i).id;
                }
                Arrays.sort(mirrors);
            }
            int at = Arrays.binarySearch(mirrors, prev + 1);
            if (at < 0) {
                at = -at - 1;
            }
            if (at < mirrors.length && mirrors[at] < next) {
                return mirrors[at] - prev;
            }
            return next - prev;
        }

        @Override
        public void instance(long offset, long id, long classId, int length, byte[] fields, int fieldsAt) {
            int cls = catalog.classIndex(classId);
            grow(cls);
            counts[cls]++;
            next(id, cls, cls, -1);
        }

        @Override
        public void objectArray(long offset, long id, long arrayClassId, int length) {
            int cls = catalog.classIndex(arrayClassId);
            grow(cls);
            counts[cls]++;
            lengthSums[cls] += length;
            lengthMods[cls * MOD + (length & (MOD - 1))]++;
            next(id, -1, cls, length);
        }

        @Override
        public void primitiveArray(long offset, long id, int elementType, int length) {
            primCounts[elementType]++;
            primLengthSums[elementType] += length;
            primLengthMods[elementType * MOD + (length & (MOD - 1))]++;
            next(id, -1, ClassCatalog.primitiveArrayMarker(elementType), length);
        }

        Histogram finish(ReadSummary summary, ReadOptions options) throws HprofFormatException {
            if (!sawDump) {
                if (summary.heapDumps() == 0) {
                    throw new HprofFormatException("the file has no heap dump records"
                            + (summary.truncated() ? " (" + summary.truncation() + ")" : ""), summary.endOffset());
                }
                throw new HprofFormatException("the file holds " + summary.heapDumps()
                        + " heap dumps; there is no dump " + selectedDump, -1);
            }
            catalog.finish();
            List<ClassInfo> classes = catalog.classes;
            grow(classes.size());
            for (int t = BasicType.BOOLEAN; t <= BasicType.LONG; t++) {
                int cls = catalog.primitiveArrayClass(t);
                counts[cls] += primCounts[t];
                lengthSums[cls] += primLengthSums[t];
                for (int m = 0; m < MOD; m++) {
                    lengthMods[cls * MOD + m] += primLengthMods[t * MOD + m];
                }
            }
            for (int i = 0; i < sampled; i++) {
                if (sampleClasses[i] < 0) {
                    sampleClasses[i] = catalog.primitiveArrayClass(-sampleClasses[i]);
                }
            }
            Layout layout;
            String evidence;
            if (options.layout() != null) {
                layout = options.layout();
                evidence = "given with --layout";
            } else {
                var r = LayoutInference.infer(catalog, sampleIds, sampleClasses, sampleLengths, sampled);
                layout = r.layout();
                evidence = r.evidence();
            }
            FieldLayoutEngine engine = new FieldLayoutEngine(classes, layout);
            engine.applyInstanceSizes();
            int learned = options.layout() != null ? 0 : learner.apply(classes);
            engine.applyMirrorSizes(catalog.classClassIndex);

            List<Histogram.Row> rows = new ArrayList<>();
            long objects = 0;
            long bytes = 0;
            long mirrors = 0;
            long mirrorBytes = 0;
            for (ClassInfo c : classes) {
                if (c.dumped && c.id > 0) {
                    mirrors++;
                    mirrorBytes += c.mirrorSize;
                }
            }
            for (ClassInfo c : classes) {
                long n = counts[c.index];
                long b;
                if (c.isArray()) {
                    b = arrayBytes(c, layout);
                } else {
                    b = n * c.instanceSize;
                }
                if (c.index == catalog.classClassIndex) {
                    n += mirrors;
                    b += mirrorBytes;
                }
                if (n == 0) {
                    continue;
                }
                rows.add(new Histogram.Row(c.name, c.id, n, b));
                objects += n;
                bytes += b;
            }
            rows.sort((a, b) -> Long.compare(b.shallowBytes(), a.shallowBytes()));
            List<String> all = new ArrayList<>(warnings);
            all.addAll(catalog.warnings);
            if (summary.heapDumps() > 1) {
                all.add(0, "the file holds " + summary.heapDumps() + " heap dumps; this is dump " + selectedDump
                        + " (choose with --dump N)");
            }
            DumpFacts facts = new DumpFacts(summary.header(), summary.heapDumps(), selectedDump, layout, evidence,
                    learned, summary.truncated(), all);
            return new Histogram(rows, objects, bytes, facts);
        }

        /** Exact aligned bytes of all arrays of class {@code c}: sizes are linear in length up to the padding. */
        private long arrayBytes(ClassInfo c, Layout layout) {
            int element = c.arrayElementType;
            int es = element == BasicType.OBJECT ? layout.referenceBytes() : BasicType.primitiveSize(element);
            long base = layout.arrayBaseOffset(es);
            long n = counts[c.index];
            long total = n * base + lengthSums[c.index] * es;
            int a = layout.alignment();
            for (int m = 0; m < MOD; m++) {
                int k = lengthMods[c.index * MOD + m];
                if (k != 0) {
                    long unpadded = base + (long) m * es;
                    long pad = (a - unpadded % a) % a;
                    total += pad * k;
                }
            }
            return total;
        }
    }
}
