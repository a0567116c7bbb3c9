package io.mapleak.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mapleak.testing.HeldJvm;
import io.mapleak.testing.Jvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decisions {@link Capturer} takes before the dump, against a real JVM, with the clock and free space given. */
class CapturerTest {
    private static final Instant AT = Instant.parse("2026-12-05T11:49:51Z");
    private static final CaptureOptions PLAIN = new CaptureOptions(false, 0, true, List.of());

    @TempDir
    static Path targetDir;
    private static HeldJvm target;

    @TempDir
    Path dir;

    @BeforeAll
    static void startTarget() {
        target = HeldJvm.start(Jvm.JDK17, "capture-target", targetDir, List.of());
    }

    @AfterAll
    static void stopTarget() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void lessFreeSpaceThanTheHeapInUseRefusesBeforeTheTargetPauses() {
        Capturer capturer = new Capturer(Clock.fixed(AT, ZoneOffset.UTC), d -> 1024);
        Listener listener = new Listener();

        CaptureException e = catchThrowableOfType(() -> capturer.capture(target.pid(), Destination.directory(dir),
                PLAIN, listener), CaptureException.class);

        assertThat(e.failure()).isEqualTo(Failure.NOT_ENOUGH_DISK);
        assertThat(e.getMessage()).contains("1.0 KB free").contains("process " + target.pid() + " uses");
        assertThat(listener.dumping).as("the target was never asked to dump").isEmpty();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void nameTakenByAnotherFileIsFileExistsAndTheFileIsUntouched() throws Exception {
        Capturer capturer = new Capturer(Clock.fixed(AT, ZoneOffset.UTC));
        Path taken = Files.writeString(dir.resolve("FixtureMain-" + target.pid() + "-20261205T114951Z.hprof"),
                "precious");

        CaptureException e = catchThrowableOfType(() -> capturer.capture(target.pid(), Destination.directory(dir),
                PLAIN, new Listener()), CaptureException.class);

        assertThat(e.failure()).isEqualTo(Failure.FILE_EXISTS);
        assertThat(e.getMessage()).contains(taken.toString()).contains("never overwrites");
        assertThat(taken).hasContent("precious");
    }

    @Test
    void reportThatWouldBeOverwrittenIsFileExistsBeforeDumping() throws Exception {
        Capturer capturer = new Capturer(Clock.fixed(AT, ZoneOffset.UTC));
        Path report = Files.writeString(dir.resolve("FixtureMain-" + target.pid() + "-20261205T114951Z.html"), "old");
        Listener listener = new Listener();

        CaptureException e = catchThrowableOfType(() -> capturer.capture(target.pid(), Destination.directory(dir),
                new CaptureOptions(false, 0, true, List.of(".json", ".html")), listener), CaptureException.class);

        assertThat(e.failure()).isEqualTo(Failure.FILE_EXISTS);
        assertThat(e.getMessage()).contains(report.toString());
        assertThat(listener.dumping).isEmpty();
    }

    @Test
    void listenerThatSaysNoLeavesTheTargetAlone() {
        Listener stop = new Listener();
        stop.proceed = false; // what a Ctrl-C during the attach makes capture's listener say

        CaptureException e = catchThrowableOfType(() -> new Capturer(Clock.fixed(AT, ZoneOffset.UTC)).capture(
                target.pid(), Destination.directory(dir), PLAIN, stop), CaptureException.class);

        assertThat(e.failure()).isEqualTo(Failure.STOPPED);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void dumpNamedByTheClockTellsWhatItTook() throws Exception {
        Listener listener = new Listener();

        HeapDump dump = new Capturer(Clock.fixed(AT, ZoneOffset.UTC)).capture(target.pid(),
                Destination.directory(dir), PLAIN, listener);

        assertThat(dump.file()).isEqualTo(dir.resolve("FixtureMain-" + target.pid() + "-20261205T114951Z.hprof"));
        assertThat(dump.bytes()).isEqualTo(Files.size(dump.file())).isPositive();
        assertThat(dump.takenAt()).isEqualTo(AT);
        assertThat(dump.target().feature()).isEqualTo(17);
        assertThat(dump.target().mainClass()).isEqualTo("FixtureMain");
        assertThat(dump.usedHeapBytes()).isPresent();
        assertThat(listener.dumping).containsExactly(dump.file());
        assertThat(listener.warnings).isEmpty();
    }

    /** Records what the capturer said. */
    private static final class Listener implements DumpListener {
        final List<Path> dumping = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        boolean proceed = true;

        @Override
        public boolean dumping(Target t, Path file, OptionalLong usedHeapBytes) {
            dumping.add(file);
            return proceed;
        }

        @Override
        public void warning(String message) {
            warnings.add(message);
        }
    }
}
