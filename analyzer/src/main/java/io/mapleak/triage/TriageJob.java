package io.mapleak.triage;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.mapleak.analysis.AnalysisResult;
import io.mapleak.analysis.Version;
import io.mapleak.report.HtmlReport;
import io.mapleak.report.OutputException;
import io.mapleak.report.ResultJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The triage job: passes over the dump directories, each one finding settled dumps, registering the new ones,
 * claiming and analysing them one at a time in child JVMs, recording what each found, gzipping or deleting them
 * if asked, writing the index pages and telling people about new leak signatures. One pass ({@code --once}), or
 * one every {@code --interval} until {@link #stop} ({@code --watch}).
 *
 * <p>Any number of jobs may share an output directory and a store: a dump is analysed by the job that claims it
 * (see {@link Store}), and every file a job writes appears whole (written in its work directory
 * {@code OUT/.work/OWNER}, then renamed into place). What a job that died left behind (its work directory, a
 * half-written gzip, the dump it held) is taken back by the next job: at once on the same host, where a dead
 * process is plain to see, after its lease runs out elsewhere.
 *
 * <p>Stopping ({@link #stop}, from SIGTERM or Ctrl-C): the child analysing a dump is killed and the dump handed
 * back untouched (pending, the attempt not counted); a dump whose analysis had already ended is finished first.
 */
public final class TriageJob {
    /** Largest maps kept per dump for growth: the inventory's first rows. */
    static final int MAPS_KEPT = 20;
    private static final String TMP_SUFFIX = ".mapleak.tmp";

    private final TriageOptions o;
    private final ChildAnalysis child;
    private final PrintWriter out;
    private final PrintWriter err;
    private final MapGrowth growth;
    private final Owner me = Owner.current();
    private final Path outDir;
    private final Path work;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Object sleep = new Object();
    private volatile boolean stopping;
    private volatile Store.Claim current;
    /** What a file this process creates gets (its umask), for reports the child wrote owner-only; null off POSIX. */
    private Set<java.nio.file.attribute.PosixFilePermission> filePermissions;
    private Store store;
    private long run;

    private int analysed;
    private int failed;
    private final List<Signatures.Sighting> fresh = new ArrayList<>();
    private String notifyError;

    /** How the job went: counts, the signatures it saw first, and whether notifying failed. */
    public record Outcome(int analysed, int failed, List<Signatures.Sighting> newSignatures, String notifyError) {
        public Outcome {
            newSignatures = List.copyOf(newSignatures);
        }
    }

    /** A dump directory that does not exist or cannot be read. */
    public static final class InputException extends IOException {
        private static final long serialVersionUID = 1L;

        InputException(String message) {
            super(message);
        }
    }

    /**
     * @param childMain the class the child JVM runs: mapleak's command line behind a guard that ends the child
     *                  when this JVM ends
     */
    public TriageJob(TriageOptions options, String childMain, MapGrowth growth, PrintWriter out, PrintWriter err) {
        this.o = options;
        this.outDir = options.out().toAbsolutePath().normalize();
        this.child = new ChildAnalysis(ChildAnalysis.Launcher.current(childMain), outDir.resolve(".cache"));
        this.growth = growth;
        this.out = out;
        this.err = err;
        this.work = outDir.resolve(".work").resolve(me.id());
    }

    /** Runs the job: one pass, or passes until stopped with {@code --watch}. */
    public Outcome run() throws IOException {
        try {
            for (Path d : o.dirs()) {
                if (!Files.isDirectory(d) || !Files.isReadable(d)) {
                    throw new InputException("no such directory, or not readable: " + d);
                }
            }
            try {
                Files.createDirectories(work);
                filePermissions = newFilePermissions(work);
            } catch (IOException e) {
                throw new OutputException(outDir, e);
            }
            Thread warm = new Thread(IndexPage::warmUp, "mapleak-index-warm-up");
            warm.setDaemon(true);
            warm.start(); // the template engine's first page costs a second of CPU: spend it while the job scans
            store = Store.open(o.storeUrl());
            run = store.startRun(me, Version.get());
            try (Heartbeat beat = new Heartbeat()) {
                if (o.retryFailed()) {
                    int n = store.retryFailed();
                    say("%d failed dump%s put back to pending", n, n == 1 ? "" : "s");
                }
                while (true) {
                    try {
                        pass();
                    } catch (StoreException | IOException e) {
                        if (!o.watch() || stopping) {
                            throw e;
                        }
                        err.println("mapleak: this pass failed, the next one is in " + Durations.format(o.interval())
                                + ": " + e.getMessage());
                        reopen();
                    }
                    if (!o.watch() || !pause()) {
                        break;
                    }
                }
                store.finishRun(run);
            }
            return new Outcome(analysed, failed, fresh, notifyError);
        } finally {
            if (store != null) {
                store.close();
            }
            deleteTree(work);
            try {
                Files.deleteIfExists(work.getParent()); // only when no other job has a directory there
            } catch (IOException e) {
                // another job is working: its directory stays
            }
            done.countDown();
        }
    }

    /**
     * Stops the job from another thread (a shutdown hook): kills the running child, lets the job hand back its
     * dump, and returns once the job has ended or {@code waitMillis} passed.
     */
    public void stop(long waitMillis) {
        stopping = true;
        child.stop();
        synchronized (sleep) {
            sleep.notifyAll();
        }
        try {
            done.await(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the next pass; false when the job is stopping. */
    private boolean pause() {
        long until = System.currentTimeMillis() + o.interval().toMillis();
        synchronized (sleep) {
            while (!stopping) {
                long left = until - System.currentTimeMillis();
                if (left <= 0) {
                    return true;
                }
                try {
                    sleep.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    private void reopen() {
        try {
            store.close();
            store = Store.open(o.storeUrl());
        } catch (StoreException e) {
            // still down: the next pass says so again
        }
    }

    // ------------------------------------------------------------------------------------------------ a pass

    private void pass() throws IOException {
        long started = System.nanoTime();
        cleanUpAfterDeadJobs();
        int waiting = registerNewDumps();
        int before = analysed;
        int failedBefore = failed;
        Set<Long> tried = new HashSet<>();
        while (!stopping) {
            Store.Claim claim = store.claim(me, UUID.randomUUID().toString(), o.lease().toMillis(), o.maxAttempts(),
                    tried);
            if (claim == null) {
                break;
            }
            tried.add(claim.dumpId());
            current = claim;
            try {
                analyse(claim);
            } finally {
                current = null;
            }
        }
        if (stopping) {
            return;
        }
        if (o.after() != TriageOptions.After.KEEP) {
            for (Store.Due due : store.afterDue()) {
                if (due.worker() == null || isGone(due.worker())) {
                    after(due);
                }
            }
        }
        long indexStarted = System.nanoTime();
        writeIndex();
        double indexSeconds = (System.nanoTime() - indexStarted) / 1e9;
        if (o.notifyTarget() != null) {
            notifyNewSignatures();
        }
        say("pass done in %.1f s: %d analysed, %d failed%s; index %s written in %.2f s",
                (System.nanoTime() - started) / 1e9, analysed - before, failed - failedBefore,
                waiting > 0 ? String.format(Locale.ROOT, ", %d still being written", waiting) : "",
                outDir.resolve("index.html"), indexSeconds);
    }

    /**
     * Scans the directories and registers every settled dump the store does not know. A file's key is computed
     * once for a size and time and remembered; a file that changed within the quiet period is left for a later
     * pass. Returns how many files are still being written.
     */
    private int registerNewDumps() throws IOException {
        List<DumpScanner.Found> found = DumpScanner.scan(o.dirs(), outDir, this::leftoverTemp);
        Map<String, Store.FileStat> seen = store.files();
        Set<String> keys = store.keys();
        Map<String, Store.FileStat> remember = new HashMap<>();
        long now = System.currentTimeMillis();
        int waiting = 0;
        for (DumpScanner.Found f : found) {
            String path = f.file().toString();
            Store.FileStat before = seen.get(path);
            String key;
            if (before != null && before.bytes() == f.bytes() && before.modifiedMs() == f.modifiedMs()) {
                key = before.key();
            } else {
                if (!f.settled(now, o.quiet().toMillis())) {
                    waiting++;
                    continue;
                }
                try {
                    key = DumpKey.of(f.file());
                } catch (NoSuchFileException e) {
                    continue; // deleted since the walk
                }
                if (!f.unchanged()) {
                    waiting++;
                    continue;
                }
                remember.put(path, new Store.FileStat(f.bytes(), f.modifiedMs(), key));
            }
            if (keys.add(key) && store.register(new Store.NewDump(key, path, f.application(), f.bytes(),
                    f.modifiedMs()), run)) {
                say("found %s", path);
            }
        }
        store.rememberFiles(remember);
        return waiting;
    }

    // ------------------------------------------------------------------------------------------------ one dump

    private void analyse(Store.Claim claim) throws IOException {
        Path dump = Path.of(claim.file());
        Path dir = work.resolve("claim-" + claim.dumpId() + "-" + claim.attempt());
        deleteTree(dir);
        Files.createDirectories(dir);
        String stem = reportStem(dump, claim.dumpId());
        Path json = outDir.resolve("reports").resolve(stem + ".json");
        Path html = outDir.resolve("reports").resolve(stem + ".html");
        long started = System.nanoTime();
        long heap = o.maxHeap() > 0 ? o.maxHeap()
                : ChildAnalysis.heapFor(claim.fileBytes(), ChildAnalysis.isGzipped(dump), claim.attempt());
        try {
            AnalysisResult result = earlierResult(json, claim);
            double childSeconds = 0;
            if (result == null) {
                ChildAnalysis.Outcome outcome = child.run(dump, dir, heap, o.timeout());
                childSeconds = seconds(outcome);
                if (outcome instanceof ChildAnalysis.Stopped) {
                    store.handBack(claim);
                    say("stopping: handed %s back, to be analysed by the next run", dump);
                    return;
                }
                if (outcome instanceof ChildAnalysis.Failed f) {
                    failed(claim, f.kind(), f.error(), f.permanent(), new Store.AttemptFacts(heap, childSeconds, 0));
                    return;
                }
                Path written = ((ChildAnalysis.Done) outcome).json();
                try {
                    result = ResultJson.read(written);
                } catch (IOException e) {
                    failed(claim, "internal", "the child's report cannot be read: " + e.getMessage(), false,
                            new Store.AttemptFacts(heap, childSeconds, 0));
                    return;
                }
                publish(written, json, true);
            }
            if (!Files.isRegularFile(html)) {
                Path page = dir.resolve("report.html");
                String text;
                try {
                    text = HtmlReport.render(result); // here, not in the child: this JVM's engine is warm
                } catch (RuntimeException e) {
                    failed(claim, "internal", "the HTML report cannot be rendered: " + e, false,
                            new Store.AttemptFacts(heap, childSeconds, result.seconds()));
                    return;
                }
                Files.writeString(page, text);
                publish(page, html, true);
            }
            Store.Result stored = stored(result, outDir.relativize(json), outDir.relativize(html));
            Store.AttemptFacts facts = new Store.AttemptFacts(heap, childSeconds, result.seconds());
            Store.Finished finished = store.finish(claim, stored, run, o.notifyTarget() != null, facts);
            double total = (System.nanoTime() - started) / 1e9;
            if (!finished.held()) {
                say("%s: analysed, but another job took the dump over meanwhile (this job's lease ran out); "
                        + "its result stands", dump);
                return;
            }
            analysed++;
            fresh.addAll(finished.newSignatures());
            say("analysed %s in %.1f s (analysis %.1f s, own cost %.1f s): %s%s", dump, total, result.seconds(),
                    total - result.seconds(), stored.topSeverity() == null ? "no suspects"
                            : stored.topSeverity() + ": " + stored.topTitle(),
                    finished.newSignatures().isEmpty() ? "" : String.format(Locale.ROOT, "; %d new leak signature%s",
                            finished.newSignatures().size(), finished.newSignatures().size() == 1 ? "" : "s"));
            if (o.after() != TriageOptions.After.KEEP) {
                after(new Store.Due(claim.dumpId(), claim.file(), null));
            }
        } catch (IOException | RuntimeException e) {
            // OUT cannot be written, or the store is gone: give the dump back for a later run, then say why
            try {
                store.handBack(claim);
            } catch (StoreException again) {
                e.addSuppressed(again);
            }
            throw e;
        } finally {
            deleteTree(dir);
        }
    }

    private void failed(Store.Claim claim, String kind, String error, boolean permanent, Store.AttemptFacts facts) {
        if (!store.fail(claim, kind, error, permanent, o.maxAttempts(), facts)) {
            return;
        }
        boolean last = permanent || claim.attempt() >= o.maxAttempts();
        failed += last ? 1 : 0;
        err.printf("mapleak: %s: %s (%s, attempt %d of %d%s)%n", claim.file(), error, kind, claim.attempt(),
                o.maxAttempts(), last ? ", failed" : ", will be tried again");
    }

    /**
     * The report an earlier attempt already put in place, if it is this dump's: a job killed between writing the
     * reports and recording them need not analyse again.
     */
    private static AnalysisResult earlierResult(Path json, Store.Claim claim) {
        if (!Files.isRegularFile(json)) {
            return null;
        }
        try {
            AnalysisResult r = ResultJson.read(json);
            return claim.file().equals(r.dump().file()) && claim.fileBytes() == r.dump().fileBytes() ? r : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** What the store keeps of a report: the top suspect, the signatures, the largest maps. */
    static Store.Result stored(AnalysisResult r, Path json, Path html) {
        AnalysisResult.Suspect top = r.suspects().isEmpty() ? null : r.suspects().get(0);
        List<MapGrowth.MapRow> maps = new ArrayList<>();
        for (AnalysisResult.InventoryRow row : r.inventory().rows()) {
            if (maps.size() == MAPS_KEPT) {
                break;
            }
            maps.add(new MapGrowth.MapRow(Signatures.ownerKey(row.owner()), row.owner().label(), row.className(),
                    row.size(), row.retainedBytes()));
        }
        return new Store.Result(json.toString().replace('\\', '/'), html.toString().replace('\\', '/'),
                dumpTime(r), r.dump().heapBytes(), r.dump().truncated(), top == null ? null : top.severity().word(),
                top == null ? null : top.title(), top == null ? null : top.owner().label(), Signatures.of(r), maps);
    }

    private static long dumpTime(AnalysisResult r) {
        try {
            return Instant.parse(r.dump().timestamp()).toEpochMilli();
        } catch (DateTimeParseException | NullPointerException e) {
            return 0;
        }
    }

    private static double seconds(ChildAnalysis.Outcome o) {
        if (o instanceof ChildAnalysis.Done d) {
            return d.seconds();
        }
        if (o instanceof ChildAnalysis.Failed f) {
            return f.seconds();
        }
        return ((ChildAnalysis.Stopped) o).seconds();
    }

    /** {@code NAME-ID}: the dump's file name without its extension, in safe characters, and its id in the store. */
    static String reportStem(Path dump, long id) {
        String name = dump.getFileName().toString().replaceFirst("(?i)\\.hprof(\\.gz)?$", "");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length() && b.length() < 80; i++) {
            char c = name.charAt(i);
            b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.') ? c : '_');
        }
        return (b.length() == 0 || b.charAt(0) == '.' ? "dump" + b : b.toString()) + "-" + id;
    }

    // ------------------------------------------------------------------------------------------------ --after

    /** Gzips or deletes an analysed dump, whose reports are in place and recorded. */
    private void after(Store.Due due) throws IOException {
        if (!store.claimAfter(due, me)) {
            return;
        }
        Path file = Path.of(due.file());
        if (!Files.isRegularFile(file)) {
            store.afterDone(due.dumpId(), "missing", null);
            return;
        }
        if (o.after() == TriageOptions.After.DELETE) {
            Files.deleteIfExists(file);
            store.afterDone(due.dumpId(), "deleted", null);
            say("deleted %s", file);
            return;
        }
        String name = file.getFileName().toString();
        if (name.toLowerCase(Locale.ROOT).endsWith(".gz")) {
            store.afterDone(due.dumpId(), "gzipped", file.toString()); // it already is
            return;
        }
        Path tmp = file.resolveSibling("." + name + ".gz~" + me.id() + TMP_SUFFIX);
        Path gz = file.resolveSibling(name + ".gz");
        try {
            Gzip.compress(file, tmp);
            String key = DumpKey.of(tmp);
            store.addKey(due.dumpId(), key); // first: a scan that meets the copy must know it is this dump
            if (Files.exists(gz) && !key.equals(DumpKey.of(gz))) {
                gz = file.resolveSibling(name + "." + due.dumpId() + ".gz"); // someone else's file has the name
            }
            Files.move(tmp, gz, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            store.rememberFiles(Map.of(gz.toString(), new Store.FileStat(Files.size(gz),
                    Files.getLastModifiedTime(gz).toMillis(), key)));
            Files.delete(file);
            store.afterDone(due.dumpId(), "gzipped", gz.toString());
            say("gzipped %s", gz);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ------------------------------------------------------------------------------------------------ index

    private void writeIndex() throws IOException {
        store.writeIndex((snapshot, maps) -> {
            TriageIndex.Model model = TriageIndex.build(snapshot, maps, growth, store.name(), Version.get(),
                    System.currentTimeMillis());
            Path json = work.resolve("index.json");
            // the JSON on another core while this thread writes the page: each is a third of the time
            java.util.concurrent.CompletableFuture<Void> jsonDone = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    // compact: 10,000 dumps make 8 MB of it, and scripts read it
                    ResultJson.mapper().writer().without(SerializationFeature.INDENT_OUTPUT)
                            .writeValue(json.toFile(), model);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Path html = work.resolve("index.html");
            try (Writer w = Files.newBufferedWriter(html, StandardCharsets.UTF_8)) {
                IndexPage.write(model, w);
            }
            try {
                jsonDone.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause()
                        : new IOException("cannot write index.json", e.getCause());
            }
            // not flushed to disk first: the next pass writes the index again from the store
            publish(json, outDir.resolve("index.json"), false);
            publish(html, outDir.resolve("index.html"), false);
        });
    }

    private void notifyNewSignatures() {
        List<Store.Pending> pending = store.takeNotifications();
        if (pending.isEmpty()) {
            return;
        }
        byte[] payload = Notification.json(pending, outDir, Version.get());
        String error = Notifier.send(o.notifyTarget(), payload, work.resolve("notify.log"));
        if (error != null) {
            store.untake(pending);
            notifyError = error;
            err.println("mapleak: --notify failed, the next run tries again: " + error);
        } else {
            say("notified %s of %d new leak signature%s", o.notifyTarget().startsWith("http") ? o.notifyTarget() : "the command",
                    pending.size(), pending.size() == 1 ? "" : "s");
        }
    }

    // ------------------------------------------------------------------------------------------------ files

    /**
     * Moves a finished file from the work directory into place: flushed to disk first when {@code durable} (a
     * report, recorded as written), then renamed over the target, so a reader (or, durable, a power cut) sees the
     * old file or the new one, never a part.
     */
    private void publish(Path from, Path to, boolean durable) throws OutputException {
        try {
            if (durable) {
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(from,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            if (filePermissions != null) {
                Files.setPosixFilePermissions(from, filePermissions); // as readable as the index that links to it
            }
            Files.createDirectories(to.getParent());
            Files.move(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new OutputException(to, e);
        }
    }

    private static Set<java.nio.file.attribute.PosixFilePermission> newFilePermissions(Path dir) throws IOException {
        Path probe = Files.createFile(dir.resolve("permissions"));
        try {
            return Files.getPosixFilePermissions(probe);
        } catch (UnsupportedOperationException e) {
            return null;
        } finally {
            Files.delete(probe);
        }
    }

    /** Work directories and half-written gzips of jobs that are gone. */
    private void cleanUpAfterDeadJobs() {
        for (Store.Lease lease : store.leases()) {
            Owner.parse(lease.owner()).filter(x -> x.sameHost(me) && !x.equals(me) && !x.isAliveHere())
                    .ifPresent(x -> store.expire(lease));
        }
        Path root = work.getParent();
        try (var dirs = Files.list(root)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String name = d.getFileName().toString();
                if (!name.equals(me.id()) && Owner.parse(name).isPresent() && isGone(name)) {
                    deleteTree(d);
                }
            }
        } catch (IOException e) {
            err.println("mapleak: cannot clean up " + root + ": " + e.getMessage());
        }
    }

    /** A hidden file met by the scan: a gzip left half-written by a job that is gone is deleted. */
    private void leftoverTemp(Path file) {
        String name = file.getFileName().toString();
        int tilde = name.lastIndexOf('~');
        if (!name.endsWith(TMP_SUFFIX) || tilde < 0) {
            return;
        }
        String owner = name.substring(tilde + 1, name.length() - TMP_SUFFIX.length());
        if (!owner.equals(me.id()) && Owner.parse(owner).isPresent() && isGone(owner)) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                err.println("mapleak: cannot delete " + file + ": " + e.getMessage());
            }
        }
    }

    /** Whether the job {@code ownerId} has ended: a dead process on this host, or no heartbeat for a while. */
    private boolean isGone(String ownerId) {
        Owner other = Owner.parse(ownerId).orElse(null);
        if (other == null || other.equals(me)) {
            return other == null;
        }
        if (other.sameHost(me)) {
            return !other.isAliveHere();
        }
        return !store.isRunning(ownerId, 3 * o.lease().toMillis());
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.toList());
            java.util.Collections.reverse(all);
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // another job cleaning up the same directory, or a file still open: the next pass tries again
        }
    }

    private void say(String format, Object... args) {
        out.println("mapleak triage: " + String.format(Locale.ROOT, format, args));
    }

    // ------------------------------------------------------------------------------------------------ heartbeat

    /**
     * Keeps the run's heartbeat and the current claim's lease fresh, every third of the lease, on a connection of
     * its own (the job's is busy for seconds at a time writing the index).
     */
    private final class Heartbeat implements AutoCloseable {
        private final Thread thread;
        private volatile boolean closed;

        Heartbeat() {
            thread = new Thread(this::beat, "mapleak-triage-heartbeat");
            thread.setDaemon(true);
            thread.start();
        }

        private void beat() {
            Store own = null;
            long every = Math.max(200, o.lease().toMillis() / 3);
            boolean warned = false;
            while (!closed) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    break;
                }
                try {
                    if (own == null) {
                        own = Store.open(o.storeUrl());
                    }
                    Store.Claim c = current;
                    if (!own.heartbeat(run, c, o.lease().toMillis()) && c == current && c != null) {
                        err.println("mapleak: lost the claim on " + c.file() + " (another job took it over)");
                    }
                    warned = false;
                } catch (StoreException e) {
                    if (!warned) {
                        err.println("mapleak: cannot renew the lease: " + e.getMessage());
                        warned = true;
                    }
                    if (own != null) {
                        own.close();
                        own = null;
                    }
                }
            }
            if (own != null) {
                own.close();
            }
        }

        @Override
        public void close() {
            closed = true;
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
