package io.mapleak.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/** User ids and names for messages and permission checks: {@code /proc/self/status} and {@code /etc/passwd}. */
final class Users {
    static final int ROOT = 0;

    private Users() {
    }

    /** mapleak's own effective user id (Linux), if known. */
    static OptionalInt current() {
        return TargetProcess.probe(ProcessHandle.current().pid()).uid();
    }

    /** The name of {@code uid} in {@code /etc/passwd}, else {@code uid 1234}. Reads one small file. */
    static String name(int uid) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8);
            for (String line : lines) {
                String[] f = line.split(":", -1);
                if (f.length > 2 && f[2].equals(Integer.toString(uid))) {
                    return f[0];
                }
            }
        } catch (IOException e) {
            // no passwd file (a minimal container): the number says it
        }
        return "uid " + uid;
    }

    /** {@code 'app' (uid 1001)}, or {@code uid 1001} when the name is not known. */
    static String describe(int uid) {
        String name = name(uid);
        return name.startsWith("uid ") ? name : "'" + name + "' (uid " + uid + ")";
    }
}
