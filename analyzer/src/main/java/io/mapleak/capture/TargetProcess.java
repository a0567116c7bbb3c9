package io.mapleak.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * What the operating system says about a process before mapleak attaches to it: whether it exists, who runs it,
 * and whether it runs a HotSpot JVM. On Linux it reads {@code /proc/PID/status}, {@code cmdline} and {@code maps}
 * (a few hundred KB at most); elsewhere it knows only whether the process exists and leaves the rest to the
 * Attach API.
 *
 * <p>Why look before attaching: to a process that is no JVM, the Attach API sends {@code SIGQUIT}, which kills
 * most programs (and makes some, such as PostgreSQL, shut down), and then waits ten seconds for an answer.
 *
 * @param pid       the process id
 * @param state     whether it exists and runs
 * @param name      the program's name ({@code comm}), or "" when unknown
 * @param uid       the effective user id, when known
 * @param gids      its effective group and supplementary groups (empty when unknown)
 * @param kind      what it runs, as far as its memory map tells
 * @param javaHome  the home of the JVM it runs (from where {@code libjvm.so} was loaded), when known
 * @param arguments its command line, when readable
 */
public record TargetProcess(long pid, State state, String name, OptionalInt uid, List<Integer> gids, Kind kind,
        Optional<Path> javaHome, List<String> arguments) {

    /** Whether the process exists and runs. */
    public enum State { RUNNING, EXITED, NO_SUCH_PROCESS }

    /** What the process runs. */
    public enum Kind {
        /** libjvm.so is mapped and no OpenJ9 library is: a HotSpot JVM (OpenJDK, Temurin, Oracle, Zulu...). */
        HOTSPOT,
        /** An Eclipse OpenJ9 JVM: it has no {@code GC.heap_dump} and writes PHD dumps, not HPROF. */
        OPENJ9,
        /** No JVM library is mapped. */
        NOT_A_JVM,
        /** Its memory map is not readable (another user's process) or this is not Linux. */
        UNKNOWN
    }

    private static final Path PROC = Path.of("/proc");

    public TargetProcess {
        gids = List.copyOf(gids);
        arguments = List.copyOf(arguments);
    }

    /** Looks at process {@code pid}; never attaches and never signals it. */
    public static TargetProcess probe(long pid) {
        Path dir = PROC.resolve(Long.toString(pid));
        if (!Files.isDirectory(PROC.resolve("self"))) {
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return new TargetProcess(pid, alive ? State.RUNNING : State.NO_SUCH_PROCESS, "", OptionalInt.empty(),
                    List.of(), Kind.UNKNOWN, Optional.empty(), List.of());
        }
        List<String> status;
        try {
            status = Files.readAllLines(dir.resolve("status"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new TargetProcess(pid, State.NO_SUCH_PROCESS, "", OptionalInt.empty(), List.of(), Kind.UNKNOWN,
                    Optional.empty(), List.of());
        } catch (IOException e) {
            // it exited between the directory check and the read (ESRCH), or /proc is unusual
            return new TargetProcess(pid, Files.isDirectory(dir) ? State.RUNNING : State.NO_SUCH_PROCESS, "",
                    OptionalInt.empty(), List.of(), Kind.UNKNOWN, Optional.empty(), List.of());
        }
        String name = field(status, "Name:").orElse("");
        // A zombie has exited; its parent has not collected its exit status yet.
        State state = field(status, "State:").filter(s -> s.startsWith("Z") || s.startsWith("X")).isPresent()
                ? State.EXITED : State.RUNNING;
        OptionalInt uid = nth(field(status, "Uid:"), 1);
        List<Integer> gids = new ArrayList<>();
        nth(field(status, "Gid:"), 1).ifPresent(gids::add);
        field(status, "Groups:").ifPresent(g -> {
            for (String s : g.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    gids.add(Integer.parseInt(s));
                }
            }
        });
        Kind kind = Kind.UNKNOWN;
        Optional<Path> home = Optional.empty();
        if (state == State.RUNNING) {
            try (Stream<String> maps = Files.lines(dir.resolve("maps"), StandardCharsets.UTF_8)) {
                kind = Kind.NOT_A_JVM;
                for (String line : (Iterable<String>) maps::iterator) {
                    int slash = line.indexOf('/');
                    if (slash < 0) {
                        continue;
                    }
                    String file = line.substring(slash);
                    if (file.contains("/libj9vm")) {
                        kind = Kind.OPENJ9;
                        break;
                    }
                    if (file.endsWith("/libjvm.so") && kind == Kind.NOT_A_JVM) {
                        kind = Kind.HOTSPOT;
                        home = homeOfLibjvm(Path.of(file));
                    }
                }
            } catch (AccessDeniedException e) {
                kind = Kind.UNKNOWN; // another user's process: only its owner (and root) may read its map
            } catch (IOException | UncheckedIOException e) {
                kind = Kind.UNKNOWN; // EACCES surfaces as a plain IOException on some kernels, or it just exited
            }
        }
        return new TargetProcess(pid, state, name, uid, gids, kind, home, arguments(dir));
    }

    /** Whether the process is mapleak's own: the Attach API refuses to attach a JVM to itself. */
    public boolean isThisProcess() {
        return pid == ProcessHandle.current().pid();
    }

    /** The user name of {@link #uid}, from {@code /etc/passwd}, else the number; "" when the uid is unknown. */
    public String userName() {
        return uid.isPresent() ? Users.name(uid.getAsInt()) : "";
    }

    /** {@code process 123 (java)}, for messages. */
    public String describe() {
        return "process " + pid + (name.isEmpty() ? "" : " (" + name + ")");
    }

    private static List<String> arguments(Path dir) {
        try {
            byte[] bytes = Files.readAllBytes(dir.resolve("cmdline"));
            List<String> args = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    args.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return args;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** {@code HOME/lib/server/libjvm.so} (JDK 9+) or {@code HOME/jre/lib/amd64/server/libjvm.so} (JDK 8). */
    private static Optional<Path> homeOfLibjvm(Path libjvm) {
        for (Path p = libjvm.getParent(); p != null; p = p.getParent()) {
            if (p.getFileName() != null && p.getFileName().toString().equals("lib")) {
                Path home = p.getParent();
                if (home != null && home.getFileName() != null && home.getFileName().toString().equals("jre")
                        && Files.isDirectory(home.getParent().resolve("bin"))) {
                    return Optional.of(home.getParent());
                }
                return Optional.ofNullable(home);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> field(List<String> status, String key) {
        for (String line : status) {
            if (line.startsWith(key)) {
                return Optional.of(line.substring(key.length()).trim());
            }
        }
        return Optional.empty();
    }

    /** Field {@code index} of a whitespace-separated number list such as {@code Uid: real effective saved fs}. */
    private static OptionalInt nth(Optional<String> value, int index) {
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        String[] parts = value.get().split("\\s+");
        try {
            return parts.length > index ? OptionalInt.of(Integer.parseInt(parts[index])) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
