package io.mapleak.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The triage command as a scheduler sees it: usage errors, unreadable inputs and unwritable outputs by exit code. */
class TriageCommandLineTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--after zip|takes keep, gzip or delete",
        "--interval 5m|--interval goes with --watch",
        "--db mysql://db/x|--db takes jdbc:postgresql://",
        "--timeout soon|is not a duration",
        "--max-attempts 0|--max-attempts takes a number from 1",
        "--max-heap 1m|--max-heap takes at least 64m",
        "--once --watch|mutually exclusive",
    })
    void wrongOptionsAreUsageErrors(String options, String message) {
        String[] args = (dir + " --out " + dir.resolve("out") + " " + options).split(" ");
        TriageFixtures.Run run = TriageFixtures.triage(args);
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains(message);
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aMissingDirectoryExitsWith3AndOneLine() {
        TriageFixtures.Run run = TriageFixtures.triage(dir.resolve("nope").toString(), "--out", dir.resolve("out")
                .toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
        assertThat(run.err().strip().lines()).singleElement().asString().startsWith("mapleak: ")
                .contains("no such directory");
    }

    @Test
    void anOutputThatCannotBeWrittenOrAStoreThatCannotBeReachedExitsWith5() throws Exception {
        TriageFixtures.Run out = TriageFixtures.triage(dir.toString(), "--out", "/proc/mapleak-out");
        assertThat(out.exitCode()).as(out.toString()).isEqualTo(5);
        assertThat(out.err()).startsWith("mapleak: cannot write /proc/mapleak-out");

        TriageFixtures.Run db = TriageFixtures.triage(dir.toString(), "--out", dir.resolve("out").toString(), "--db",
                "jdbc:postgresql://127.0.0.1:1/triage?user=x&password=secret");
        assertThat(db.exitCode()).as(db.toString()).isEqualTo(5);
        assertThat(db.err().strip().lines()).singleElement().asString()
                .startsWith("mapleak: cannot open the store PostgreSQL jdbc:postgresql://127.0.0.1:1/triage")
                .doesNotContain("secret");
        assertThat(leftoversIn(dir.resolve("out"))).isFalse();
    }

    @Test
    void anEmptyDirectoryGivesAnEmptyIndex() throws Exception {
        TriageFixtures.Run run = TriageFixtures.triage(dir.toString(), "--out", dir.resolve("out").toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(TriageFixtures.index(dir.resolve("out")).path("dumps")).isEmpty();
        assertThat(Files.readString(dir.resolve("out/index.html"))).contains("No dump found yet.");
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("2h30m")).isEqualTo(Duration.ofMinutes(150));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.format(Duration.ofMinutes(150))).isEqualTo("2h30m");
        assertThatThrownBy(() -> Durations.parse("5 minutes")).hasMessageContaining("is not a duration");
    }

    @Test
    void anOwnerIdNamesItsHostProcessAndStart() {
        Owner me = Owner.current();
        assertThat(Owner.parse(me.id())).contains(me);
        assertThat(me.isAliveHere()).isTrue();
        assertThat(new Owner(me.host(), me.pid(), me.start() + 1).isAliveHere()).as("same pid, other process").isFalse();
        assertThat(Owner.parse(new Owner("node-1.example.com", 7, 8).id())).contains(
                new Owner("node-1.example.com", 7, 8));
        assertThat(Owner.parse("no-owner")).isEmpty();
    }

    private static boolean leftoversIn(Path out) throws Exception {
        return Files.isDirectory(out) && !TriageFixtures.leftovers(out).isEmpty();
    }
}
