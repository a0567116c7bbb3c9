package io.mapleak.heap;

import io.mapleak.heap.columns.IntColumn;
import io.mapleak.heap.columns.PackedLongs;
import io.mapleak.hprof.BasicType;
import io.mapleak.hprof.Bytes;
import io.mapleak.hprof.ClassDump;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * Pass 2: every reference resolved to its object's index and written to its slot (the CSR targets). Pass 1 left
 * every object's record offset, so this pass needs no sequential parse: the objects are cut into ranges that
 * threads read on their own, each with positional reads into its own buffer (no shared cursor, no mapping of the
 * whole dump), on every core. Class mirrors' references come from the class dump records the catalog kept.
 */
final class ReferencePass {
    /** 4 MiB a thread: a few hundred records a read, refilled about 250 times a GB. */
    private static final int BUFFER_BYTES = 4 << 20;
    /** Ranges of this many objects: small enough to balance threads, large enough to read ahead well. */
    private static final int RANGE_OBJECTS = 1 << 18;

    private final HeapIndexBuilder.Result r;
    private final FileChannel channel;
    /** Length of the dump: the last record before a cut may be shorter than an instance's header. */
    private final long fileEnd;
    private final ClassCatalog catalog;
    private final IdLookup lookup;
    private final PackedLongs refStart;
    private final PackedLongs offsets;
    private final IntColumn refs;
    private final int idSize;
    private final BitSet mirrors;
    final BitSet weakReferents = new BitSet();
    /** References whose {@code discovered} link is stored, just before the referent (or last, without one). */
    final BitSet discoveredLinks = new BitSet();
    private final AtomicLong dangling = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final LongConsumer progress;
    /**
     * Read buffers, reused from range to range: one a thread at a time rather than a new one a range (4 MiB
     * arrays are humongous objects to G1, allocated in old regions of their own; a new one for each of the 540
     * ranges of a 10 GB dump made 2.2 GB of them, and the index build's GC pauses went from 16 to 29).
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> buffers =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    ReferencePass(HeapIndexBuilder.Result r, LongConsumer progress) {
        this.r = r;
        this.channel = r.randomAccess;
        try {
            this.fileEnd = channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.catalog = r.catalog;
        this.lookup = r.lookup;
        this.refStart = r.refStart;
        this.offsets = r.packedOffsets;
        this.refs = r.refs;
        this.idSize = catalog.idSize();
        this.progress = progress;
        this.mirrors = new BitSet(r.objects);
        for (ClassInfo c : catalog.classes) {
            if (c.objectIndex >= 0) {
                mirrors.set(c.objectIndex);
            }
            // Cached lazily by the catalog: filled here, before the threads start, so that they only read.
            catalog.referenceOffsets(c.index);
            catalog.referentOffset(c.index);
            catalog.discoveredOffset(c.index);
        }
    }

    long dangling() {
        return dangling.get();
    }

    /** The most holders of dangling references {@link #danglingHolders} keeps. */
    static final int MAX_DANGLING_HOLDERS = 16;
    private final java.util.TreeSet<Integer> danglingHolders = new java.util.TreeSet<>();
    private volatile boolean moreDanglingHolders;

    /**
     * The objects whose references point to absent objects (at most {@link #MAX_DANGLING_HOLDERS}), or null when
     * there were more: on HotSpot all of them usually sit in one array, its class-data-sharing archive's roots.
     */
    synchronized java.util.Set<Integer> danglingHolders() {
        return moreDanglingHolders ? null : java.util.Set.copyOf(danglingHolders);
    }

    private void danglingFrom(int holder) {
        if (moreDanglingHolders) {
            return; // a truncated dump's millions of holders: no lock taken once the list is full
        }
        synchronized (this) {
            addDanglingHolder(holder);
        }
    }

    private void addDanglingHolder(int holder) {
        if (danglingHolders.size() < MAX_DANGLING_HOLDERS || danglingHolders.contains(holder)) {
            danglingHolders.add(holder);
        } else {
            moreDanglingHolders = true;
        }
    }

    void run() {
        // Slots no reference fills stay -1: the threads mark their objects' unused slots as they go (so the column
        // needs no pass of its own to preset them); the mirrors' slots are preset here, as not every mirror need
        // have a class dump record.
        for (int i = mirrors.nextSetBit(0); i >= 0; i = mirrors.nextSetBit(i + 1)) {
            refs.fill(refStart.get(i), refStart.get(i + 1), -1);
        }
        for (ClassDump d : catalog.dumps()) {
            mirror(d);
        }
        int n = r.objects;
        int ranges = (n + RANGE_OBJECTS - 1) / RANGE_OBJECTS;
        IntStream.range(0, ranges).parallel().forEach(k -> {
            byte[] buffer = buffers.poll();
            Range range = new Range(buffer != null ? buffer : new byte[BUFFER_BYTES]);
            range.objects(k * RANGE_OBJECTS, (int) Math.min(n, (long) (k + 1) * RANGE_OBJECTS));
            buffers.add(range.buf);
            synchronized (weakReferents) {
                weakReferents.or(range.weak);
                discoveredLinks.or(range.discovered);
            }
            dangling.addAndGet(range.dangling);
        });
    }

    private void mirror(ClassDump d) {
        int i = lookup.indexOf(d.id());
        if (i < 0) {
            return;
        }
        Slots s = new Slots(refStart.get(i), refStart.get(i + 1));
        s.holder = i;
        s.ref(d.superId());
        s.ref(d.loaderId());
        s.ref(d.signersId());
        s.ref(d.protectionDomainId());
        byte[] types = d.staticTypes();
        long[] values = d.staticValues();
        for (int k = 0; k < types.length; k++) {
            if (types[k] == BasicType.OBJECT) {
                s.ref(values[k]);
            }
        }
        for (long id : d.constantPoolObjectIds()) {
            s.ref(id);
        }
        dangling.addAndGet(s.dangling);
    }

    /** One object's reference slots, filled in order; ids that resolve to no object are counted, not written. */
    private class Slots {
        long cursor;
        long end;
        long dangling;
        /** The object whose slots these are. */
        int holder = -1;
        private int lastDangling = -1;

        Slots(long cursor, long end) {
            this.cursor = cursor;
            this.end = end;
        }

        Slots() {
        }

        /** Stores the reference to {@code id} in the next slot; whether it took one (null and dangling ones do not). */
        final boolean ref(long id) {
            if (id == 0) {
                return false;
            }
            int t = lookup.indexOf(id);
            if (t < 0) {
                if (dangling++ == 0 || holder != lastDangling) { // once an object: an array may hold thousands
                    danglingFrom(holder);
                    lastDangling = holder;
                }
            } else if (cursor < end) {
                refs.set(cursor++, t);
                return true;
            }
            return false;
        }
    }

    /** One thread's share: objects in index order, read through a buffer of the file. */
    private final class Range extends Slots {
        Range(byte[] buf) {
            this.buf = buf;
        }

        final BitSet weak = new BitSet();
        final BitSet discovered = new BitSet();
        private byte[] buf;
        /** File offset of buf[0], and how many bytes of buf are valid. */
        private long base = -1;
        private int valid;

        void objects(int from, int to) {
            for (int i = from; i < to; i++) {
                if (!mirrors.get(i)) {
                    object(i);
                    while (cursor < end) {
                        refs.set(cursor++, -1); // null or dangling: no reference for this slot
                    }
                }
            }
        }

        /** Makes [at, at + n) readable in buf; returns the index of {@code at} in buf. */
        private int window(long at, int n) {
            if (base >= 0 && at >= base && at + n <= base + valid) {
                return (int) (at - base);
            }
            if (n > buf.length) {
                buf = new byte[n];
            }
            ByteBuffer b = ByteBuffer.wrap(buf);
            try {
                while (b.position() < n) {
                    int got = channel.read(b, at + b.position());
                    if (got < 0) {
                        break;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (b.position() < n) {
                throw new UncheckedIOException(new IOException("the dump ends inside the record at offset " + at
                        + " that was indexed there"));
            }
            base = at;
            valid = b.position();
            long read = bytesRead.addAndGet(valid);
            if (progress != null) {
                synchronized (ReferencePass.this) {
                    progress.accept(read);
                }
            }
            return 0;
        }

        private void object(int i) {
            holder = i;
            long at = offsets.get(i);
            cursor = refStart.get(i);
            end = refStart.get(i + 1);
            int head = 1 + 2 * idSize + 8;
            // A primitive array's header is shorter; it may be the last record before the dump was cut.
            int p = window(at, (int) Math.min(head, fileEnd - at));
            int tag = buf[p] & 0xFF;
            if (tag == 0x21) { // instance: id, u4 trace, class id, u4 length, fields
                long classId = Bytes.id(buf, p + 1 + idSize + 4, idSize);
                int length = Bytes.i4(buf, p + 1 + 2 * idSize + 4);
                int cls = catalog.findClass(classId);
                int[] offs = cls >= 0 ? catalog.referenceOffsets(cls) : null;
                if (offs == null || cursor == end) {
                    return;
                }
                p = window(at, head + length) + head;
                int limit = length - idSize;
                int referent = catalog.referentOffset(cls);
                int link = catalog.discoveredOffset(cls);
                for (int off : offs) {
                    if (off <= limit && off != referent && off != link) {
                        ref(Bytes.id(buf, p + off, idSize));
                    }
                }
                // Then the collector's list link, and the referent last: the slots strong-path searches skip (see
                // HeapIndex.weakTail), marked where a reference took them.
                if (link >= 0 && link <= limit && ref(Bytes.id(buf, p + link, idSize))) {
                    discovered.set(i);
                }
                if (referent >= 0 && referent <= limit && ref(Bytes.id(buf, p + referent, idSize))) {
                    weak.set(i);
                }
            } else if (tag == 0x22) { // object array: id, u4 trace, u4 length, class id, elements
                long count = Bytes.i4(buf, p + 1 + idSize + 4) & 0xFFFF_FFFFL;
                long data = at + head;
                int perRead = BUFFER_BYTES / idSize;
                for (long k = 0; k < count && cursor < end; k += perRead) {
                    int m = (int) Math.min(perRead, count - k);
                    int q = window(data + k * idSize, m * idSize);
                    for (int e = 0; e < m; e++, q += idSize) {
                        ref(Bytes.id(buf, q, idSize));
                    }
                }
            }
            // primitive arrays (0x23) hold no references
        }
    }
}
