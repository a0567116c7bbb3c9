package io.mapleak.detect;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Instance;
import io.mapleak.maps.MapView;
import java.util.List;
import java.util.Locale;

/**
 * {@code session-lifetime}: a map of servlet sessions (Tomcat's {@code StandardSession}, Jetty's session and its
 * {@code SessionData}, Undertow's in-memory session, which WildFly's are too), and whether the container expires
 * them. Session ids are random, so every session map has
 * keys that never repeat: that alone is no leak when each session goes after its idle timeout. Sessions that never
 * expire, expire after a day, or are past their timeout and still there (the container's expiry not running) are.
 * Context for the ranking, which lets an expiring session map be high only for its size, never a suspect on its own.
 */
final class SessionLifetimeDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("session-lifetime", "Servlet sessions and their timeout",
            Finding.Category.LEAK, DetectorInfo.Role.CONTEXT, SessionLifetimeEvidence.class, 120, 0);

    private static final String TOMCAT = "org.apache.catalina.session.StandardSession";
    private static final String[] JETTY = {"org.eclipse.jetty.session.ManagedSession",
        "org.eclipse.jetty.server.session.Session"};
    private static final String UNDERTOW = "io.undertow.server.session.InMemorySessionManager$SessionImpl";
    /** Session maps smaller than this are not read. */
    private static final int MIN_SESSIONS = 100;
    /** Idle past the timeout by more than this is overdue: containers expire sessions every minute or so. */
    private static final long GRACE_MILLIS = 5 * 60_000L;

    @Override
    public DetectorInfo info() {
        return INFO;
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        if (m.size() < MIN_SESSIONS) {
            return; // a handful of sessions is no suspect's context: no need to look at every small map's values
        }
        HeapIndex index = ctx.index;
        int first = firstValue(ctx, m);
        String container = first < 0 ? null : container(index, index.classOf(first));
        if (container == null) {
            return;
        }
        long now = index.facts().header().timestampMillis();
        int limit = (int) ctx.thresholds.getLong("keys.sample");
        int[] counts = new int[3]; // sampled, never expire, overdue
        long[] longest = {0};
        m.entries((node, key, value, hash, known, bin) -> {
            int v = value == 0 ? -1 : index.indexOf(value);
            long[] s = v < 0 ? null : read(index, v, container);
            if (s != null) {
                counts[0]++;
                long timeoutMillis = s[0];
                if (timeoutMillis <= 0) {
                    counts[1]++;
                } else {
                    longest[0] = Math.max(longest[0], timeoutMillis);
                    if (now > 0 && s[1] > 0 && now - s[1] > timeoutMillis + GRACE_MILLIS) {
                        counts[2]++;
                    }
                }
            }
            return counts[0] < limit;
        });
        if (counts[0] == 0) {
            return;
        }
        long timeout = counts[1] > 0 ? -1 : longest[0] / 1000;
        boolean expiring = now > 0 && counts[1] == 0 && timeout <= ctx.thresholds.getLong("sessions.maxTimeout")
                && counts[2] <= ctx.thresholds.get("sessions.overdueShare") * counts[0];
        SessionLifetimeEvidence e = new SessionLifetimeEvidence(container, m.size(), counts[0], timeout, counts[1],
                now > 0 ? counts[2] : -1, expiring);
        out.add(new Finding(id(), new int[] {m.object()}, e, advice(e, ctx.ownerLabel(m.object())),
                ctx.retained(m.object())));
    }

    /** The first value of the map, or -1. */
    private static int firstValue(DetectContext ctx, MapView m) {
        long[] found = {0};
        m.entries((node, key, value, hash, known, bin) -> {
            found[0] = value;
            return value == 0;
        });
        return found[0] == 0 ? -1 : ctx.index.indexOf(found[0]);
    }

    /** "Tomcat", "Jetty" or "Undertow" when {@code c} is (or extends) a session class of theirs, else null. */
    static String container(HeapIndex index, ClassInfo c) {
        for (int depth = 0; c != null && depth < 16; depth++) {
            String n = c.name();
            if (n.equals(TOMCAT)) {
                return "Tomcat";
            }
            if (n.equals(UNDERTOW)) {
                return "Undertow";
            }
            for (String j : JETTY) {
                if (n.equals(j)) {
                    return "Jetty";
                }
            }
            c = c.superIndex() < 0 ? null : index.classInfo(c.superIndex());
        }
        return null;
    }

    /** A session's idle timeout and its last access, in milliseconds; null if it cannot be read. */
    private static long[] read(HeapIndex index, int session, String container) {
        Instance s = index.reader().instance(session);
        if (s == null) {
            return null;
        }
        if (container.equals("Tomcat")) {
            if (!s.has("maxInactiveInterval") || !s.has("thisAccessedTime")) {
                return null;
            }
            int seconds = s.getInt("maxInactiveInterval");
            return new long[] {seconds <= 0 ? -1 : seconds * 1000L, s.getLong("thisAccessedTime")};
        }
        if (container.equals("Undertow")) {
            // a timer per session expires it maxInactiveInterval seconds after its last access; none at 0 or less
            if (!s.has("maxInactiveInterval") || !s.has("lastAccessed")) {
                return null;
            }
            int seconds = s.getInt("maxInactiveInterval");
            return new long[] {seconds <= 0 ? -1 : seconds * 1000L, s.getLong("lastAccessed")};
        }
        int data = s.has("_sessionData") ? s.refIndex("_sessionData") : -1;
        Instance d = data < 0 ? null : index.reader().instance(data);
        if (d == null || !d.has("_maxInactiveMs") || !d.has("_accessed")) {
            return null;
        }
        long ms = d.getLong("_maxInactiveMs");
        return new long[] {ms <= 0 ? -1 : ms, d.getLong("_accessed")};
    }

    /** "30 min", "24 h", "90 s". */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + " h";
        }
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    private static String advice(SessionLifetimeEvidence e, String owner) {
        if (e.neverExpire() > 0) {
            return String.format(Locale.ROOT, "%,d of the %,d sessions sampled in %s never expire: each stays until "
                    + "it is invalidated. Set a session timeout.", e.neverExpire(), e.sampled(), owner);
        }
        if (e.overdue() > 0 && !e.expiring()) {
            return String.format(Locale.ROOT, "%,d of the %,d sessions sampled in %s are idle past their timeout "
                    + "and still there: the container's expiry is not running (a background processor disabled or "
                    + "blocked). Find what stops it.", e.overdue(), e.sampled(), owner);
        }
        return e.expiring()
                ? String.format(Locale.ROOT, "The sessions in %s expire after %s idle%s: the map holds what that "
                        + "long of traffic leaves. If that is too much, shorten the timeout or keep less in each "
                        + "session.", owner, duration(e.timeoutSeconds()), e.overdue() == 0 ? " and none is overdue"
                                : "")
                : String.format(Locale.ROOT, "The sessions in %s expire only after %s idle: the map holds the "
                        + "sessions of that much traffic. Shorten the timeout.", owner, duration(e.timeoutSeconds()));
    }

    @Override
    public String title(Finding f, Subject s) {
        SessionLifetimeEvidence e = (SessionLifetimeEvidence) f.evidence();
        String when = e.neverExpire() > 0 ? "some never expire"
                : "they expire after " + duration(e.timeoutSeconds()) + " idle";
        return String.format(Locale.ROOT, "%,d %s sessions (%s): %s", e.entries(), e.container(), when, s.owner());
    }

    @Override
    public String clause(Finding f, Subject s) {
        SessionLifetimeEvidence e = (SessionLifetimeEvidence) f.evidence();
        if (e.neverExpire() > 0) {
            return e.neverExpire() == e.sampled() ? "its sessions never expire"
                    : String.format(Locale.ROOT, "%,d of the %,d sessions sampled never expire", e.neverExpire(),
                            e.sampled());
        }
        if (e.overdue() > 0 && !e.expiring()) {
            return String.format(Locale.ROOT, "%,d of the %,d sessions sampled are idle past their %s timeout and "
                    + "still there", e.overdue(), e.sampled(), duration(e.timeoutSeconds()));
        }
        return e.expiring()
                ? "its sessions expire after " + duration(e.timeoutSeconds()) + " idle"
                        + (e.overdue() == 0 ? ", none overdue" : "")
                : "its sessions expire only after " + duration(e.timeoutSeconds()) + " idle";
    }
}
