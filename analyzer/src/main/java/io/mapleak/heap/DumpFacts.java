package io.mapleak.heap;

import io.mapleak.hprof.HprofHeader;
import java.util.List;

/**
 * What a read established about the dump as a whole: its header, which of its heap dumps was read, the layout
 * used for sizes (and why), how many class sizes were learned from addresses, and every warning.
 */
public record DumpFacts(HprofHeader header, int heapDumps, int selectedDump, Layout layout, String layoutEvidence,
        int learnedClassSizes, boolean truncated, List<String> warnings) {
}
