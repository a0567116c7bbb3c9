package io.mapleak.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether standard error is a terminal, so progress is shown to people and kept out of logs and pipes. */
final class Terminal {
    private Terminal() {
    }

    static boolean stderrIsTerminal() {
        if (System.getenv("MAPLEAK_PROGRESS") != null) {
            return !"0".equals(System.getenv("MAPLEAK_PROGRESS"));
        }
        try {
            Path fd2 = Path.of("/proc/self/fd/2");
            if (Files.exists(fd2)) {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (Exception e) {
            // not Linux: fall through
        }
        return System.console() != null;
    }
}
