package io.mapleak.triage;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.cli.CompilerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The JIT options a child analysis gets, and that the JVM takes them. */
class ChildAnalysisTest {
    @Test
    void smallDumpsAreAnalysedWithC1AloneLargerOnesWithTheLaunchersCompilerOptions() {
        assertThat(ChildAnalysis.compilerOptions(ChildAnalysis.C1_ONLY_BELOW - 1))
                .containsExactly("-XX:TieredStopAtLevel=1");
        assertThat(ChildAnalysis.compilerOptions(ChildAnalysis.C1_ONLY_BELOW)).isEqualTo(CompilerOptions.FOR_DUMPS);
    }

    @Test
    void theJvmStartsWithTheCompilerOptions() throws Exception {
        // A misspelt or removed -XX option stops the JVM before it runs anything: every analysis would fail.
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(CompilerOptions.FOR_DUMPS);
        command.add("-XX:+PrintFlagsFinal");
        command.add("-version");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        // The flags took: the JVM reports each as set on the command line.
        for (String option : CompilerOptions.FOR_DUMPS) {
            String[] nameValue = option.substring("-XX:".length()).split("=");
            assertThat(out).containsPattern("\\b" + nameValue[0] + "\\s+=\\s+" + nameValue[1]
                    + "\\s+\\{[^}]*\\}\\s+\\{command line\\}");
        }
    }
}
