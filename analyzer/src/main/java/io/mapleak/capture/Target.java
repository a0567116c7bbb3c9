package io.mapleak.capture;

/**
 * The JVM a dump is taken from, as it describes itself over the attach connection.
 *
 * @param pid         its process id
 * @param mainClass   the program's name for file names ({@link DumpName#mainClass})
 * @param javaVersion its {@code java.version}, such as {@code 17.0.15} or {@code 25.0.3}
 * @param javaHome    its {@code java.home}
 * @param user        its {@code user.name}
 */
public record Target(long pid, String mainClass, String javaVersion, String javaHome, String user) {

    /** The feature release it runs ({@code 17}, {@code 25}; {@code 8} for {@code 1.8.0_392}), or 0 if unreadable. */
    public int feature() {
        return JavaHomes.feature(javaVersion);
    }
}
