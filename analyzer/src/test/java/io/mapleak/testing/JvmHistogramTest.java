package io.mapleak.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mapleak.testing.JvmHistogram.Row;
import org.junit.jupiter.api.Test;

class JvmHistogramTest {

    // Lines as JDK 17 prints them, trimmed to a few classes; the two ZooTwin rows are one name from two loaders.
    private static final String SAMPLE = String.join("\n",
            " num     #instances         #bytes  class name (module)",
            "-------------------------------------------------------",
            "   1:         15689         897568  [B (java.base@17.0.15)",
            "   2:         13823         331752  java.lang.String (java.base@17.0.15)",
            "   3:          1857         132368  [Ljava.lang.Object; (java.base@17.0.15)",
            "   4:           639          40648  [I (java.base@17.0.15)",
            "   5:            60           1920  io.mapleak.fixtures.scenario.ZooTwin",
            "   6:            50           1600  io.mapleak.fixtures.scenario.ZooTwin",
            "   7:             1             56  [[I (java.base@17.0.15)",
            "   8:             1            120  [[Ljava.lang.String; (java.base@17.0.15)",
            "   9:             3             72  java.lang.invoke.LambdaForm$MH/0x0000000800c04000 (java.base@17.0.15)",
            "  10:             7            112  java.util.regex.Pattern$CharPredicate$$Lambda$21/0x80000002d (java.base@17.0.15)",
            "  11:             2             48  [Ljava.util.HashMap$Node; (java.base@17.0.15)",
            "Total         32132        1405000",
            "");

    @Test
    void arrayDescriptorsBecomeJavaSourceNames() {
        JvmHistogram h = JvmHistogram.parse(SAMPLE);

        assertThat(h.byName()).containsKeys("byte[]", "int[]", "int[][]", "java.lang.Object[]",
                "java.lang.String[][]", "java.util.HashMap$Node[]");
        assertThat(h.byName().get("byte[]")).isEqualTo(new Row("byte[]", 15689, 897568, "java.base@17.0.15"));
        assertThat(h.byName().get("java.lang.String[][]").bytes()).isEqualTo(120);
    }

    @Test
    void everyPrimitiveDescriptorHasItsSourceName() {
        assertThat(JvmHistogram.sourceName("[Z")).isEqualTo("boolean[]");
        assertThat(JvmHistogram.sourceName("[B")).isEqualTo("byte[]");
        assertThat(JvmHistogram.sourceName("[C")).isEqualTo("char[]");
        assertThat(JvmHistogram.sourceName("[S")).isEqualTo("short[]");
        assertThat(JvmHistogram.sourceName("[I")).isEqualTo("int[]");
        assertThat(JvmHistogram.sourceName("[F")).isEqualTo("float[]");
        assertThat(JvmHistogram.sourceName("[J")).isEqualTo("long[]");
        assertThat(JvmHistogram.sourceName("[[[D")).isEqualTo("double[][][]");
        assertThat(JvmHistogram.sourceName("java.lang.String")).isEqualTo("java.lang.String");
    }

    @Test
    void hiddenClassNamesStayAsPrinted() {
        JvmHistogram h = JvmHistogram.parse(SAMPLE);

        assertThat(h.instances("java.lang.invoke.LambdaForm$MH/0x0000000800c04000")).isEqualTo(3);
        assertThat(h.instances("java.util.regex.Pattern$CharPredicate$$Lambda$21/0x80000002d")).isEqualTo(7);
    }

    @Test
    void classesOfOneNameFromTwoLoadersAreAddedTogether() {
        JvmHistogram h = JvmHistogram.parse(SAMPLE);

        assertThat(h.byName().get("io.mapleak.fixtures.scenario.ZooTwin"))
                .isEqualTo(new Row("io.mapleak.fixtures.scenario.ZooTwin", 110, 3520, ""));
        assertThat(h.rows()).filteredOn(r -> r.name().endsWith("ZooTwin")).hasSize(2);
        assertThat(h.rows()).hasSize(11);
        assertThat(h.byName()).hasSize(10);
    }

    @Test
    void totalsComeFromTheTotalLine() {
        JvmHistogram h = JvmHistogram.parse(SAMPLE);

        assertThat(h.totalInstances()).isEqualTo(32132);
        assertThat(h.totalBytes()).isEqualTo(1405000);
    }

    @Test
    void aClassTheJvmDidNotListHasNoInstances() {
        JvmHistogram h = JvmHistogram.parse(SAMPLE);

        assertThat(h.instances("java.util.HashMap")).isZero();
        assertThat(h.bytes("java.util.HashMap")).isZero();
    }

    @Test
    void windowsLineEndingsParseTheSame() {
        JvmHistogram h = JvmHistogram.parse(SAMPLE.replace("\n", "\r\n"));

        assertThat(h.byName()).isEqualTo(JvmHistogram.parse(SAMPLE).byName());
    }

    @Test
    void aLineThatIsNotPartOfAHistogramIsAnError() {
        String text = SAMPLE.replace("   4:", "oops 4:");

        assertThatThrownBy(() -> JvmHistogram.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 6");
    }

    @Test
    void aHistogramCutShortIsAnError() {
        String text = SAMPLE.substring(0, SAMPLE.indexOf("Total"));

        assertThatThrownBy(() -> JvmHistogram.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no Total line");
    }
}
