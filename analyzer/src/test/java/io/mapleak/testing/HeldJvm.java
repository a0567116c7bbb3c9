package io.mapleak.testing;

import io.mapleak.fixtures.FixtureMain;
import io.mapleak.fixtures.Sizes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixture scenario kept running in a child JVM ({@code FixtureMain SCENARIO DIR --hold}) for tests that work on a
 * live process, such as {@code mapleak capture}. {@link #start} returns once the child has printed
 * {@code READY pid} (scenario built, its own dump written into DIR); {@link #close} closes the child's stdin, on
 * which it exits, and kills it if it is still there 10 s later. Use it in try-with-resources, so that a failing
 * test stops it too.
 *
 * <p>The child's class path is the fixtures' own classes only (a directory anyone may read, so that the child can
 * run as another user): scenarios that need a library cannot be held. Its output goes to {@code DIR/SCENARIO.held.log}.
 */
public final class HeldJvm implements AutoCloseable {
    /** Building a small scenario and its own dump take a few seconds; a child silent for this long is stuck. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    /** Put after the child's last line: readLine never returns a NUL line from a fixture. */
    private static final String END_OF_OUTPUT = "\u0000";
    private static final List<String> JVM_OPTION_VARIABLES =
            List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private final Process process;
    private final long pid;
    private final Path log;

    private HeldJvm(Process process, long pid, Path log) {
        this.process = process;
        this.pid = pid;
        this.log = log;
    }

    /** Starts {@code scenario} on {@code jvm} with {@code flags} (after the layout's own); skips or fails without the JDK. */
    public static HeldJvm start(Jvm jvm, String scenario, Path dir, List<String> flags) {
        return start(jvm, scenario, dir, flags, List.of());
    }

    /**
     * As {@link #start(Jvm, String, Path, List)}, with {@code prefix} before the java command: {@code setpriv
     * --reuid=65534 ...} runs the child as another user.
     */
    public static HeldJvm start(Jvm jvm, String scenario, Path dir, List<String> flags, List<String> prefix) {
        FixtureDumps.requireAvailable(jvm);
        List<String> command = new ArrayList<>(prefix);
        command.add(jvm.java().toString());
        command.addAll(jvm.flags());
        command.add("-Xmx128m");
        command.addAll(flags);
        command.add("-cp");
        command.add(fixturesClassPath().toString());
        command.add(FixtureMain.class.getName());
        command.add(scenario);
        command.add(dir.toAbsolutePath().toString());
        command.add("--hold");
        Path log = dir.resolve(scenario + ".held.log");
        Process process;
        try {
            Files.createDirectories(dir);
            Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(Redirect.appendTo(log.toFile()));
            JVM_OPTION_VARIABLES.forEach(builder.environment()::remove);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child is gone; waitForReady reports it
            }
            lines.add(END_OF_OUTPUT);
        }, "held-jvm-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return new HeldJvm(process, awaitReady(process, lines, log), log);
        } catch (RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static long awaitReady(Process process, BlockingQueue<String> lines, Path log) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null || line.equals(END_OF_OUTPUT)) {
                    break;
                }
                if (line.startsWith("READY ")) {
                    return Long.parseLong(line.substring("READY ".length()).trim());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("the held JVM did not print READY within " + READY_TIMEOUT.toSeconds() + " s"
                + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + "; " + tail(log));
    }

    /** The child's process id, as it printed it. */
    public long pid() {
        return pid;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Closes the child's stdin, on which it exits, and waits for it (killing it after 10 s). */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // it is gone already
        }
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The end of the child's log, for failure messages. */
    public String logTail() {
        return tail(log);
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return "its log (" + log.toAbsolutePath() + "):\n" + (text.length() > 4000
                    ? "..." + text.substring(text.length() - 4000) : text);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Where the fixtures' classes are: found through {@link Sizes}, since mapleak's own classes hold a copy of
     * {@link FixtureMain} (for {@code mapleak demo}) and may come first on the class path.
     */
    private static Path fixturesClassPath() {
        try {
            return Path.of(Sizes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the fixtures' classes", e);
        }
    }
}
