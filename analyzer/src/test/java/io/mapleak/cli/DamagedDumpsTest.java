package io.mapleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real dump with random bytes overwritten, and sometimes cut short, never makes mapleak fail with an internal
 * error or run out of memory: it either analyses what it can (exit 0, with warnings) or says in one line what is
 * wrong (exit 3). Damaged lengths once made the reader allocate what they claimed, and a damaged id overflowed
 * the id lookup; the seeds are fixed so a regression shows as the same failure every time.
 */
class DamagedDumpsTest {
    private static final int MUTATIONS = 60;

    @TempDir
    Path dir;

    @Test
    void randomlyDamagedDumpsEndInExitZeroOrThreeWithoutAStackTrace() throws Exception {
        byte[] original = Files.readAllBytes(FixtureDumps.get(Jvm.JDK17, "smoke").hprof());
        Random random = new Random(20261121L);
        Path file = dir.resolve("damaged.hprof");
        int[] codes = new int[5];
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] b = original.clone();
            int flips = 1 + random.nextInt(20);
            for (int k = 0; k < flips; k++) {
                b[19 + random.nextInt(b.length - 19)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                b = Arrays.copyOf(b, 19 + random.nextInt(b.length - 19));
            }
            Files.write(file, b);
            for (String command : new String[] {"histogram", "analyze"}) {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = Main.run(new String[] {command, file.toString()}, new PrintWriter(out), new PrintWriter(err));
                String stderr = err.toString();
                assertThat(code).as("mutation %d, %s: %s", i, command, stderr).isIn(0, 3);
                assertThat(stderr).as("mutation %d, %s", i, command).doesNotContain("internal error")
                        .doesNotContain("out of memory").doesNotContainPattern("(?m)^\\s+at ");
                if (code == 3) {
                    assertThat(stderr.strip().lines().count()).as("one line: %s", stderr).isEqualTo(1);
                }
                codes[code]++;
            }
        }
        assertThat(codes[0]).as("some damaged dumps are still analysed").isPositive();
    }
}
