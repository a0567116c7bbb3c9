package io.mapleak.triage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.sqlite.SQLiteConfig;

/**
 * The triage store: which dumps exist, who holds which, what each analysis found, over one JDBC connection to
 * SQLite (a file, one machine) or PostgreSQL (shared by many). Not safe for use by two threads at once; a job opens
 * one for its work and one for its heartbeat.
 *
 * <p><b>Claims.</b> A dump is {@code pending}, {@code running} (claimed: {@code lease_owner}, {@code lease_token},
 * {@code lease_until_ms}), {@code analysed} or {@code failed}. {@link #claim} takes, in one transaction, the oldest
 * dump that is pending or whose lease ran out, and counts the attempt; a job renews its lease while the child works
 * ({@link #renew}), and every later write about the dump names the claim's token, so a job whose lease was taken
 * over changes nothing. A dump whose attempts reach the limit without success becomes {@code failed} with its
 * last error, and is never claimed again unless asked ({@link #retryFailed}).
 *
 * <p>Every method is one short transaction (SQLite: {@code BEGIN IMMEDIATE}); a transaction that meets a busy
 * database, a serialisation failure or a deadlock is tried again a few times before it is a {@link StoreException}.
 */
public final class Store implements AutoCloseable {
    static final String PENDING = "pending";
    static final String RUNNING = "running";
    static final String ANALYSED = "analysed";
    static final String FAILED = "failed";

    /** How long a writer waits for SQLite's lock; an index of 10,000 dumps holds it for about a second. */
    private static final int SQLITE_BUSY_MS = 60_000;
    private static final int TRIES = 6;

    static {
        // sqlite-jdbc logs through SLF4J; mapleak ships no logger, and SLF4J would say so on stderr
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    private final Connection c;
    private final Dialect dialect;
    private final String name;

    private Store(Connection c, Dialect dialect, String name) {
        this.c = c;
        this.dialect = dialect;
        this.name = name;
    }

    /**
     * Opens the store at {@code url} ({@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://...}) and brings its
     * schema up to date.
     */
    public static Store open(String url) {
        Dialect dialect = Dialect.of(url);
        if (dialect == null) {
            throw new StoreException("--db takes jdbc:sqlite:FILE or jdbc:postgresql://HOST/DATABASE, not " + url);
        }
        String name = dialect.label() + " " + withoutSecrets(url);
        Store store = null;
        for (int attempt = 1; store == null; attempt++) {
            try {
                store = new Store(connect(dialect, url), dialect, name);
            } catch (SQLException e) {
                if (attempt >= TRIES || !retryable(e)) {
                    throw new StoreException("cannot open the store " + name + ": " + oneLine(e), e);
                }
                pause(attempt);
            }
        }
        Store s = store;
        try {
            s.tx("create or migrate the schema", c -> Schema.migrate(c, dialect));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Whether {@code url} names a store mapleak can use: {@code jdbc:sqlite:} or {@code jdbc:postgresql:}. */
    public static boolean supports(String url) {
        return Dialect.of(url) != null;
    }

    /** The SQLite store's URL for a database file. */
    public static String sqliteUrl(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    private static Connection connect(Dialect dialect, String url) throws SQLException {
        if (dialect == Dialect.SQLITE) {
            SQLiteConfig cfg = new SQLiteConfig();
            cfg.setBusyTimeout(SQLITE_BUSY_MS);
            // WAL: readers never wait for a writer; FULL: a committed claim or result survives a power cut
            cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
            cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            return cfg.createConnection(url);
        }
        Properties p = new Properties();
        p.setProperty("ApplicationName", "mapleak triage");
        p.setProperty("connectTimeout", "20");
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(url, p);
    }

    /** The URL as it may be logged: no password parameter. */
    static String withoutSecrets(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    public Dialect dialect() {
        return dialect;
    }

    /** "SQLite jdbc:sqlite:/out/triage.db": the store as messages name it. */
    public String name() {
        return name;
    }

    @Override
    public void close() {
        try {
            c.close();
        } catch (SQLException e) {
            // closing is best effort: the job is ending or reconnecting
        }
    }

    // ------------------------------------------------------------------------------------------------ runs

    /** Records that {@code owner} started a job run; returns the run's id. */
    public long startRun(Owner owner, String version) {
        return tx("record the run", c -> {
            long now = dialect.now(c);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO triage_runs (owner, host, pid, version, "
                    + "started_ms, heartbeat_ms) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
                p.setString(1, owner.id());
                p.setString(2, owner.host());
                p.setLong(3, owner.pid());
                p.setString(4, version);
                p.setLong(5, now);
                p.setLong(6, now);
                return single(p);
            }
        });
    }

    /** The run is still alive; {@code claim} (or null) keeps its lease for {@code leaseMs} more. */
    public boolean heartbeat(long run, Claim claim, long leaseMs) {
        return tx("renew the lease", c -> {
            long now = dialect.now(c);
            update(c, "UPDATE triage_runs SET heartbeat_ms = ? WHERE id = ?", now, run);
            return claim == null || update(c, "UPDATE triage_dumps SET lease_until_ms = ? WHERE id = ? AND "
                    + "lease_token = ? AND status = '" + RUNNING + "'", now + leaseMs, claim.dumpId(),
                    claim.token()) == 1;
        });
    }

    public void finishRun(long run) {
        tx("record the end of the run", c -> update(c, "UPDATE triage_runs SET finished_ms = ? WHERE id = ?",
                dialect.now(c), run));
    }

    /**
     * Whether the job {@code ownerId} counts as running: its run has not finished and its heartbeat is younger
     * than {@code staleMs}. A job that never recorded a run is not running.
     */
    public boolean isRunning(String ownerId, long staleMs) {
        return tx("look up a job", c -> {
            long now = dialect.now(c);
            try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM triage_runs WHERE owner = ? AND "
                    + "finished_ms IS NULL AND heartbeat_ms > ?")) {
                p.setString(1, ownerId);
                p.setLong(2, now - staleMs);
                return single(p) > 0;
            }
        });
    }

    // ------------------------------------------------------------------------------------------------ scanning

    /** What a file looked like when its key was computed. */
    public record FileStat(long bytes, long modifiedMs, String key) {
    }

    /** The files seen before, by absolute path: their size and time when their key was computed. */
    public Map<String, FileStat> files() {
        return tx("read the files seen", c -> {
            Map<String, FileStat> files = new HashMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT path, file_bytes, modified_ms, dump_key FROM "
                    + "triage_files"); ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    files.put(r.getString(1), new FileStat(r.getLong(2), r.getLong(3), r.getString(4)));
                }
            }
            return files;
        });
    }

    /** Remembers a file's key for its size and time, so the next scan need not read it. */
    public void rememberFiles(Map<String, FileStat> files) {
        if (files.isEmpty()) {
            return;
        }
        tx("remember files", c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO triage_files (path, file_bytes, modified_ms, "
                    + "dump_key) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET file_bytes = excluded.file_bytes, "
                    + "modified_ms = excluded.modified_ms, dump_key = excluded.dump_key")) {
                for (Map.Entry<String, FileStat> e : files.entrySet()) {
                    p.setString(1, e.getKey());
                    p.setLong(2, e.getValue().bytes());
                    p.setLong(3, e.getValue().modifiedMs());
                    p.setString(4, e.getValue().key());
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        });
    }

    /** Every dump key the store knows (a dump's own and those of its gzipped copy). */
    public Set<String> keys() {
        return tx("read the dump keys", c -> {
            Set<String> keys = new HashSet<>();
            try (PreparedStatement p = c.prepareStatement("SELECT dump_key FROM triage_keys");
                    ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    keys.add(r.getString(1));
                }
            }
            return keys;
        });
    }

    /** A dump found settled on disk, not yet in the store. */
    public record NewDump(String key, String file, String application, long bytes, long modifiedMs) {
    }

    /**
     * Adds {@code dump} as pending, unless a job added its key first; returns whether this call added it.
     */
    public boolean register(NewDump dump, long run) {
        return tx("register a dump", c -> {
            long id;
            try (PreparedStatement p = c.prepareStatement("INSERT INTO triage_dumps (file, application, file_bytes, "
                    + "modified_ms, found_ms, found_by, status, dump_time_ms, current_file) VALUES "
                    + "(?, ?, ?, ?, ?, ?, '" + PENDING + "', ?, ?) RETURNING id")) {
                p.setString(1, dump.file());
                p.setString(2, dump.application());
                p.setLong(3, dump.bytes());
                p.setLong(4, dump.modifiedMs());
                p.setLong(5, dialect.now(c));
                p.setLong(6, run);
                p.setLong(7, dump.modifiedMs());
                p.setString(8, dump.file());
                id = single(p);
            }
            if (update(c, "INSERT INTO triage_keys (dump_key, dump_id) VALUES (?, ?) ON CONFLICT (dump_key) "
                    + "DO NOTHING", dump.key(), id) == 0) {
                c.rollback(); // another job registered the same dump in the meantime
                return false;
            }
            return true;
        });
    }

    /** Failed dumps become pending with no attempts counted; returns how many. */
    public int retryFailed() {
        return tx("retry failed dumps", c -> update(c, "UPDATE triage_dumps SET status = '" + PENDING + "', "
                + "attempts = 0, error = NULL WHERE status = '" + FAILED + "'"));
    }

    // ------------------------------------------------------------------------------------------------ claims

    /**
     * A dump this job holds: its lease token, which attempt this is, and the attempt's row in
     * {@code triage_attempts}.
     */
    public record Claim(long dumpId, String file, long fileBytes, String application, int attempt, String token,
            long attemptId) {
    }

    /** A running dump and the job that holds it. */
    public record Lease(long dumpId, String owner, String token) {
    }

    /** Dumps that are running, with their holders (to find those held by jobs that died on this host). */
    public List<Lease> leases() {
        return tx("read the leases", c -> {
            List<Lease> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id, lease_owner, lease_token FROM triage_dumps "
                    + "WHERE status = '" + RUNNING + "'"); ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Lease(r.getLong(1), r.getString(2), r.getString(3)));
                }
            }
            return out;
        });
    }

    /** Ends a lease now (its holder is known to be dead), so the next claim may take the dump. */
    public void expire(Lease lease) {
        tx("end a dead job's lease", c -> update(c, "UPDATE triage_dumps SET lease_until_ms = 0 WHERE id = ? AND "
                + "lease_token = ? AND status = '" + RUNNING + "'", lease.dumpId(), lease.token()));
    }

    /**
     * Claims the oldest dump that is pending or whose lease has run out, leaving out {@code skip}; null when there
     * is none. A dump whose lease ran out after {@code maxAttempts} attempts is marked failed instead: the jobs
     * that held it died every time.
     */
    public Claim claim(Owner owner, String token, long leaseMs, int maxAttempts, Set<Long> skip) {
        return tx("claim a dump", c -> {
            long now = dialect.now(c);
            while (true) {
                long id;
                int attempts;
                String file;
                long bytes;
                String application;
                boolean expired;
                try (PreparedStatement p = c.prepareStatement("SELECT id, attempts, COALESCE(current_file, file), "
                        + "file_bytes, application, "
                        + "status FROM triage_dumps WHERE (status = '" + PENDING + "' OR (status = '" + RUNNING
                        + "' AND lease_until_ms < ?))" + notIn(skip) + " ORDER BY id LIMIT 1" + dialect.claimLock())) {
                    p.setLong(1, now);
                    try (ResultSet r = p.executeQuery()) {
                        if (!r.next()) {
                            return null;
                        }
                        id = r.getLong(1);
                        attempts = r.getInt(2);
                        file = r.getString(3);
                        bytes = r.getLong(4);
                        application = r.getString(5);
                        expired = RUNNING.equals(r.getString(6));
                    }
                }
                if (expired) {
                    update(c, "UPDATE triage_attempts SET outcome = 'abandoned', finished_ms = ?, error = 'the job "
                            + "analysing it stopped without a word (killed or crashed)' WHERE dump_id = ? AND "
                            + "outcome IS NULL", now, id);
                    if (attempts >= maxAttempts) {
                        update(c, "UPDATE triage_dumps SET status = '" + FAILED + "', lease_owner = NULL, "
                                + "lease_token = NULL, lease_until_ms = NULL, error = ? WHERE id = ?",
                                String.format("the job analysing it stopped without a word %d times (killed, or "
                                        + "the machine ran out of memory)", attempts), id);
                        continue;
                    }
                }
                update(c, "UPDATE triage_dumps SET status = '" + RUNNING + "', attempts = attempts + 1, "
                        + "lease_owner = ?, lease_token = ?, lease_until_ms = ? WHERE id = ?", owner.id(), token,
                        now + leaseMs, id);
                long attemptId;
                try (PreparedStatement p = c.prepareStatement("INSERT INTO triage_attempts (dump_id, attempt, owner, "
                        + "started_ms) VALUES (?, ?, ?, ?) RETURNING id")) {
                    p.setLong(1, id);
                    p.setInt(2, attempts + 1);
                    p.setString(3, owner.id());
                    p.setLong(4, now);
                    attemptId = single(p);
                }
                return new Claim(id, file, bytes, application, attempts + 1, token, attemptId);
            }
        });
    }

    /** How an attempt went, for {@code triage_attempts}: child and analysis wall times, the child's heap. */
    public record AttemptFacts(long heapBytes, double childSeconds, double analysisSeconds) {
    }

    /**
     * Records a failed attempt: the dump is {@code failed} when {@code permanent} (the file is not a heap dump) or
     * when it has had {@code maxAttempts}, otherwise pending again. Returns false when the claim was no longer
     * held (nothing is written then).
     */
    public boolean fail(Claim claim, String outcome, String error, boolean permanent, int maxAttempts,
            AttemptFacts facts) {
        return tx("record a failed attempt", c -> {
            boolean last = permanent || claim.attempt() >= maxAttempts;
            int n = update(c, "UPDATE triage_dumps SET status = ?, error = ?, lease_owner = NULL, lease_token = NULL, "
                    + "lease_until_ms = NULL WHERE id = ? AND lease_token = ?", last ? FAILED : PENDING, error,
                    claim.dumpId(), claim.token());
            if (n == 1) {
                closeAttempt(c, claim, outcome, error, facts);
            }
            return n == 1;
        });
    }

    /** Gives the dump back untouched (the job is stopping): pending, this attempt not counted. */
    public boolean handBack(Claim claim) {
        return tx("hand a dump back", c -> {
            int n = update(c, "UPDATE triage_dumps SET status = '" + PENDING + "', attempts = attempts - 1, "
                    + "lease_owner = NULL, lease_token = NULL, lease_until_ms = NULL WHERE id = ? AND lease_token = ?",
                    claim.dumpId(), claim.token());
            if (n == 1) {
                update(c, "DELETE FROM triage_attempts WHERE id = ?", claim.attemptId());
            }
            return n == 1;
        });
    }

    private void closeAttempt(Connection c, Claim claim, String outcome, String error, AttemptFacts facts)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE triage_attempts SET finished_ms = ?, outcome = ?, "
                + "error = ?, heap_bytes = ?, child_seconds = ?, analysis_seconds = ? WHERE id = ?")) {
            p.setLong(1, dialect.now(c));
            p.setString(2, outcome);
            p.setString(3, error);
            p.setLong(4, facts.heapBytes());
            p.setDouble(5, facts.childSeconds());
            p.setDouble(6, facts.analysisSeconds());
            p.setLong(7, claim.attemptId());
            p.executeUpdate();
        }
    }

    // ------------------------------------------------------------------------------------------------ results

    /** What one analysis found, as the store keeps it. */
    public record Result(String reportJson, String reportHtml, long dumpTimeMs, long heapBytes, boolean truncated,
            String topSeverity, String topTitle, String topLabel, List<Signatures.Sighting> sightings,
            List<MapGrowth.MapRow> maps) {
    }

    /** The dump is analysed: its result, sightings and largest maps, in one transaction with the claim's end. */
    public record Finished(boolean held, List<Signatures.Sighting> newSignatures) {
    }

    /**
     * Records an analysed dump; signatures seen for the first time are created (first seen in run {@code run},
     * waiting to be notified when {@code notify}). Returns the new ones, or {@code held == false} when the claim
     * was lost (another job took the dump over; nothing is written then).
     */
    public Finished finish(Claim claim, Result result, long run, boolean notify, AttemptFacts facts) {
        return tx("record an analysed dump", c -> {
            long now = dialect.now(c);
            try (PreparedStatement p = c.prepareStatement("UPDATE triage_dumps SET status = '" + ANALYSED + "', "
                    + "error = NULL, lease_owner = NULL, lease_token = NULL, lease_until_ms = NULL, analysed_ms = ?, "
                    + "dump_time_ms = ?, heap_bytes = ?, truncated = ?, report_json = ?, report_html = ?, "
                    + "top_severity = ?, top_title = ?, top_label = ? WHERE id = ? AND lease_token = ?")) {
                int i = 0;
                p.setLong(++i, now);
                p.setLong(++i, result.dumpTimeMs());
                p.setLong(++i, result.heapBytes());
                p.setInt(++i, result.truncated() ? 1 : 0);
                p.setString(++i, result.reportJson());
                p.setString(++i, result.reportHtml());
                p.setString(++i, result.topSeverity());
                p.setString(++i, result.topTitle());
                p.setString(++i, result.topLabel());
                p.setLong(++i, claim.dumpId());
                p.setString(++i, claim.token());
                if (p.executeUpdate() == 0) {
                    return new Finished(false, List.of());
                }
            }
            closeAttempt(c, claim, ANALYSED, null, facts);
            List<Signatures.Sighting> created = new ArrayList<>();
            // in id order, so that two jobs adding the same signatures lock them in the same order
            for (Signatures.Sighting s : result.sightings()) {
                int added = update(c, "INSERT INTO triage_signatures (id, kind, owner_key, label, title, severity, "
                        + "severity_level, first_run, created_ms, notify_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (id) DO NOTHING", s.id(), s.kind(), s.ownerKey(), s.label(), s.title(),
                        s.severity().word(), s.severity().ordinal(), run, now, notify ? 1 : 0);
                if (added == 1) {
                    created.add(s);
                } else {
                    update(c, "UPDATE triage_signatures SET severity = ?, severity_level = ?, title = ? WHERE id = ? "
                            + "AND severity_level < ?", s.severity().word(), s.severity().ordinal(), s.title(), s.id(),
                            s.severity().ordinal());
                }
                update(c, "INSERT INTO triage_sightings (signature_id, dump_id, severity, title) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (signature_id, dump_id) DO NOTHING", s.id(), claim.dumpId(), s.severity().word(),
                        s.title());
            }
            update(c, "DELETE FROM triage_maps WHERE dump_id = ?", claim.dumpId());
            try (PreparedStatement p = c.prepareStatement("INSERT INTO triage_maps (dump_id, position, owner_key, "
                    + "label, class_name, size, retained_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                int position = 0;
                for (MapGrowth.MapRow m : result.maps()) {
                    p.setLong(1, claim.dumpId());
                    p.setInt(2, position++);
                    p.setString(3, m.key());
                    p.setString(4, m.label());
                    p.setString(5, m.className());
                    p.setLong(6, m.size());
                    p.setLong(7, m.retainedBytes());
                    p.addBatch();
                }
                p.executeBatch();
            }
            return new Finished(true, created);
        });
    }

    // ------------------------------------------------------------------------------------------------ after

    /**
     * An analysed dump whose file is still to be gzipped or deleted; {@code state} is null, or
     * {@code working:OWNER} while a job is at it.
     */
    public record Due(long dumpId, String file, String state) {
        /** The job at it, or null. */
        public String worker() {
            return state == null ? null : state.substring(WORKING.length());
        }
    }

    static final String WORKING = "working:";

    /** Analysed dumps still on disk as they were found, for {@code --after gzip|delete}. */
    public List<Due> afterDue() {
        return tx("read dumps to gzip or delete", c -> {
            List<Due> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id, file, after_state FROM triage_dumps WHERE "
                    + "status = '" + ANALYSED + "' AND (after_state IS NULL OR after_state LIKE '" + WORKING + "%') "
                    + "ORDER BY id"); ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Due(r.getLong(1), r.getString(2), r.getString(3)));
                }
            }
            return out;
        });
    }

    /** Takes the gzip or deletion of {@code due} for {@code owner}, unless another job took it first. */
    public boolean claimAfter(Due due, Owner owner) {
        String sql = "UPDATE triage_dumps SET after_state = ? WHERE id = ? AND after_state ";
        return tx("take a dump to gzip or delete", c -> (due.state() == null
                ? update(c, sql + "IS NULL", WORKING + owner.id(), due.dumpId())
                : update(c, sql + "= ?", WORKING + owner.id(), due.dumpId(), due.state())) == 1);
    }

    /** The key of a dump's gzipped copy: a scan that meets the copy knows it is that dump. */
    public void addKey(long dumpId, String key) {
        tx("remember a gzipped copy", c -> update(c, "INSERT INTO triage_keys (dump_key, dump_id) VALUES (?, ?) "
                + "ON CONFLICT (dump_key) DO NOTHING", key, dumpId));
    }

    /** Records what {@code --after} did: {@code gzipped} (now at {@code currentFile}) or {@code deleted}. */
    public void afterDone(long dumpId, String state, String currentFile) {
        tx("record the dump's gzip or deletion", c -> update(c, "UPDATE triage_dumps SET after_state = ?, "
                + "current_file = ? WHERE id = ?", state, currentFile, dumpId));
    }

    // ------------------------------------------------------------------------------------------------ index

    /** One dump as the index shows it. */
    public record DumpRow(long id, String file, String currentFile, String application, String status, int attempts,
            String error, long fileBytes, long modifiedMs, long dumpTimeMs, Long analysedMs, Long heapBytes,
            boolean truncated, String reportJson, String reportHtml, String topSeverity, String topTitle,
            String topLabel, String after) {
    }

    /** One signature; {@code listedGeneration} is the index generation that listed it first. */
    public record SignatureRow(String id, String kind, String ownerKey, String label, String title, String severity,
            long firstRun, Long listedGeneration) {
    }

    /** One row of {@code triage_sightings}. */
    public record SightingRow(String signatureId, long dumpId, String severity) {
    }

    /** Everything the index pages show, read in one transaction, and the generation of this index. */
    public record Snapshot(long generation, List<DumpRow> dumps, List<SignatureRow> signatures,
            List<SightingRow> sightings) {
    }

    /**
     * Writes an index from a snapshot, while the index lock is held; {@code maps} reads the largest maps of the
     * dumps it is given (for growth), in the same transaction.
     */
    @FunctionalInterface
    public interface IndexWriter {
        void write(Snapshot snapshot, MapsReader maps) throws java.io.IOException;
    }

    /** The largest maps of each of some dumps, in their stored order (the most retained first). */
    @FunctionalInterface
    public interface MapsReader {
        Map<Long, List<MapGrowth.MapRow>> of(Collection<Long> dumpIds);
    }

    /**
     * Starts index generation {@code n + 1}: signatures that no index listed yet are listed by this one (they are
     * the "new" ones), then {@code writer} writes the pages from the snapshot. One job at a time, across machines
     * (the generation's row is locked); if the writer fails, nothing of it counts.
     */
    public void writeIndex(IndexWriter writer) throws java.io.IOException {
        try {
            tx("write the index", c -> {
                long generation;
                try (PreparedStatement p = c.prepareStatement("SELECT value FROM triage_meta WHERE name = "
                        + "'index_generation'" + dialect.rowLock()); ResultSet r = p.executeQuery()) {
                    r.next();
                    generation = Long.parseLong(r.getString(1)) + 1;
                }
                update(c, "UPDATE triage_meta SET value = ? WHERE name = 'index_generation'", Long.toString(generation));
                update(c, "UPDATE triage_signatures SET listed_generation = ? WHERE listed_generation IS NULL",
                        generation);
                try {
                    writer.write(new Snapshot(generation, dumpRows(c), signatureRows(c), sightingRows(c)),
                            ids -> maps(c, ids));
                } catch (java.io.IOException e) {
                    throw new WrappedIo(e);
                }
                return null;
            });
        } catch (WrappedIo e) {
            throw e.io;
        }
    }

    private Map<Long, List<MapGrowth.MapRow>> maps(Connection c, Collection<Long> dumpIds) {
        Map<Long, List<MapGrowth.MapRow>> out = new HashMap<>();
        if (dumpIds.isEmpty()) {
            return out;
        }
        try (PreparedStatement p = c.prepareStatement("SELECT dump_id, owner_key, label, class_name, size, "
                + "retained_bytes FROM triage_maps WHERE dump_id IN (" + longs(dumpIds) + ") ORDER BY dump_id, "
                + "position"); ResultSet r = p.executeQuery()) {
            while (r.next()) {
                out.computeIfAbsent(r.getLong(1), k -> new ArrayList<>()).add(new MapGrowth.MapRow(r.getString(2),
                        r.getString(3), r.getString(4), r.getLong(5), r.getLong(6)));
            }
        } catch (SQLException e) {
            throw new StoreException(name + ": cannot read the largest maps: " + oneLine(e), e);
        }
        return out;
    }

    private List<DumpRow> dumpRows(Connection c) throws SQLException {
        List<DumpRow> rows = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT id, file, current_file, application, status, attempts, "
                + "error, file_bytes, modified_ms, dump_time_ms, analysed_ms, heap_bytes, truncated, report_json, "
                + "report_html, top_severity, top_title, top_label, after_state FROM triage_dumps");
                ResultSet r = p.executeQuery()) {
            while (r.next()) {
                rows.add(new DumpRow(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                        r.getInt(6), r.getString(7), r.getLong(8), r.getLong(9), r.getLong(10), nullableLong(r, 11),
                        nullableLong(r, 12), r.getInt(13) == 1, r.getString(14), r.getString(15), r.getString(16),
                        r.getString(17), r.getString(18), r.getString(19)));
            }
        }
        return rows;
    }

    private List<SignatureRow> signatureRows(Connection c) throws SQLException {
        List<SignatureRow> rows = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT id, kind, owner_key, label, title, severity, first_run, "
                + "listed_generation FROM triage_signatures"); ResultSet r = p.executeQuery()) {
            while (r.next()) {
                rows.add(new SignatureRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                        r.getString(5), r.getString(6), r.getLong(7), nullableLong(r, 8)));
            }
        }
        return rows;
    }

    private List<SightingRow> sightingRows(Connection c) throws SQLException {
        List<SightingRow> rows = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT signature_id, dump_id, severity FROM triage_sightings");
                ResultSet r = p.executeQuery()) {
            while (r.next()) {
                rows.add(new SightingRow(r.getString(1), r.getLong(2), r.getString(3)));
            }
        }
        return rows;
    }

    // ------------------------------------------------------------------------------------------------ notify

    /** A signature waiting to be told about, with the dumps it was seen in. */
    public record Pending(SignatureRow signature, List<String> dumps) {
    }

    /**
     * Takes the signatures waiting to be notified, so that no other job sends them too; {@link #untake} puts them
     * back when sending fails.
     */
    public List<Pending> takeNotifications() {
        return tx("take the signatures to notify", c -> {
            List<SignatureRow> rows = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id, kind, owner_key, label, title, severity, "
                    + "first_run, listed_generation FROM triage_signatures WHERE notify_pending = 1 ORDER BY id"
                    + dialect.rowLock()); ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    rows.add(new SignatureRow(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                            r.getString(5), r.getString(6), r.getLong(7), nullableLong(r, 8)));
                }
            }
            List<Pending> out = new ArrayList<>();
            for (SignatureRow s : rows) {
                update(c, "UPDATE triage_signatures SET notify_pending = 0 WHERE id = ?", s.id());
                List<String> files = new ArrayList<>();
                try (PreparedStatement p = c.prepareStatement("SELECT d.file FROM triage_sightings s JOIN triage_dumps d "
                        + "ON d.id = s.dump_id WHERE s.signature_id = ? ORDER BY d.dump_time_ms, d.id")) {
                    p.setString(1, s.id());
                    try (ResultSet r = p.executeQuery()) {
                        while (r.next()) {
                            files.add(r.getString(1));
                        }
                    }
                }
                out.add(new Pending(s, files));
            }
            return out;
        });
    }

    /** Puts signatures back to be notified by the next run. */
    public void untake(List<Pending> pending) {
        tx("put back the signatures to notify", c -> {
            for (Pending p : pending) {
                update(c, "UPDATE triage_signatures SET notify_pending = 1 WHERE id = ?", p.signature().id());
            }
            return null;
        });
    }

    // ------------------------------------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Carries a writer's IOException through the transaction helper. */
    private static final class WrappedIo extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient java.io.IOException io;

        WrappedIo(java.io.IOException io) {
            super(io);
            this.io = io;
        }
    }

    /** Runs {@code work} in one transaction, again after a busy database, a serialisation failure or a deadlock. */
    private <T> T tx(String what, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (attempt >= TRIES || !retryable(e)) {
                    throw new StoreException(name + ": cannot " + what + ": " + oneLine(e), e);
                }
                pause(attempt);
            }
        }
    }

    private void rollback() {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is broken; the caller's error says why
        }
    }

    /** Busy or locked SQLite (5, 6 and their extended codes), PostgreSQL serialisation failure or deadlock. */
    private static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state)) {
            return true;
        }
        int code = e.getErrorCode() & 0xff;
        String m = String.valueOf(e.getMessage());
        return code == 5 || code == 6 || m.contains("SQLITE_BUSY") || m.contains("SQLITE_LOCKED");
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(50L * attempt * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String oneLine(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                Object a = args[i];
                if (a == null) {
                    p.setNull(i + 1, Types.VARCHAR);
                } else if (a instanceof Long l) {
                    p.setLong(i + 1, l);
                } else if (a instanceof Integer n) {
                    p.setInt(i + 1, n);
                } else {
                    p.setString(i + 1, a.toString());
                }
            }
            return p.executeUpdate();
        }
    }

    private static long single(PreparedStatement p) throws SQLException {
        try (ResultSet r = p.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private static Long nullableLong(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : v;
    }

    private static String notIn(Set<Long> ids) {
        return ids.isEmpty() ? "" : " AND id NOT IN (" + longs(ids) + ")";
    }

    private static String longs(Collection<Long> ids) {
        StringBuilder b = new StringBuilder();
        for (long id : ids) {
            b.append(b.length() == 0 ? "" : ", ").append(id);
        }
        return b.toString();
    }
}
