package io.mapleak.triage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What differs between the two stores; all other SQL is shared (both take {@code ON CONFLICT}, {@code RETURNING}
 * and {@code excluded.}).
 *
 * <p>SQLite serialises writers: every transaction begins {@code IMMEDIATE}, taking the database's write lock
 * first, so a claim's select and update cannot interleave with another job's. PostgreSQL locks rows: a claim
 * selects {@code FOR UPDATE SKIP LOCKED}, so jobs on many machines claim different dumps at once without waiting
 * for each other, and time is the server's clock, so leases mean the same on every machine.
 */
public enum Dialect {
    SQLITE("SQLite", "INTEGER PRIMARY KEY AUTOINCREMENT", "", "") {
        @Override
        long now(Connection c) {
            return System.currentTimeMillis(); // one machine: its clock is the database's
        }

        @Override
        void lockSchema(Connection c) {
            // the IMMEDIATE transaction already holds the write lock
        }
    },
    POSTGRESQL("PostgreSQL", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", " FOR UPDATE SKIP LOCKED",
            " FOR UPDATE") {
        @Override
        long now(Connection c) throws SQLException {
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)")) {
                r.next();
                return r.getLong(1);
            }
        }

        @Override
        void lockSchema(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                // jobs starting at once must not both create the tables: one waits for the other's migration
                s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
            }
        }
    };

    /** An arbitrary constant naming mapleak's schema lock among a database's advisory locks. */
    static final long SCHEMA_LOCK = 0x6d61706c65616bL;

    private final String label;
    private final String idColumn;
    private final String claimLock;
    private final String rowLock;

    Dialect(String label, String idColumn, String claimLock, String rowLock) {
        this.label = label;
        this.idColumn = idColumn;
        this.claimLock = claimLock;
        this.rowLock = rowLock;
    }

    /** The dialect of a JDBC URL, or null when mapleak has no store for it. */
    static Dialect of(String url) {
        if (url.startsWith("jdbc:sqlite:")) {
            return SQLITE;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        return null;
    }

    String label() {
        return label;
    }

    /** The type of a generated primary key column. */
    String idColumn() {
        return idColumn;
    }

    /** Appended to the claim's select: skip rows another job is claiming instead of waiting for it. */
    String claimLock() {
        return claimLock;
    }

    /** Appended to a select whose row serialises a step across jobs (the index generation). */
    String rowLock() {
        return rowLock;
    }

    /** The store's time in epoch milliseconds: leases and timestamps use one clock for every job. */
    abstract long now(Connection c) throws SQLException;

    /** Within a transaction: wait until no other job is creating or migrating the schema. */
    abstract void lockSchema(Connection c) throws SQLException;
}
