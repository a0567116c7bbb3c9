package io.mapleak.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FixtureDumpsTest {

    @ParameterizedTest
    @EnumSource(Jvm.class)
    void smokeDumpIsAnHprofFileWithTheJvmsOwnHistogram(Jvm jvm) throws IOException {
        FixtureDump dump = FixtureDumps.get(jvm, "smoke");

        byte[] header = new byte[19];
        try (InputStream in = Files.newInputStream(dump.hprof())) {
            assertThat(in.readNBytes(header, 0, header.length)).isEqualTo(header.length);
        }
        assertThat(new String(header, StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE 1.0.2\0");
        assertThat(dump.before().instances("java.util.HashMap$Node")).isGreaterThanOrEqualTo(1000);
        assertThat(dump.before().instances("byte[]")).isGreaterThanOrEqualTo(1000);
        assertThat(dump.fact("cache.size")).isEqualTo(1000);
        assertThat(dump.factString("java.version")).startsWith(jvm.featureVersion() + ".");
    }

    /** Pins the zoo's own contract: every {@code count.KEY} fact is exactly the JVM's count, before and after. */
    @ParameterizedTest
    @EnumSource(Jvm.class)
    void layoutZooCountsAreExactlyWhatTheJvmCounted(Jvm jvm) {
        FixtureDump dump = FixtureDumps.get(jvm, "layout-zoo");

        SoftAssertions softly = new SoftAssertions();
        int exact = 0;
        for (Map.Entry<String, String> fact : dump.facts().entrySet()) {
            String key = fact.getKey();
            if (key.startsWith("count.")) {
                String cls = dump.factString("class." + key.substring("count.".length()));
                long expected = Long.parseLong(fact.getValue());
                softly.assertThat(dump.before().instances(cls)).as("%s before the dump", cls).isEqualTo(expected);
                softly.assertThat(dump.after().instances(cls)).as("%s after the dump", cls).isEqualTo(expected);
                exact++;
            } else if (key.startsWith("created.")) {
                String cls = key.substring("created.".length());
                long atLeast = Long.parseLong(fact.getValue());
                softly.assertThat(dump.before().instances(cls)).as(cls).isGreaterThanOrEqualTo(atLeast);
            }
        }
        softly.assertAll();
        assertThat(exact).as("classes counted exactly").isGreaterThanOrEqualTo(50);
        assertThat(dump.fact("loaders")).isEqualTo(2);
        assertThat(dump.before().rows()).filteredOn(r -> r.name().equals(dump.factString("class.ZooTwin")))
                .as("one name, two classes").hasSize(2);
        assertThat(dump.factString("thread.name")).isEqualTo("zoo-worker");
    }

    /** Shows that each configuration's flags reached its JVM: the sizes it measured differ as the flags say. */
    @ParameterizedTest
    @EnumSource(Jvm.class)
    void layoutFlagsReachTheFixtureJvm(Jvm jvm) {
        FixtureDump dump = FixtureDumps.get(jvm, "layout-zoo");

        long emptyObject = bytesPerInstance(dump, "Empty");
        long oneReference = bytesPerInstance(dump, "OnlyRef");
        switch (jvm) {
            case JDK17, JDK25 -> {
                assertThat(emptyObject).isEqualTo(16);  // 12-byte header, aligned
                assertThat(oneReference).isEqualTo(16); // 12 + 4-byte compressed reference
            }
            case JDK17_NO_COOPS -> {
                assertThat(emptyObject).isEqualTo(16);
                assertThat(oneReference).isEqualTo(24); // 16-byte header + 8-byte reference
            }
            case JDK25_COMPACT -> {
                assertThat(emptyObject).isEqualTo(8);   // 8-byte compact header
                assertThat(oneReference).isEqualTo(16);
            }
        }
    }

    @Test
    void eachDumpIsMadeOncePerRunEvenForConcurrentCallers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<FixtureDump>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit(() -> FixtureDumps.get(Jvm.JDK17, "smoke")));
            }
            FixtureDump first = calls.get(0).get();
            for (Future<FixtureDump> call : calls) {
                assertThat(call.get()).isSameAs(first);
            }
            assertThat(FixtureDumps.get(Jvm.JDK17, "smoke")).isSameAs(first);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Shows that the Sizes agent reached the fixture JVM: every holder's retained size is a positive number, and its
     * shallow size, measured by {@code Instrumentation.getObjectSize}, is what the JVM's own histogram says.
     */
    @Test
    void retainedSizesFactsArePositiveAndAgreeWithTheJvmsHistogram() {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "retained-sizes");

        List<String> holders = dump.facts().keySet().stream()
                .filter(k -> k.startsWith("retained."))
                .map(k -> k.substring("retained.".length()))
                .toList();
        assertThat(holders).containsExactlyInAnyOrder(
                "HolderMap", "HolderTree", "HolderArray", "HolderGraph", "HolderSharedA", "HolderSharedB");
        SoftAssertions softly = new SoftAssertions();
        for (String holder : holders) {
            long shallow = dump.fact("shallow." + holder);
            JvmHistogram.Row row = dump.before().byName().get(dump.factString("class." + holder));
            softly.assertThat(row).as(holder).isNotNull();
            if (row != null) {
                softly.assertThat(row.instances()).as("%s instances", holder).isEqualTo(1);
                softly.assertThat(row.bytes()).as("%s bytes in the histogram", holder).isEqualTo(shallow);
            }
            softly.assertThat(shallow).as("shallow.%s", holder).isPositive();
            softly.assertThat(dump.fact("retained." + holder)).as("retained.%s", holder).isGreaterThan(shallow);
        }
        softly.assertAll();
        assertThat(dump.fact("shared.size")).isPositive();
        for (String sharer : List.of("HolderSharedA", "HolderSharedB")) {
            assertThat(dump.fact("reachable." + sharer))
                    .as("%s reaches the shared blob but does not retain it", sharer)
                    .isEqualTo(dump.fact("retained." + sharer) + dump.fact("shared.size"));
        }
        // 1000 entries of at least a 32-byte node, a 24-byte key string and its value array, and a value array
        assertThat(dump.fact("retained.HolderMap")).isGreaterThan(1000L * (32 + 24 + 24 + 32));
    }

    private static long bytesPerInstance(FixtureDump dump, String key) {
        JvmHistogram.Row row = dump.before().byName().get(dump.factString("class." + key));
        assertThat(row).as(key).isNotNull();
        assertThat(row.bytes() % row.instances()).as("%s: every instance the same size", key).isZero();
        return row.bytes() / row.instances();
    }
}
