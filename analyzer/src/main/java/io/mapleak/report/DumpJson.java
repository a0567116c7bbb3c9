package io.mapleak.report;

import io.mapleak.heap.DumpFacts;
import io.mapleak.heap.Layout;
import io.mapleak.hprof.DumpFile;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code dump} object shared by every JSON report. */
public final class DumpJson {
    private DumpJson() {
    }

    public static Map<String, Object> of(DumpFile file, DumpFacts facts, long objects, int classes, long heapBytes) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("file", file.path().toString());
        d.put("fileBytes", file.fileBytes());
        d.put("compression", file.compression().name().toLowerCase(java.util.Locale.ROOT));
        d.put("format", facts.header().version());
        d.put("idSize", facts.header().idSize());
        d.put("timestamp", Instant.ofEpochMilli(facts.header().timestampMillis()).toString());
        d.put("heapDumps", facts.heapDumps());
        d.put("selectedDump", facts.selectedDump());
        d.put("objects", objects);
        d.put("classes", classes);
        d.put("heapBytes", heapBytes);
        d.put("truncated", facts.truncated());
        Layout l = facts.layout();
        Map<String, Object> layout = new LinkedHashMap<>();
        layout.put("compressedOops", l.compressedOops());
        layout.put("headerBytes", l.headerBytes());
        layout.put("referenceBytes", l.referenceBytes());
        layout.put("alignment", l.alignment());
        layout.put("compactHeaders", l.compactHeaders());
        layout.put("fieldLayout", l.fieldStyle() == Layout.FieldStyle.MODERN ? "jdk15+" : "jdk8-14");
        layout.put("inferred", l.inferred());
        layout.put("evidence", facts.layoutEvidence());
        layout.put("classSizesLearnedFromAddresses", facts.learnedClassSizes());
        d.put("layout", layout);
        return d;
    }
}
