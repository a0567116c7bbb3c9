package io.mapleak.triage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Who holds a claim: one triage job process, named {@code HOST_PID_STARTMILLIS} (the host name reduced to letters,
 * digits, dots and dashes). The name is also the job's work directory under {@code OUT/.work/} and the tag of its
 * temporary files, so anything a job left behind can be traced to it and removed once it is gone.
 *
 * <p>The start time guards against a reused process id: a job on this host is alive when a process with its id
 * exists and started at the same instant. Jobs on other hosts are judged by their run's heartbeat in the store.
 *
 * @param host  this host's name as it appears in {@code id}
 * @param pid   the process id
 * @param start when the process started (epoch milliseconds), or 0 where the platform does not tell
 */
public record Owner(String host, long pid, long start) {

    /** This JVM. */
    public static Owner current() {
        ProcessHandle self = ProcessHandle.current();
        return new Owner(clean(hostName()), self.pid(), startMillis(self).orElse(0L));
    }

    /** The owner an id names, or empty when it is not an owner id. */
    public static Optional<Owner> parse(String id) {
        int b = id.lastIndexOf('_');
        int a = b > 0 ? id.lastIndexOf('_', b - 1) : -1;
        if (a <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Owner(id.substring(0, a), Long.parseLong(id.substring(a + 1, b)),
                    Long.parseLong(id.substring(b + 1))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code HOST_PID_START}: safe as a file name. */
    public String id() {
        return host + "_" + pid + "_" + start;
    }

    /** Whether this owner runs on the same host as {@code other}. */
    public boolean sameHost(Owner other) {
        return host.equals(other.host);
    }

    /**
     * Whether this owner, a job on the current host, is still running: a process with its id that started when it
     * did. Reading a process's start time costs a look at {@code /proc}.
     */
    public boolean isAliveHere() {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        return start == 0 || startMillis(p.get()).map(s -> s == start).orElse(true);
    }

    private static Optional<Long> startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli);
    }

    /** The host's name: {@code HOSTNAME}, else the kernel's (no DNS), else what the resolver says. */
    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException e) {
            // not Linux
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Letters, digits, dots and dashes; the rest become dashes ({@code _} separates the parts of an id). */
    static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-') ? c : '-');
        }
        return b.length() == 0 ? "host" : b.toString();
    }
}
