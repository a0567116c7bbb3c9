package io.mapleak.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mapleak demo}: the README's first command runs the bundled shop, dumps it, and reports its leak first. */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void demoDumpsTheShopAndReportsItsSessionRegistryFirst() throws Exception {
        Path out = dir.resolve("demo");
        MapleakRun run = MapleakRun.of("demo", "-o", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("#1 HIGH").contains("DemoShop$SessionRegistry.SESSIONS")
                .contains("HTML report: " + out.resolve("demo-shop.html"))
                .contains("JSON report: " + out.resolve("demo-shop.json"));
        assertThat(out.resolve("demo-shop.hprof")).isRegularFile();
        JsonNode report = new ObjectMapper().readTree(out.resolve("demo-shop.json").toFile());
        assertThat(report.at("/suspects/0/owner/label").asText())
                .isEqualTo("io.mapleak.fixtures.scenario.DemoShop$SessionRegistry.SESSIONS");
        assertThat(report.at("/suspects/0/severity").asText()).isEqualTo("high");
        assertThat(report.at("/suspects/0/maps/0/size").asLong()).isEqualTo(12_000);
        String html = Files.readString(out.resolve("demo-shop.html"));
        assertThat(MapleakRun.embeddedJson(html)).isEqualTo(report);
        // Only the dump and the two reports: the child's scratch directory is gone.
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("demo-shop.hprof", "demo-shop.html", "demo-shop.json");
        }
    }
}
