package io.mapleak.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DiskSpaceTest {
    private static final long MB = 1 << 20;

    @Test
    void plainDumpNeedsTheHeapInUse() {
        assertThat(new DiskSpace(100 * MB, 100 * MB, false).enough()).isTrue();
        assertThat(new DiskSpace(100 * MB - 1, 100 * MB, false).enough()).isFalse();
    }

    @Test
    void gzippedDumpNeedsHalfOfIt() {
        assertThat(new DiskSpace(50 * MB, 100 * MB, true).neededBytes()).isEqualTo(50 * MB);
        assertThat(new DiskSpace(50 * MB, 100 * MB, true).enough()).isTrue();
        assertThat(new DiskSpace(50 * MB - 1, 100 * MB, true).enough()).isFalse();
    }

    @Test
    void shortfallSaysWhereHowMuchAndWhatToDo() {
        String line = new DiskSpace(MB, 300 * MB, false).shortfall(Path.of("/dumps"), 4711);

        assertThat(line).contains("/dumps has 1.0 MB free").contains("process 4711 uses 300 MB of heap")
                .contains("-o").contains("--no-disk-check").doesNotContain("\n");
    }
}
