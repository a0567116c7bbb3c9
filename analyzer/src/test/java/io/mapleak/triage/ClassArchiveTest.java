package io.mapleak.triage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The children's class-data archive is used only where the JDK can make one: a class path of one jar that names no
 * other (mapleak's own), written by the first child and mapped by the later ones; a class path with directories (a
 * build's, a test run's) gets no archive options at all, since JDK 17 refuses to start when asked to archive it.
 */
class ClassArchiveTest {
    @TempDir
    Path dir;

    private Path jar(String name, String classPath) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return jar;
    }

    private static ChildAnalysis.Launcher launcher(String classPath) {
        return new ChildAnalysis.Launcher(Path.of("java"), classPath, "Main");
    }

    @Test
    void theFirstChildOfASelfContainedJarWritesTheArchiveAndTheNextOnesMapIt() throws Exception {
        ClassArchive archive = ClassArchive.in(dir.resolve("cache"), launcher(jar("mapleak.jar", null).toString()));
        Path work = Files.createDirectories(dir.resolve("work"));
        assertThat(archive.options(work)).containsExactly("-XX:ArchiveClassesAtExit=" + work.resolve("classes.jsa"));
        assertThat(archive.writes(archive.options(work))).isTrue();

        Files.writeString(work.resolve("classes.jsa"), "an archive");
        archive.keep(work);
        assertThat(work.resolve("classes.jsa")).doesNotExist();
        assertThat(archive.options(work)).singleElement().asString().startsWith("-XX:SharedArchiveFile=" + dir
                .resolve("cache").resolve("child-")).endsWith(".jsa");
        assertThat(archive.writes(archive.options(work))).isFalse();

        archive.disable();
        assertThat(archive.options(work)).isEmpty();
    }

    @Test
    void classPathsWithDirectoriesOrOtherJarsGetNoArchive() throws Exception {
        Path work = dir.resolve("work");
        for (String classPath : new String[] {dir.toString(), jar("a.jar", null) + java.io.File.pathSeparator
                + jar("b.jar", null), jar("booter.jar", "classes/ lib.jar").toString()}) {
            assertThat(ClassArchive.in(dir.resolve("cache"), launcher(classPath)).options(work)).as(classPath).isEmpty();
        }
    }
}
