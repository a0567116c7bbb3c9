package io.mapleak.capture;

import io.mapleak.heap.ByteCounts;
import java.nio.file.Path;

/**
 * Whether a file system has room for a heap dump: the decision alone, apart from where the numbers come from (so
 * that tests can give it any free space). A dump is about the size of the heap in use: a dump of live objects
 * leaves the garbage out, but writes 8-byte ids where the heap has 4-byte compressed references, and the two
 * roughly cancel out. jcmd's gzip at level 1 makes a dump three to six times smaller, random or already
 * compressed byte arrays hardly at all; half the heap keeps a margin for those.
 *
 * @param freeBytes     usable bytes on the output's file system
 * @param usedHeapBytes the target's heap in use
 * @param gzip          whether the dump is written gzipped
 */
public record DiskSpace(long freeBytes, long usedHeapBytes, boolean gzip) {
    /** How much smaller a gzipped dump is assumed to be, at least. */
    static final int GZIP_RATIO = 2;

    /** The bytes a dump is assumed to need. */
    public long neededBytes() {
        return gzip ? usedHeapBytes / GZIP_RATIO : usedHeapBytes;
    }

    /** Whether the dump is expected to fit. */
    public boolean enough() {
        return freeBytes >= neededBytes();
    }

    /** The one line to print when it does not fit. */
    String shortfall(Path dir, long pid) {
        return "not enough disk for the dump: " + dir + " has " + ByteCounts.format(freeBytes) + " free, and process "
                + pid + " uses " + ByteCounts.format(usedHeapBytes) + " of heap (a dump is about that size"
                + (gzip ? "; gzipped, taken as half: " + ByteCounts.format(neededBytes()) : "; --gz needs about half")
                + "); free some space, choose another directory with -o, or add --no-disk-check to try anyway";
    }
}
