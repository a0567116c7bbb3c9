package io.mapleak.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mapleak.report.HostileDump;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index pages are escaped like the report: a dump whose file name is markup, and whose leaking map is held by
 * a class and field whose names are markup ({@link HostileDump}), shows every one of those strings as text on
 * {@code index.html}, keeps them exact in {@code index.json}, and the {@code --notify} command gets them intact.
 */
class TriageIndexEscapingTest {
    private static final String FILE_NAME = "<img src=x onerror=alert(3)>&\"'.hprof";

    @TempDir
    Path root;

    @Test
    void hostileFileNamesAndOwnerPathsAreTextOnTheIndexPage() throws Exception {
        Path dumps = Files.createDirectories(root.resolve("dumps"));
        Path dump = HostileDump.write(dumps.resolve(FILE_NAME));
        TriageFixtures.settle(dump);
        Path out = root.resolve("out");
        Path told = root.resolve("told.json");

        TriageFixtures.Run run = TriageFixtures.triage(dumps.toString(), "--out", out.toString(), "--notify",
                "cat > '" + told + "'");
        assertThat(run.exitCode()).as(run.toString()).isZero();

        JsonNode index = TriageFixtures.index(out);
        String label = HostileDump.HOLDER + "." + HostileDump.FIELD;
        assertThat(index.path("dumps").get(0).path("file").asText()).isEqualTo(dump.toString());
        assertThat(index.path("signatures")).as(run.toString()).isNotEmpty();
        JsonNode signature = index.path("signatures").get(0);
        assertThat(signature.path("label").asText()).isEqualTo(label);
        assertThat(signature.path("key").asText()).contains(HostileDump.FIELD);
        assertThat(index.path("dumps").get(0).path("report").path("html").asText())
                .as("the report's own name is safe").matches("reports/_img_src_x_onerror_alert_3_____-1\\.html");

        String html = Files.readString(out.resolve("index.html"), StandardCharsets.UTF_8);
        assertThat(html).doesNotContain("<img src=x").doesNotContain("<script>alert").doesNotContain("<b>istry")
                .doesNotContain("</title><script>");
        assertThat(html).contains("&lt;img src=x onerror=alert(3)&gt;&amp;&quot;&#39;.hprof")
                .contains("t.Reg&lt;b&gt;istry.SESSIONS&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;");
        assertThat(html).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;;")
                .doesNotContain("<script");

        JsonNode notified = new ObjectMapper().readTree(told.toFile());
        assertThat(notified.path("newSignatures").get(0).path("label").asText()).isEqualTo(label);
        assertThat(notified.path("newSignatures").get(0).path("dumps").get(0).asText()).isEqualTo(dump.toString());
    }
}
