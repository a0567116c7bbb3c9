package io.mapleak.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DumpNameTest {

    @Test
    void fileNameSaysProgramPidAndUtcTimeInBasicIsoFormat() {
        Instant at = Instant.parse("2026-12-05T11:49:51.987Z");

        assertThat(DumpName.fileName("Shop", 4711, at, false)).isEqualTo("Shop-4711-20261205T114951Z.hprof");
        assertThat(DumpName.fileName("Shop", 4711, at, true)).isEqualTo("Shop-4711-20261205T114951Z.hprof.gz");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "com.acme.shop.Shop --port 8080                      | Shop",
        "Shop                                                | Shop",
        "/opt/shop/shop-1.2.jar --port 8080                  | shop-1.2",
        "shop.jar                                            | shop",
        "/opt/my app/Shop Service.JAR --spring.profiles=prod | Shop_Service",
        "./build/libs/app.jar                                | app",
        "com.acme.shop/com.acme.shop.Main                    | Main",
        "com.sun.tools.javac.launcher.Main Tool.java arg     | Tool",
        "com.sun.tools.javac.launcher.SourceLauncher /src/Hello.java | Hello",
        "com.acme.Outer$Main                                 | Outer_Main",
        "org.apache.catalina.startup.Bootstrap start         | Bootstrap",
        "''                                                  | jvm",
    })
    void mainClassIsTheSimpleNameOrTheJarName(String command, String expected) {
        assertThat(DumpName.mainClass(command)).isEqualTo(expected);
    }

    @Test
    void missingCommandNamesTheDumpJvm() {
        assertThat(DumpName.mainClass(null)).isEqualTo("jvm");
    }

    @Test
    void namesAreSafeForEveryFileSystemAndShort() {
        assertThat(DumpName.sanitise("../../etc/passwd")).isEqualTo("_._.._etc_passwd");
        assertThat(DumpName.sanitise("-rf")).isEqualTo("_rf");
        assertThat(DumpName.sanitise("Ünïcødé:*?")).isEqualTo("_n_c_d____");
        assertThat(DumpName.sanitise("$$$")).isEqualTo("jvm");
        assertThat(DumpName.sanitise("A".repeat(300))).hasSize(DumpName.MAX_MAIN_LENGTH);
    }

    @Test
    void commandLineGivesTheProgramWhenTheJvmCannotBeAsked() {
        assertThat(DumpName.fromArguments(List.of("/usr/bin/java", "-Xmx1g", "-cp", "a.jar:b.jar",
                "-Dx=y", "com.acme.Shop", "--port", "80"))).isEqualTo("Shop");
        assertThat(DumpName.fromArguments(List.of("java", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-jar", "/opt/shop.jar"))).isEqualTo("shop");
        assertThat(DumpName.fromArguments(List.of("java", "-p", "mods", "-m", "shop/com.acme.Shop")))
                .isEqualTo("Shop");
        assertThat(DumpName.fromArguments(List.of("java", "-version"))).isEqualTo("jvm");
        assertThat(DumpName.fromArguments(List.of())).isEqualTo("jvm");
    }
}
