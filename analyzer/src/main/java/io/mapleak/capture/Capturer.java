package io.mapleak.capture;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes one heap dump of a running HotSpot JVM through the Attach API: the {@code GC.heap_dump} diagnostic command
 * that {@code jcmd PID GC.heap_dump} sends. The target JVM writes the file itself, as its own user and under the
 * absolute path given, and is paused while it does.
 *
 * <p>In order, each failure a {@link CaptureException} of its own {@link Failure}: the process must exist, be a
 * HotSpot JVM and not mapleak itself ({@link TargetProcess}, before anything is sent to it); mapleak's runtime must
 * be able to attach ({@link AttachSupport}); the JVM must accept the attach; the file (and any report to be written
 * beside it) must not exist; the output's file system must have room for the heap in use ({@link DiskSpace},
 * measured with {@code GC.heap_info}); then the JVM writes the dump, and its answer is checked. The JVM opens the
 * file before it pauses, so a directory its user may not write costs it nothing.
 *
 * <p>Holds no state between calls; one instance may take any number of dumps, one at a time per thread.
 */
public final class Capturer {
    private static final Pattern CREATED = Pattern.compile("Heap dump file created \\[(\\d+) bytes");
    private static final Pattern CANNOT_CREATE = Pattern.compile("Unable to create (.*): (.*)");
    private static final Pattern INCOMPLETE = Pattern.compile("Dump file is incomplete: (.*)");
    private static final String NO_SPACE = "No space left on device";
    /** {@code -gz} of {@code GC.heap_dump} came with JDK 15. */
    static final int GZIP_SINCE = 15;

    private final Clock clock;
    private final ToLongFunction<Path> freeSpace;

    /** A capturer that names dumps by {@code clock}'s time and asks the file system for free space. */
    public Capturer(Clock clock) {
        this(clock, Capturer::usableSpace);
    }

    /** For tests: {@code freeSpace} says how many bytes a directory's file system has free. */
    Capturer(Clock clock, ToLongFunction<Path> freeSpace) {
        this.clock = clock;
        this.freeSpace = freeSpace;
    }

    /**
     * Dumps the heap of process {@code pid}. Blocks while the target writes (seconds per GB of heap).
     *
     * @throws CaptureException when the dump could not be taken, with a message that says what to do
     * @throws IOException      when the output directory cannot be created or read
     */
    public HeapDump capture(long pid, Destination destination, CaptureOptions options, DumpListener listener)
            throws CaptureException, IOException {
        Instant at = clock.instant(); // the dump's time in its name: when it was asked for
        if (destination.file().isPresent()) {
            checkNothingExists(destination.file().get(), options); // before anything is asked of the process
        }
        TargetProcess process = TargetProcess.probe(pid);
        checkProcess(process);
        checkAttachSupport(process, destination, options);
        try (AttachedJvm jvm = attach(process)) {
            Target target = describe(process, jvm);
            if (options.gzip() && target.feature() > 0 && target.feature() < GZIP_SINCE) {
                throw new CaptureException(Failure.UNSUPPORTED_OPTION, "--gz needs a JVM of JDK " + GZIP_SINCE
                        + " or later, and process " + pid + " runs Java " + target.javaVersion()
                        + ": dump it without --gz (and gzip the file afterwards)");
            }
            Path file = destination.fileFor(target, at, options.gzip());
            checkNothingExists(file, options);
            OptionalLong used = usedHeap(jvm, target, listener);
            if (options.checkDisk() && used.isPresent()) {
                checkDisk(file.getParent(), used.getAsLong(), options, pid);
            }
            if (!listener.dumping(target, file, used)) {
                throw new CaptureException(Failure.STOPPED, "stopped before process " + pid + " was asked to dump");
            }
            long start = System.nanoTime();
            checkAnswer(writeDump(jvm, pid, file, options), file, process);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (!Files.isRegularFile(file)) {
                throw new CaptureException(Failure.DUMP_FAILED, "process " + pid + " reports writing " + file
                        + ", but mapleak cannot see it; if the process runs in a container, the file is in the "
                        + "container's file system (from here: /proc/" + pid + "/root" + file + ")");
            }
            return new HeapDump(file, Files.size(file), at, took, target, used, options);
        }
    }

    private void checkDisk(Path dir, long usedHeap, CaptureOptions options, long pid) throws CaptureException {
        DiskSpace space = new DiskSpace(freeSpace.applyAsLong(dir), usedHeap, options.gzip());
        if (!space.enough()) {
            throw new CaptureException(Failure.NOT_ENOUGH_DISK, space.shortfall(dir, pid));
        }
    }

    /** Sends {@code GC.heap_dump} and returns the target's answer once it has written the file. */
    private static String writeDump(AttachedJvm jvm, long pid, Path file, CaptureOptions options)
            throws CaptureException {
        try {
            return jvm.jcmd(options.heapDumpCommand(file.toString()));
        } catch (IOException e) {
            if (TargetProcess.probe(pid).state() != TargetProcess.State.RUNNING) {
                throw new CaptureException(Failure.NO_SUCH_PROCESS, "process " + pid + " exited while it wrote "
                        + file + (Files.exists(file) ? " (kept, incomplete)" : ""), e);
            }
            throw new CaptureException(Failure.DUMP_FAILED, "process " + pid + " did not finish the dump: "
                    + e.getMessage(), e);
        }
    }

    private static void checkProcess(TargetProcess p) throws CaptureException {
        long pid = p.pid();
        switch (p.state()) {
            case NO_SUCH_PROCESS -> throw new CaptureException(Failure.NO_SUCH_PROCESS, "no process has pid " + pid);
            case EXITED -> throw new CaptureException(Failure.NO_SUCH_PROCESS, "process " + pid + " has exited");
            case RUNNING -> {
                // go on
            }
        }
        if (p.isThisProcess()) {
            throw new CaptureException(Failure.ATTACH_REFUSED, "pid " + pid + " is mapleak's own process, and a "
                    + "JVM cannot attach to itself; give the pid of the JVM to dump");
        }
        switch (p.kind()) {
            case NOT_A_JVM -> throw new CaptureException(Failure.NOT_A_JVM, p.describe()
                    + " is not a Java virtual machine (no libjvm.so in its memory map); nothing was sent to it");
            case OPENJ9 -> throw new CaptureException(Failure.NOT_A_JVM, p.describe() + " runs an Eclipse OpenJ9 "
                    + "JVM, and mapleak captures HotSpot JVMs (OpenJDK, Temurin, Oracle, Zulu, Corretto...) only");
            case UNKNOWN -> {
                OptionalInt me = Users.current();
                if (p.uid().isPresent() && me.isPresent() && me.getAsInt() != Users.ROOT
                        && p.uid().getAsInt() != me.getAsInt()) {
                    throw new CaptureException(Failure.ATTACH_REFUSED, otherUser(p, me.getAsInt()));
                }
            }
            case HOTSPOT -> {
                // attach
            }
        }
    }

    private void checkAttachSupport(TargetProcess p, Destination destination, CaptureOptions options)
            throws CaptureException {
        Optional<AttachSupport.Missing> missing = AttachSupport.missing();
        if (missing.isEmpty()) {
            return;
        }
        String runtime = System.getProperty("java.home") + " (Java " + Runtime.version().feature() + ")";
        if (missing.get() == AttachSupport.Missing.EXPORT) {
            throw new CaptureException(Failure.ATTACH_REFUSED, "mapleak runs without access to "
                    + AttachSupport.MODULE + "'s " + AttachSupport.PACKAGE + ", which sends jcmd's commands: start "
                    + "it with bin/mapleak or java -jar mapleak.jar (the jar's manifest grants it), or add "
                    + AttachSupport.ADD_EXPORTS + " to its java command");
        }
        StringBuilder m = new StringBuilder("mapleak runs on " + runtime + ", which has no " + AttachSupport.MODULE
                + " module (a JRE, or a jlink image without it), and cannot attach to a JVM: run mapleak on a JDK");
        Optional<Path> home = p.javaHome().filter(h -> JavaHomes.hasModule(h, AttachSupport.MODULE));
        home.ifPresent(h -> m.append(", such as the one process ").append(p.pid()).append(" runs on: JAVA_HOME=")
                .append(h).append(" bin/mapleak capture ").append(p.pid()));
        Optional<Path> jcmd = p.javaHome().flatMap(JavaHomes::jcmd);
        String file = destination.file().orElseGet(() -> destination.directory().resolve(DumpName.fileName(
                DumpName.fromArguments(p.arguments()), p.pid(), clock.instant(), options.gzip()))).toString();
        m.append("; or dump with the JDK's own tool: ").append(jcmd.map(Path::toString).orElse("jcmd")).append(' ')
                .append(p.pid()).append(' ').append(options.heapDumpCommand(file));
        throw new CaptureException(Failure.ATTACH_REFUSED, m.toString());
    }

    private static AttachedJvm attach(TargetProcess p) throws CaptureException {
        long pid = p.pid();
        try {
            return AttachedJvm.attach(pid);
        } catch (IOException e) {
            if (TargetProcess.probe(pid).state() != TargetProcess.State.RUNNING) {
                throw new CaptureException(Failure.NO_SUCH_PROCESS, "process " + pid + " exited", e);
            }
            String why = String.valueOf(e.getMessage());
            if (why.contains("does not support the attach mechanism")) {
                throw new CaptureException(Failure.ATTACH_REFUSED, p.describe() + " was started with "
                        + "-XX:+DisableAttachMechanism, so no tool can attach to it: restart it without that flag "
                        + "(and with -XX:+HeapDumpOnOutOfMemoryError), or read its heap through the serviceability "
                        + "agent, which stops it meanwhile: " + p.javaHome().map(h -> h.resolve("bin") + "/").orElse("")
                        + "jhsdb jmap --binaryheap --dumpfile FILE --pid " + pid, e);
            }
            OptionalInt me = Users.current();
            if (why.contains("Operation not permitted") || why.contains("Permission denied")
                    || why.contains("should be owned by")) {
                throw new CaptureException(Failure.ATTACH_REFUSED, me.isPresent() && p.uid().isPresent()
                        ? otherUser(p, me.getAsInt()) : "the attach to " + p.describe() + " was refused: " + why, e);
            }
            if (why.contains("Can not attach to current VM")) {
                throw new CaptureException(Failure.ATTACH_REFUSED, "pid " + pid + " is mapleak's own process", e);
            }
            if (why.contains("respond")) {
                throw new CaptureException(Failure.ATTACH_REFUSED, p.describe() + " did not answer the attach "
                        + "request: it may run with -XX:+DisableAttachMechanism or -Xrs, be hung or in a long GC "
                        + "pause, or run in a container whose /tmp mapleak does not share" + newerJdkHint(p), e);
            }
            throw new CaptureException(Failure.ATTACH_REFUSED, "cannot attach to " + p.describe() + ": " + why
                    + newerJdkHint(p), e);
        }
    }

    private static String otherUser(TargetProcess p, int me) {
        String user = p.userName();
        return p.describe() + " runs as " + Users.describe(p.uid().getAsInt()) + " and mapleak as "
                + Users.describe(me) + ": a JVM lets only its own user (and root) attach; run mapleak as that user: "
                + "sudo -u " + (user.startsWith("uid ") ? "'#" + p.uid().getAsInt() + "'" : user)
                + " bin/mapleak capture " + p.pid();
    }

    /** Advice for a JVM newer than the one mapleak runs on; "" when it is not newer or its version is unknown. */
    static String newerJdkHint(TargetProcess p) {
        int mine = Runtime.version().feature();
        Optional<Path> home = p.javaHome();
        int theirs = home.flatMap(JavaHomes::version).map(JavaHomes::feature).orElse(0);
        if (theirs <= mine) {
            return "";
        }
        return "; mapleak runs on Java " + mine + " and the process on Java " + theirs + ": to attach to a newer JVM, "
                + "run mapleak on its JDK: JAVA_HOME=" + home.get() + " bin/mapleak capture " + p.pid();
    }

    private static Target describe(TargetProcess p, AttachedJvm jvm) throws CaptureException {
        Properties props;
        try {
            props = jvm.systemProperties();
        } catch (IOException e) {
            if (TargetProcess.probe(p.pid()).state() != TargetProcess.State.RUNNING) {
                throw new CaptureException(Failure.NO_SUCH_PROCESS, "process " + p.pid() + " exited", e);
            }
            throw new CaptureException(Failure.ATTACH_REFUSED, p.describe() + " accepted the attach but did not "
                    + "answer: " + e.getMessage() + newerJdkHint(p), e);
        }
        String command = props.getProperty("sun.java.command");
        String main = command == null || command.isBlank() ? DumpName.fromArguments(p.arguments())
                : DumpName.mainClass(command);
        return new Target(p.pid(), main, props.getProperty("java.version", "?"), props.getProperty("java.home", "?"),
                props.getProperty("user.name", "?"));
    }

    private static void checkNothingExists(Path file, CaptureOptions options) throws CaptureException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new CaptureException(Failure.FILE_EXISTS, file + " exists, and capture never overwrites a file: "
                    + "move it away, or name another file or directory with -o");
        }
        for (String suffix : options.besideSuffixes()) {
            Path report = Destination.beside(file, suffix);
            if (Files.exists(report, LinkOption.NOFOLLOW_LINKS)) {
                throw new CaptureException(Failure.FILE_EXISTS, report + " exists, and the dump's report would "
                        + "overwrite it: move it away, or name another directory with -o");
            }
        }
    }

    private static OptionalLong usedHeap(AttachedJvm jvm, Target target, DumpListener listener) {
        String info;
        try {
            info = jvm.jcmd("GC.heap_info");
        } catch (IOException e) {
            info = "";
        }
        OptionalLong used = HeapInfo.usedBytes(info);
        if (used.isEmpty()) {
            listener.warning("cannot tell how much heap process " + target.pid() + " uses (GC.heap_info: "
                    + firstLine(info) + "); the free-disk check is skipped");
        }
        return used;
    }

    /** Throws unless the target's answer to {@code GC.heap_dump} says it wrote the whole file. */
    static void checkAnswer(String answer, Path file, TargetProcess process) throws CaptureException {
        if (CREATED.matcher(answer).find()) {
            return;
        }
        long pid = process.pid();
        Matcher cannot = CANNOT_CREATE.matcher(answer);
        if (cannot.find()) {
            String reason = cannot.group(2).strip();
            if (reason.contains("File exists")) {
                throw new CaptureException(Failure.FILE_EXISTS, file + " exists (made since mapleak looked), "
                        + "and capture never overwrites a file");
            }
            if (reason.contains(NO_SPACE)) {
                throw new CaptureException(Failure.NOT_ENOUGH_DISK, "no space left on the device of " + file);
            }
            if (reason.contains("Permission denied")) {
                throw new CaptureException(Failure.DUMP_FAILED, "process " + pid + (process.uid().isPresent()
                        ? " runs as " + Users.describe(process.uid().getAsInt()) : "") + ", which may not create "
                        + file.getFileName() + " in " + file.getParent() + directoryOwner(file.getParent())
                        + ": the JVM writes the dump itself; name a directory its user can write with -o");
            }
            throw new CaptureException(Failure.DUMP_FAILED, "process " + pid + " cannot create " + file + ": "
                    + reason);
        }
        Matcher incomplete = INCOMPLETE.matcher(answer);
        if (incomplete.find()) {
            String reason = incomplete.group(1).strip();
            if (reason.contains(NO_SPACE)) {
                throw new CaptureException(Failure.NOT_ENOUGH_DISK, "the disk filled up while process " + pid
                        + " wrote " + file + "; " + deleteToFreeDisk(file));
            }
            throw new CaptureException(Failure.DUMP_FAILED, "process " + pid + " could not finish " + file + ": "
                    + reason + "; the incomplete file is kept (mapleak analyze reads what it holds)");
        }
        throw new CaptureException(Failure.DUMP_FAILED, "process " + pid + " answered GC.heap_dump with: "
                + firstLine(answer.replace("Dumping heap to " + file + " ...", "").strip()));
    }

    private static String deleteToFreeDisk(Path file) {
        try {
            return Files.deleteIfExists(file) ? "deleted the incomplete file to free the disk again"
                    : "no incomplete file is left";
        } catch (IOException e) {
            return "could not delete the incomplete file (" + e.getMessage() + "): delete it to free the disk";
        }
    }

    /** {@code  (owner 'root', mode rwx------)}, or "" where the file system does not say. */
    private static String directoryOwner(Path dir) {
        try {
            int uid = (Integer) Files.getAttribute(dir, "unix:uid");
            int mode = (Integer) Files.getAttribute(dir, "unix:mode");
            StringBuilder perms = new StringBuilder();
            String letters = "rwxrwxrwx";
            for (int i = 0; i < 9; i++) {
                perms.append((mode & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
            }
            return " (owner " + Users.describe(uid) + ", mode " + perms + ")";
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "";
        }
    }

    private static long usableSpace(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            return store.getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE; // the dump itself will say what is wrong with the directory
        }
    }

    private static String firstLine(String s) {
        String line = s.strip().lines().findFirst().orElse("(no answer)");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
