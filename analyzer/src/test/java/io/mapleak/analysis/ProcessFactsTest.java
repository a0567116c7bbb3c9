package io.mapleak.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What growth needs of each dump's analysis: the process that wrote it (its command, Java home, per-run salt) and
 * its max heap, read from JDK statics; and the instances GC roots reach per class name. On the fixture JVMs, which
 * run with {@code -Xmx512m} and no {@code -XX:MaxDirectMemorySize}.
 */
class ProcessFactsTest {

    @ParameterizedTest
    @EnumSource(value = Jvm.class, names = {"JDK17", "JDK25"})
    void theProcessAndItsMaxHeapAreReadFromTheDump(Jvm jvm) throws IOException {
        FixtureDump dump = FixtureDumps.get(jvm, "session-registry");
        AnalysisResult r = Analysis.run(dump.hprof(), AnalysisOptions.defaults(), AnalysisListener.QUIET);
        AnalysisResult.JvmProcess p = r.dump().process();
        assertThat(p.maxHeapBytes()).as("-Xmx512m, as Runtime.maxMemory() reports it with G1").isEqualTo(512L << 20);
        assertThat(p.maxHeapFrom()).startsWith("jdk.internal.misc.VM.directMemory: Runtime.maxMemory()");
        assertThat(p.runId()).matches("0x[0-9a-f]+");
        assertThat(p.properties().get("sun.java.command"))
                .startsWith("io.mapleak.fixtures.FixtureMain session-registry ");
        assertThat(p.properties().get("java.home")).isEqualTo(jvm.home().orElseThrow().toRealPath().toString());
        assertThat(p.properties().keySet()).isSubsetOf(ProcessFacts.PROPERTIES);

        List<AnalysisResult.ClassRow> rows = r.classes().byInstances();
        assertThat(rows).hasSizeLessThanOrEqualTo(AnalysisResult.Classes.BY_INSTANCES_ROWS)
                .isSortedAccordingTo((a, b) -> Long.compare(b.instances(), a.instances()));
        assertThat(rows).filteredOn(c -> c.name().equals(dump.factString("values.class"))).singleElement()
                .satisfies(c -> assertThat(c.instances()).isEqualTo(dump.fact("values.count")));
    }

    @ParameterizedTest
    @EnumSource(value = Jvm.class, names = {"JDK17"})
    void redactionKeepsTheMainClassOfTheCommandOnly(Jvm jvm) throws IOException {
        FixtureDump dump = FixtureDumps.get(jvm, "session-registry");
        AnalysisResult r = Analysis.run(dump.hprof(), AnalysisOptions.defaults().withRedact(true),
                AnalysisListener.QUIET);
        assertThat(r.dump().process().properties().get("sun.java.command"))
                .isEqualTo("io.mapleak.fixtures.FixtureMain (arguments redacted)");
    }
}
