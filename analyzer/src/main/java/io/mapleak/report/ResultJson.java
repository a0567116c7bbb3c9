package io.mapleak.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.mapleak.analysis.AnalysisResult;
import io.mapleak.detect.Detectors;
import io.mapleak.detect.Evidence;
import io.mapleak.detect.RawEvidence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The analyze report as JSON: {@link AnalysisResult} written field for field (names in docs/report-schema.md) and
 * read back into the same records. A finding's evidence is read as its detector's record type, chosen by the
 * finding's {@code kind}; evidence of a kind this version does not know is kept as it was ({@link RawEvidence}).
 * Unknown fields are ignored on reading, so reports of newer 2.x versions read.
 */
public final class ResultJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new SimpleModule("mapleak-findings")
                    .addDeserializer(AnalysisResult.Finding.class, new FindingReader()));

    private ResultJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Writes the report to {@code target} atomically; an {@link OutputException} names the file on failure. */
    public static void write(Path target, AnalysisResult result) throws OutputException {
        Outputs.write(target, out -> MAPPER.writeValue(out, result));
    }

    /** The report as compact JSON text. */
    public static String toJson(AnalysisResult result) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the report cannot be written as JSON", e);
        }
    }

    /**
     * Reads a report written by {@code mapleak analyze --json} (or embedded in its HTML). A file that is not such a
     * report is a {@link ReportFormatException} saying why.
     */
    public static AnalysisResult read(Path file) throws IOException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(Files.newInputStream(file));
        } catch (JsonProcessingException e) {
            throw new ReportFormatException(file, "not JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ")");
        }
        return fromTree(file, tree);
    }

    /** A report from its JSON tree; {@code source} names it in errors. */
    public static AnalysisResult fromTree(Path source, JsonNode tree) throws ReportFormatException {
        if (tree == null || !tree.isObject() || !tree.has("schemaVersion") || !tree.has("suspects")) {
            throw new ReportFormatException(source, "not a mapleak analyze report (no schemaVersion and suspects)");
        }
        String version = tree.get("schemaVersion").asText();
        if (!version.startsWith("2.")) {
            throw new ReportFormatException(source, "a report of schema " + version + "; this mapleak reads 2.x "
                    + "(analyse the dump again to get one)");
        }
        try {
            return MAPPER.treeToValue(tree, AnalysisResult.class);
        } catch (JsonProcessingException e) {
            throw new ReportFormatException(source, "not a valid report: " + e.getOriginalMessage());
        }
    }

    /** Reads a finding, its evidence as the record type of its kind. */
    private static final class FindingReader extends StdDeserializer<AnalysisResult.Finding> {
        FindingReader() {
            super(AnalysisResult.Finding.class);
        }

        @Override
        public AnalysisResult.Finding deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode n = p.getCodec().readTree(p);
            String kind = n.path("kind").asText();
            JsonNode e = n.path("evidence");
            Class<? extends Evidence> type = Detectors.evidenceType(kind);
            Evidence evidence;
            if (type != null) {
                evidence = MAPPER.treeToValue(e, type);
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = e.isObject() ? MAPPER.convertValue(e, Map.class) : Map.of();
                evidence = new RawEvidence(fields);
            }
            return new AnalysisResult.Finding(kind, strings(n.path("maps")), n.path("category").asText(),
                    n.path("bytesAtStake").asLong(), evidence, n.path("advice").asText(), strings(n.path("caveats")));
        }

        private static List<String> strings(JsonNode array) {
            List<String> out = new ArrayList<>();
            array.forEach(x -> out.add(x.asText()));
            return out;
        }
    }
}
