package io.mapleak.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GC.heap_info} as JDK 17 and 25 print it for each collector (files saved from real JVMs, -Xmx64m). */
class HeapInfoTest {
    private static final long K = 1024;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // one heap line: G1, ZGC, Shenandoah's "N used"
        "jdk17-g1,         3517",
        "jdk25-g1,         4238",
        "jdk17-z,          4096",
        "jdk25-z,          4096",
        "jdk17-shenandoah, 3577",
        "jdk25-shenandoah, 4352",
        // one line per generation, added up; the spaces below them (eden 20% used...) are not counted again
        "jdk17-serial,     3570",
        "jdk25-serial,     4691",
        "jdk17-parallel,   3663",
        "jdk25-parallel,   4501",
    })
    void usedHeapIsReadForEveryCollector(String file, long expectedKilobytes) throws IOException {
        assertThat(HeapInfo.usedBytes(read(file))).hasValue(expectedKilobytes * K);
    }

    @Test
    void epsilonSaysOnlyAPercentageOfItsSpace() throws IOException {
        assertThat(HeapInfo.usedBytes(read("jdk17-epsilon"))).hasValue(65536 * K / 100 * 4);
        assertThat(HeapInfo.usedBytes(read("jdk25-epsilon"))).hasValue(65536 * K / 100 * 5);
    }

    @Test
    void metaspaceIsNotHeap() {
        String metaspaceOnly = " Metaspace       used 3258K, committed 3392K, reserved 1114112K\n"
                + "  class space    used 374K, committed 448K, reserved 1048576K\n";

        assertThat(HeapInfo.usedBytes(metaspaceOnly)).isEmpty();
    }

    @Test
    void unknownWordingIsNoNumberRatherThanAWrongOne() {
        assertThat(HeapInfo.usedBytes("Some Future Heap\n  42 regions, all in use\n")).isEmpty();
        assertThat(HeapInfo.usedBytes("")).isEmpty();
    }

    private static String read(String name) throws IOException {
        try (InputStream in = HeapInfoTest.class.getResourceAsStream("/capture/heap-info/" + name + ".txt")) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
