package io.mapleak.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mapleak.cli.Main;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group of small maps nested in one another (parsed JSON documents: an order map holding a customer map holding
 * an address map, all under one static field) is one inventory row whose retained bytes count each byte once:
 * what the fixture JVM measured the documents to reach, not the sum of every map's retained size (which counted
 * each address three times and each customer twice, and on a real Jackson tree came to more than the live heap).
 */
class InventoryNestingTest {
    @TempDir
    Path dir;

    @Test
    void nestedMapsOfOneGroupAreCountedOnce() throws Exception {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "json-documents");
        Path json = dir.resolve("json-documents.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"analyze", dump.hprof().toString(), "--json", json.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as("exit code of analyze; stderr:%n%s", err).isZero();
        JsonNode report = new ObjectMapper().readTree(json.toFile());

        JsonNode row = null;
        for (JsonNode r : report.get("inventory").get("rows")) {
            if (r.get("owner").get("label").asText().equals(dump.factString("owner"))) {
                row = r;
            }
        }
        assertThat(row).as("the documents' inventory row").isNotNull();
        assertThat(row.get("mapCount").asLong()).isEqualTo(dump.fact("maps"));
        assertThat(row.get("size").asLong()).as("entries: 5 + 3 + 3 a document").isEqualTo(11 * dump.fact("documents"));
        assertThat(row.get("retainedBytes").asLong()).as("what the documents reach, measured in the fixture JVM")
                .isEqualTo(dump.fact("retainedBytes"));
    }
}
