package io.mapleak.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the target answers to GC.heap_dump (the words of JDK 17 and 25), and what capture makes of it. */
class DumpAnswerTest {
    private static final TargetProcess NOBODYS_JVM = new TargetProcess(4711, TargetProcess.State.RUNNING, "java",
            OptionalInt.of(65534), List.of(65534), TargetProcess.Kind.HOTSPOT, Optional.empty(), List.of());

    @TempDir
    Path dir;

    @Test
    void createdIsSuccess() {
        Path file = dir.resolve("x.hprof");
        String answer = "Dumping heap to " + file + " ...\nHeap dump file created [6099303 bytes in 0.201 secs]\n";

        assertThatCode(() -> Capturer.checkAnswer(answer, file, NOBODYS_JVM)).doesNotThrowAnyException();
    }

    @Test
    void fileMadeMeanwhileIsFileExists() {
        Path file = dir.resolve("x.hprof");

        CaptureException e = failure("Unable to create " + file + ": File exists", file);

        assertThat(e.failure()).isEqualTo(Failure.FILE_EXISTS);
        assertThat(e.getMessage()).contains(file.toString()).contains("never overwrites");
    }

    @Test
    void directoryTheTargetMayNotWriteNamesItsUser() {
        Path file = dir.resolve("x.hprof");

        CaptureException e = failure("Unable to create " + file + ": Permission denied", file);

        assertThat(e.failure()).isEqualTo(Failure.DUMP_FAILED);
        assertThat(e.getMessage()).contains("process 4711 runs as").contains("65534").contains(dir.toString())
                .contains("mode rwx").contains("-o");
    }

    @Test
    void diskFullWhileWritingIsNotEnoughDiskAndFreesTheDiskAgain() throws IOException {
        Path file = Files.write(dir.resolve("x.hprof"), new byte[4096]);

        CaptureException e = failure("Dump file is incomplete: No space left on device", file);

        assertThat(e.failure()).isEqualTo(Failure.NOT_ENOUGH_DISK);
        assertThat(e.getMessage()).contains("disk filled up").contains("deleted the incomplete file");
        assertThat(file).doesNotExist();
    }

    @Test
    void otherWriteErrorKeepsTheIncompleteDump() throws IOException {
        Path file = Files.write(dir.resolve("x.hprof"), new byte[4096]);

        CaptureException e = failure("Dump file is incomplete: Input/output error", file);

        assertThat(e.failure()).isEqualTo(Failure.DUMP_FAILED);
        assertThat(e.getMessage()).contains("Input/output error").contains("kept");
        assertThat(file).exists();
    }

    @Test
    void missingDirectoryAndUnknownAnswersAreQuoted() {
        Path file = dir.resolve("gone/x.hprof");

        assertThat(failure("Unable to create " + file + ": No such file or directory", file).getMessage())
                .contains("cannot create").contains("No such file or directory");
        CaptureException old = failure("java.lang.IllegalArgumentException: Unknown argument '-gz' in diagnostic "
                + "command.", file);
        assertThat(old.failure()).isEqualTo(Failure.DUMP_FAILED);
        assertThat(old.getMessage()).contains("Unknown argument '-gz'");
    }

    @Test
    void attachToANewerJvmThatFailsSaysToRunMapleakOnItsJdk() throws IOException {
        Path newer = Files.createDirectories(dir.resolve("jdk-99"));
        Files.writeString(newer.resolve("release"), "JAVA_VERSION=\"99.0.1\"\nMODULES=\"java.base jdk.attach\"\n");
        Path same = Files.createDirectories(dir.resolve("jdk-same"));
        Files.writeString(same.resolve("release"), "JAVA_VERSION=\"" + Runtime.version() + "\"\n");

        String hint = Capturer.newerJdkHint(jvmIn(newer));

        assertThat(hint).contains("mapleak runs on Java " + Runtime.version().feature())
                .contains("the process on Java 99").contains("JAVA_HOME=" + newer + " bin/mapleak capture 4711");
        assertThat(Capturer.newerJdkHint(jvmIn(same))).isEmpty();
        assertThat(Capturer.newerJdkHint(NOBODYS_JVM)).as("home unknown").isEmpty();
    }

    private static TargetProcess jvmIn(Path home) {
        return new TargetProcess(4711, TargetProcess.State.RUNNING, "java", OptionalInt.of(0), List.of(),
                TargetProcess.Kind.HOTSPOT, Optional.of(home), List.of());
    }

    private static CaptureException failure(String answerLine, Path file) {
        String answer = "Dumping heap to " + file + " ...\n" + answerLine + "\n";
        return catchThrowableOfType(() -> Capturer.checkAnswer(answer, file, NOBODYS_JVM), CaptureException.class);
    }
}
