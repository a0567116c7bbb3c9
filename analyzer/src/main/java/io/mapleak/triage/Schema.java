package io.mapleak.triage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's tables, created and migrated by the job itself: {@link #MIGRATIONS} lists the SQL that takes the
 * schema from version {@code n} to {@code n + 1}; {@code triage_meta.schema_version} says where a store is. Opening
 * a store runs, in one transaction under the schema lock, every migration it has not had. A store written by a
 * newer mapleak (a version beyond the list) is refused rather than misread. Migrations only ever add: a column,
 * a table, an index; so an older job never meets a schema it cannot use until a migration says otherwise.
 *
 * <p>Times are epoch milliseconds of the store's clock ({@link Dialect#now}); {@code {id}} stands for the
 * dialect's generated key column.
 */
final class Schema {
    /** Version 1: everything the triage job keeps. The table comments are in docs/triage.md ("What the store holds"). */
    static final List<List<String>> MIGRATIONS = List.of(List.of(
            """
            CREATE TABLE triage_runs (id {id}, owner TEXT NOT NULL, host TEXT NOT NULL, pid BIGINT NOT NULL,
              version TEXT NOT NULL, started_ms BIGINT NOT NULL, heartbeat_ms BIGINT NOT NULL, finished_ms BIGINT)""",
            """
            CREATE TABLE triage_dumps (id {id}, file TEXT NOT NULL, application TEXT NOT NULL,
              file_bytes BIGINT NOT NULL, modified_ms BIGINT NOT NULL, found_ms BIGINT NOT NULL, found_by BIGINT,
              status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
              lease_owner TEXT, lease_token TEXT, lease_until_ms BIGINT, error TEXT,
              analysed_ms BIGINT, dump_time_ms BIGINT, heap_bytes BIGINT, truncated INTEGER,
              report_json TEXT, report_html TEXT, top_severity TEXT, top_title TEXT, top_label TEXT,
              after_state TEXT, current_file TEXT)""",
            "CREATE INDEX triage_dumps_status ON triage_dumps (status, id)",
            "CREATE TABLE triage_keys (dump_key TEXT PRIMARY KEY, dump_id BIGINT NOT NULL)",
            """
            CREATE TABLE triage_files (path TEXT PRIMARY KEY, file_bytes BIGINT NOT NULL, modified_ms BIGINT NOT NULL,
              dump_key TEXT NOT NULL)""",
            """
            CREATE TABLE triage_attempts (id {id}, dump_id BIGINT NOT NULL, attempt INTEGER NOT NULL,
              owner TEXT NOT NULL, started_ms BIGINT NOT NULL, finished_ms BIGINT, outcome TEXT, error TEXT,
              heap_bytes BIGINT, child_seconds DOUBLE PRECISION, analysis_seconds DOUBLE PRECISION)""",
            "CREATE INDEX triage_attempts_dump ON triage_attempts (dump_id)",
            """
            CREATE TABLE triage_signatures (id TEXT PRIMARY KEY, kind TEXT NOT NULL, owner_key TEXT NOT NULL,
              label TEXT NOT NULL, title TEXT NOT NULL, severity TEXT NOT NULL, severity_level INTEGER NOT NULL,
              first_run BIGINT NOT NULL, created_ms BIGINT NOT NULL, listed_generation BIGINT,
              notify_pending INTEGER NOT NULL DEFAULT 0)""",
            """
            CREATE TABLE triage_sightings (signature_id TEXT NOT NULL, dump_id BIGINT NOT NULL,
              severity TEXT NOT NULL, title TEXT NOT NULL, PRIMARY KEY (signature_id, dump_id))""",
            "CREATE INDEX triage_sightings_dump ON triage_sightings (dump_id)",
            """
            CREATE TABLE triage_maps (dump_id BIGINT NOT NULL, position INTEGER NOT NULL, owner_key TEXT NOT NULL,
              label TEXT NOT NULL, class_name TEXT NOT NULL, size BIGINT NOT NULL, retained_bytes BIGINT NOT NULL,
              PRIMARY KEY (dump_id, position))""",
            "INSERT INTO triage_meta (name, value) VALUES ('index_generation', '0')"));

    /** The version this mapleak writes. */
    static final int VERSION = MIGRATIONS.size();

    private Schema() {
    }

    /**
     * Brings the store to {@link #VERSION} inside the caller's transaction; returns the version it found (0 for a
     * new store). A store of a newer version is a {@link StoreException}.
     */
    static int migrate(Connection c, Dialect dialect) throws SQLException {
        dialect.lockSchema(c);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS triage_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
        }
        int found = 0;
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT value FROM triage_meta WHERE name = 'schema_version'")) {
            if (r.next()) {
                found = Integer.parseInt(r.getString(1));
            }
        }
        if (found > VERSION) {
            throw new StoreException("the store is at schema version " + found + ", written by a newer mapleak; "
                    + "this one knows versions up to " + VERSION);
        }
        for (int v = found; v < VERSION; v++) {
            try (Statement s = c.createStatement()) {
                for (String sql : MIGRATIONS.get(v)) {
                    s.execute(sql.replace("{id}", dialect.idColumn()));
                }
            }
        }
        if (found < VERSION) {
            String sql = found == 0 ? "INSERT INTO triage_meta (value, name) VALUES (?, 'schema_version')"
                    : "UPDATE triage_meta SET value = ? WHERE name = 'schema_version'";
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setString(1, Integer.toString(VERSION));
                p.executeUpdate();
            }
        }
        return found;
    }
}
