package io.mapleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** When the watch calls a run thrashing: pauses most of a whole window, and a heap still full after them. */
class GcWatchTest {
    private static final long SECOND = 1_000_000_000L;

    /** Feeds one sample a second from second {@code from} to {@code to}, GC taking {@code share} of each. */
    private static boolean feed(GcWatch w, long[] gc, int from, int to, double share, double full) {
        boolean thrashing = false;
        for (int s = from; s <= to; s++) {
            thrashing = w.sample(s * SECOND, gc[0], full);
            gc[0] += (long) (share * 1000);
        }
        return thrashing;
    }

    @Test
    void pausesFillingTheWindowOnAFullHeapAreThrashingOnlyOnceTheWindowIsCovered() {
        GcWatch w = new GcWatch(30 * SECOND, 64);
        long[] gc = {0};
        assertThat(feed(w, gc, 0, 29, 0.97, 0.99)).as("29 s: the window is not covered yet").isFalse();
        assertThat(feed(w, gc, 30, 30, 0.97, 0.99)).isTrue();
    }

    @Test
    void aFullHeapCollectedRarelyOrAHeapThatEmptiesIsNotThrashing() {
        long[] gc = {0};
        assertThat(feed(new GcWatch(30 * SECOND, 64), gc, 0, 120, 0.5, 0.99)).as("half the time in GC").isFalse();
        assertThat(feed(new GcWatch(30 * SECOND, 64), gc, 0, 120, 1.0, 0.6)).as("long pauses that free memory")
                .isFalse();
    }

    @Test
    void theShareIsOfTheLastWindowNotOfTheWholeRun() {
        GcWatch w = new GcWatch(30 * SECOND, 64);
        long[] gc = {0};
        assertThat(feed(w, gc, 0, 100, 0.02, 0.95)).isFalse();
        assertThat(feed(w, gc, 101, 115, 1.0, 0.95)).as("15 s of pauses in a 30 s window").isFalse();
        assertThat(feed(w, gc, 116, 140, 1.0, 0.95)).as("then the whole window").isTrue();
        GcWatch recovered = new GcWatch(30 * SECOND, 64);
        long[] gc2 = {0};
        assertThat(feed(recovered, gc2, 0, 40, 1.0, 0.95)).isTrue();
        assertThat(feed(recovered, gc2, 41, 100, 0.1, 0.95)).as("a run that recovered").isFalse();
    }

    /**
     * A JVM thrashing on a full G1 heap (which never throws OutOfMemoryError then) ends with the out-of-memory
     * advice alone and exit code 4, as one that runs out ends, a few seconds after its window (3 s here); so does one
     * on the parallel collector that bin/mapleak gives analyze (whose overhead limit throws now and then, and the
     * program goes on).
     */
    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseParallelGC"})
    void aJvmThrashingOnAFullHeapEndsWithTheAdviceAndExitCode4(String collector) throws Exception {
        Ended run = java(120, List.of("-Xmx64m", collector, "-Dmapleak.gcWatchSeconds=3"), ThrashingMain.class);
        assertThat(run.ended()).as("ended by the watch").isTrue();
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(run.err()).startsWith("mapleak: out of memory with a max heap of 64 MB").contains("-Xmx1g")
                .doesNotContain("\n").doesNotContain("Exception");
    }

    /**
     * An out-of-memory error that ends a helper thread (the parallel collector's overhead limit throws in whatever
     * thread allocates) ends the run with the advice alone, once, and exit code 4: not the JVM's "Exception in
     * thread" line, nor a run that waits on.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseParallelGC"})
    void anOutOfMemoryErrorInAHelperThreadEndsTheRunWithTheAdviceOnce(String collector) throws Exception {
        Ended run = java(60, List.of("-Xmx64m", collector), OutOfMemoryInThreadMain.class);
        assertThat(run.ended()).as("ended by the handler").isTrue();
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(run.err()).startsWith("mapleak: out of memory with a max heap of 64 MB").doesNotContain("\n")
                .doesNotContain("Exception");
    }

    /** Another error that ends a helper thread is one line on stderr, its stack trace only under --debug. */
    @Test
    void anotherErrorInAHelperThreadIsOneLineUnlessDebugging() throws Exception {
        Ended plain = java(60, List.of(), ErrorInThreadMain.class, "--version");
        assertThat(plain.ended()).isTrue();
        assertThat(plain.err()).isEqualTo("mapleak: internal error in thread helper: java.lang."
                + "IllegalStateException: a helper's own failure (run with --debug for the stack trace)");
        Ended debug = java(60, List.of(), ErrorInThreadMain.class, "--version", "--debug");
        assertThat(debug.ended()).isTrue();
        assertThat(debug.err()).startsWith("Exception in thread \"helper\" java.lang.IllegalStateException")
                .contains("\tat ");
    }

    /** How a child JVM ended: within the time given or not, its exit code then (-1 if not), its stderr. */
    private record Ended(boolean ended, int exit, String err) {
    }

    /** Runs {@code main} with this test's class path in a JVM of its own, stopped after {@code seconds} at most. */
    private static Ended java(int seconds, List<String> options, Class<?> main, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
            String err = ended ? new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip() : "";
            return new Ended(ended, ended ? p.exitValue() : -1, err);
        } finally {
            p.destroyForcibly();
        }
    }
}
