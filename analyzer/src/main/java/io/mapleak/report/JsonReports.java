package io.mapleak.report;

import io.mapleak.heap.Hex;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mapleak.heap.Histogram;
import io.mapleak.hprof.DumpFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes the JSON reports of the report contract; files are written atomically (temp file, then rename). */
public final class JsonReports {
    public static final String SCHEMA_VERSION = "1.0";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReports() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code { "classes": [ {name, instances, shallowBytes} ], "objects", "heapBytes", ... } }. */
    public static void writeHistogram(Path target, DumpFile file, Histogram h) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("dump", DumpJson.of(file, h.facts(), h.objects(), h.rows().size(), h.heapBytes()));
        List<Map<String, Object>> classes = new ArrayList<>();
        for (Histogram.Row r : h.rows()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", r.name());
            c.put("classId", Hex.id(r.classId()));
            c.put("instances", r.instances());
            c.put("shallowBytes", r.shallowBytes());
            classes.add(c);
        }
        root.put("classes", classes);
        root.put("objects", h.objects());
        root.put("heapBytes", h.heapBytes());
        root.put("warnings", h.facts().warnings());
        write(target, root);
    }

    /** Writes {@code tree} as JSON to {@code target} atomically; an {@link OutputException} names the file. */
    public static void write(Path target, Object tree) throws OutputException {
        Outputs.write(target, out -> MAPPER.writeValue(out, tree));
    }
}
