package io.mapleak.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdkLocatorTest {

    @TempDir
    Path tmp;

    @Test
    void featureVersionIsTheFirstNumberOrTheSecondOfA1xVersion() {
        assertThat(JdkLocator.featureOf("25.0.3")).hasValue(25);
        assertThat(JdkLocator.featureOf("17.0.15")).hasValue(17);
        assertThat(JdkLocator.featureOf("25-ea")).hasValue(25);
        assertThat(JdkLocator.featureOf("21")).hasValue(21);
        assertThat(JdkLocator.featureOf("1.8.0_292")).hasValue(8);
        assertThat(JdkLocator.featureOf("unknown")).isEmpty();
    }

    @Test
    void explicitVariableWinsOverEverythingElse() throws IOException {
        Path jdk = fakeJdk("mine", "25.0.1");
        Path other = fakeJdk("other", "25.0.9");

        assertThat(JdkLocator.find(25, Map.of("MAPLEAK_JDK25", jdk.toString(), "JAVA_HOME_25_X64", other.toString()),
                tmp.resolve("no-jdk"), tmp)).contains(jdk);
    }

    @Test
    void explicitVariableNamingSomethingElseIsAnErrorNotAFallback() throws IOException {
        Path jdk17 = fakeJdk("seventeen", "17.0.2");

        assertThatThrownBy(() -> JdkLocator.find(25, Map.of("MAPLEAK_JDK25", jdk17.toString()), tmp, tmp))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MAPLEAK_JDK25");
    }

    @Test
    void explicitNoneMeansNotInstalled() throws IOException {
        Path jdk = fakeJdk("present", "25.0.1");

        assertThat(JdkLocator.find(25, Map.of("MAPLEAK_JDK25", "none", "JAVA_HOME_25_X64", jdk.toString()), jdk, tmp))
                .isEmpty();
    }

    @Test
    void ciStyleVariableIsUsedWhenItNamesTheRightVersion() throws IOException {
        Path wrong = fakeJdk("wrong", "21.0.1");
        Path right = fakeJdk("right", "25.0.2");

        assertThat(JdkLocator.find(25, Map.of("JAVA_HOME_25_X64", right.toString(), "JAVA_HOME_21_X64", wrong.toString()),
                tmp.resolve("no-jdk"), tmp)).contains(right);
    }

    @Test
    void aDirectoryWithoutTheLauncherIsNotAJdk() throws IOException {
        Path jdk = fakeJdk("jre-less", "25.0.1");
        Files.delete(JdkLocator.javaIn(jdk));

        assertThat(JdkLocator.featureOf(jdk)).isEmpty();
    }

    @Test
    void theRunningJdkIsFound() {
        int running = Runtime.version().feature();

        assertThat(JdkLocator.find(running)).isPresent()
                .hasValueSatisfying(home -> assertThat(JdkLocator.featureOf(home)).hasValue(running));
    }

    private Path fakeJdk(String name, String version) throws IOException {
        Path home = tmp.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(JdkLocator.javaIn(home), "");
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
}
