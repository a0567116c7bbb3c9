package io.mapleak.triage;

import io.mapleak.detect.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a triage job runs.
 *
 * @param dirs        directories to look for dumps in (recursively)
 * @param out         where reports, index pages and (by default) the SQLite store go
 * @param watch       keep running, a pass every {@code interval}, until stopped; otherwise one pass
 * @param dbUrl       the store's JDBC URL; null for SQLite in {@code OUT/triage.db}
 * @param maxHeap     each child JVM's heap in bytes; 0 to size it from the dump and the machine
 * @param timeout     how long one analysis may take before its child is killed
 * @param failOn      exit 1 when a signature new in this run is at least this severe; null for no gate
 * @param notifyTarget a URL to POST new signatures to, or a command to run with them on stdin; null for none
 * @param after       what to do with a dump once its reports are written
 * @param quiet       a file is left alone until it has not changed for this long (it may still be written)
 * @param lease       how long a claim holds without renewal: a job that died frees its dumps after this
 * @param maxAttempts attempts before a dump that keeps failing (crash, timeout, out of memory) is {@code failed}
 * @param retryFailed put failed dumps back to pending (attempts reset) before the first pass
 */
public record TriageOptions(List<Path> dirs, Path out, boolean watch, Duration interval, String dbUrl, long maxHeap,
        Duration timeout, Severity failOn, String notifyTarget, After after, Duration quiet, Duration lease,
        int maxAttempts, boolean retryFailed) {

    public TriageOptions {
        dirs = List.copyOf(dirs);
    }

    /** What {@code --after} does with an analysed dump. */
    public enum After {
        KEEP, GZIP, DELETE
    }

    /** The store's URL: {@code --db}, or SQLite in OUT. */
    public String storeUrl() {
        return dbUrl != null ? dbUrl : Store.sqliteUrl(out.resolve("triage.db"));
    }
}
