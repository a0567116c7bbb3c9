package io.mapleak.triage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A class-data-sharing archive of the classes a child JVM loads (JDK 13+ dynamic CDS), kept in
 * {@code OUT/.cache/}: the first child of a job that finds none writes it as it exits, every later child maps it
 * instead of loading and verifying some 2,000 classes again, which takes about a second of CPU off each dump's
 * start (docs/PERFORMANCE.md). The archive's name holds a hash of the JDK and of the class path's files (their
 * size and time), so a new mapleak jar or another JDK makes a new one; a JVM that cannot use an archive says so in
 * its log and runs without it.
 */
final class ClassArchive {
    private final Path file;
    private volatile boolean enabled;

    private ClassArchive(Path file, boolean enabled) {
        this.file = file;
        this.enabled = enabled;
    }

    /**
     * The archive for children of {@code launcher}, in {@code dir}; none unless the class path is one jar that names
     * no other (mapleak's own jar): the JDK archives no class path with a directory in it, and JDK 17 refuses to
     * start when asked to.
     */
    static ClassArchive in(Path dir, ChildAnalysis.Launcher launcher) {
        return new ClassArchive(dir.resolve("child-" + key(launcher) + ".jsa"), selfContainedJar(launcher.classPath()));
    }

    /** The JVM options for a child working in {@code work}: map the archive, or write it there at exit. */
    List<String> options(Path work) {
        if (!enabled) {
            return List.of();
        }
        return Files.isRegularFile(file) ? List.of("-XX:SharedArchiveFile=" + file)
                : List.of("-XX:ArchiveClassesAtExit=" + written(work));
    }

    /** Whether {@link #options} asks the child to write the archive. */
    boolean writes(List<String> options) {
        return !options.isEmpty() && options.get(0).startsWith("-XX:ArchiveClassesAtExit=");
    }

    /** No archive from now on: a JVM refused to write one. */
    void disable() {
        enabled = false;
    }

    private static boolean selfContainedJar(String classPath) {
        Path jar = Path.of(classPath);
        if (classPath.contains(java.io.File.pathSeparator) || !classPath.endsWith(".jar") || !Files.isRegularFile(jar)) {
            return false;
        }
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest m = j.getManifest();
            return m == null || m.getMainAttributes().getValue(java.util.jar.Attributes.Name.CLASS_PATH) == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** After a child: an archive it wrote is put in place for the next ones (renamed whole). */
    void keep(Path work) {
        Path made = written(work);
        if (!Files.isRegularFile(made)) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Files.move(made, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the next child writes one again; nothing else depends on it
        }
    }

    private static Path written(Path work) {
        return work.resolve("classes.jsa");
    }

    private static String key(ChildAnalysis.Launcher launcher) {
        StringBuilder what = new StringBuilder(launcher.java() + "\n" + System.getProperty("java.vm.version") + "\n");
        for (String entry : launcher.classPath().split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            what.append(entry).append('\n');
            try {
                if (Files.isRegularFile(p)) {
                    what.append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).toMillis()).append('\n');
                }
            } catch (IOException e) {
                // a missing entry is part of what the class path is
            }
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(what.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
