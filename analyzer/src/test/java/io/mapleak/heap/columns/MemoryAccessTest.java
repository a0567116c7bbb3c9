package io.mapleak.heap.columns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How columns reach their temp files' pages, in real JVMs: by address, and unmapped as soon as they are closed, on
 * JDK 17; on JDK 25 the same only when the JVM is started with {@link ColumnStore#JVM_OPTIONS} (as bin/mapleak and
 * the triage job start it), and through the buffers without them. Never a warning about {@code sun.misc.Unsafe}.
 */
class MemoryAccessTest {
    @TempDir
    Path temp;

    /** Writes, reads and closes a mapped column, then prints what this JVM chose and the options it would give. */
    public static void main(String[] args) {
        try (ColumnStore s = new ColumnStore(0, Path.of(args[0]), 4)) {
            IntColumn c = s.ints("probe", 100);
            c.set(99, 7);
            if (c.get(99) != 7 || c.chunkOnHeap(0)) {
                throw new AssertionError("the probe column is not a mapped one that reads back what was written");
            }
        }
        System.out.println("raw=" + RawMemory.ENABLED + " unmap=" + Unmapper.unmaps() + " options="
                + String.join(" ", ColumnStore.JVM_OPTIONS));
    }

    @Test
    void jdk17ReadsByAddressWithoutOptions() throws Exception {
        FixtureDumps.requireAvailable(Jvm.JDK17);
        assertThat(probe(Jvm.JDK17, List.of())).isEqualTo("raw=true unmap=true options=");
    }

    @Test
    void jdk25ReadsByAddressOnlyWithTheOptionsItNames() throws Exception {
        FixtureDumps.requireAvailable(Jvm.JDK25);
        String plain = probe(Jvm.JDK25, List.of());
        assertThat(plain).isEqualTo("raw=false unmap=false options=--sun-misc-unsafe-memory-access=allow");
        List<String> options = List.of(plain.substring(plain.indexOf("options=") + "options=".length()).split(" "));
        assertThat(probe(Jvm.JDK25, options)).startsWith("raw=true unmap=true ");
        // A user who denies it: the buffers, and no exception.
        assertThat(probe(Jvm.JDK25, List.of("--sun-misc-unsafe-memory-access=deny")))
                .startsWith("raw=false unmap=false ");
    }

    /** Runs {@link #main} in {@code jvm}; its standard error must stay empty (no warning). */
    private String probe(Jvm jvm, List<String> options) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(jvm.java().toString());
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MemoryAccessTest.class.getName(),
                temp.toString()));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s ended", command).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(err).as("standard error of %s", command).isEmpty();
            assertThat(p.exitValue()).isZero();
            return out;
        } finally {
            p.destroyForcibly(); // a child that hangs or fails does not outlive the test
        }
    }
}
