package io.mapleak.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.detect.Severity;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * OOM dumps are often cut short. Objects past the cut are missing, not corrupt: leaking fixture dumps cut at 30%,
 * 60% and 90% of their length are analysed as far as they go, with no corruption finding, no high suspect on a map
 * the JDK's own classes hold, the truncation stated with what was read; and once most of the dump is there, the
 * leak is still the first suspect.
 */
class TruncatedDumpsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} cut at {1}%")
    @CsvSource({
        "session-registry, 30", "session-registry, 60", "session-registry, 90",
        "tomcat-session-leak, 30", "tomcat-session-leak, 60", "tomcat-session-leak, 90",
        "racy-hashmap, 50", "weak-values-hold-keys, 60", "pooled-thread-locals, 60",
    })
    void aCutDumpIsAnalysedAsFarAsItGoesWithoutCallingMissingObjectsDamage(String scenario, int percent)
            throws Exception {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, scenario);
        long length = Files.size(dump.hprof());
        Path cut = dir.resolve(scenario + "-" + percent + ".hprof");
        copyPrefix(dump.hprof(), cut, length * percent / 100);

        AnalysisResult r = Analysis.run(cut, AnalysisOptions.defaults(), AnalysisListener.QUIET);

        assertThat(r.dump().truncated()).isTrue();
        assertThat(r.dump().truncation()).isNotNull();
        assertThat(r.dump().truncation().offset()).isBetween(length * percent / 100 - 100_000, length * percent / 100);
        assertThat(r.dump().truncation().objectsRead()).isPositive();
        assertThat(r.warnings()).anyMatch(w -> w.startsWith("the dump ends at offset"))
                .anyMatch(w -> w.startsWith("the dump is truncated, so GC root records"));
        List<String> problems = new ArrayList<>();
        for (AnalysisResult.Suspect top : r.suspects()) {
            for (AnalysisResult.Suspect s : top.andNested()) {
                if (s.finding("concurrent-corruption") != null) {
                    problems.add("corruption finding: " + s.title());
                }
                String owner = s.owner().label();
                boolean jdk = owner.startsWith("java.") || owner.startsWith("jdk.") || owner.startsWith("sun.");
                if (jdk && s.severity() == Severity.HIGH && !s.owner().label().equals("java.lang.Thread.threadLocals")) {
                    problems.add("high on a JDK map: " + s.title());
                }
            }
        }
        assertThat(problems).as("suspects of %s cut at %d%%", scenario, percent).isEmpty();
        // Where the cut left the leaking map and most of its entries (objects are written in address order, so
        // where a map lies varies from dump to dump), it is still the first suspect, and high.
        String owner = dump.factString(scenario.equals("tomcat-session-leak") ? "sessions.owner" : "owner");
        boolean leakRead = r.inventory().rows().stream().anyMatch(row -> row.owner().label().equals(owner)
                && row.retainedBytes() > r.dump().liveBytes() / 2);
        if (percent == 90 && leakRead) {
            AnalysisResult.Suspect first = r.suspects().get(0);
            assertThat(first.owner().label()).isEqualTo(owner);
            assertThat(first.severity()).isEqualTo(Severity.HIGH);
        }
    }

    private static void copyPrefix(Path from, Path to, long bytes) throws Exception {
        try (InputStream in = Files.newInputStream(from); OutputStream out = Files.newOutputStream(to)) {
            byte[] buf = new byte[1 << 16];
            long left = bytes;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
                left -= n;
            }
        }
    }
}
