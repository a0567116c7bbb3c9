package io.mapleak.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mapleak.growth.GrowthResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The growth report as JSON: {@link GrowthResult} written field for field (names in docs/report-schema.md, the
 * minimum in the report contract) and read back into the same records. Unknown fields are ignored on reading.
 */
public final class GrowthJson {
    private static final ObjectMapper MAPPER = ResultJson.mapper();

    private GrowthJson() {
    }

    /** Writes the report to {@code target} atomically; an {@link OutputException} names the file on failure. */
    public static void write(Path target, GrowthResult result) throws OutputException {
        Outputs.write(target, out -> MAPPER.writeValue(out, result));
    }

    /** The report as compact JSON text. */
    public static String toJson(GrowthResult result) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the growth report cannot be written as JSON", e);
        }
    }

    /** Reads a report written by {@code mapleak growth --json}; anything else is a {@link ReportFormatException}. */
    public static GrowthResult read(Path file) throws IOException {
        JsonNode tree;
        try (InputStream in = Files.newInputStream(file)) {
            tree = MAPPER.readTree(in);
        } catch (JsonProcessingException e) {
            throw new ReportFormatException(file, "not JSON (" + e.getOriginalMessage() + ")");
        }
        if (tree == null || !tree.isObject() || !tree.has("schemaVersion") || !tree.has("inputs")
                || !tree.has("maps")) {
            throw new ReportFormatException(file, "not a mapleak growth report (no schemaVersion, inputs and maps)");
        }
        String version = tree.get("schemaVersion").asText();
        if (!version.startsWith("1.")) {
            throw new ReportFormatException(file, "a growth report of schema " + version + "; this mapleak reads 1.x");
        }
        try {
            return MAPPER.treeToValue(tree, GrowthResult.class);
        } catch (JsonProcessingException e) {
            throw new ReportFormatException(file, "not a valid growth report: " + e.getOriginalMessage());
        }
    }
}
