package io.mapleak.detect;

/**
 * {@code session-lifetime}: how long the servlet sessions a map holds live, read from a sample of them:
 * {@code timeoutSeconds}, the longest idle timeout among them (-1 when some never expire), how many never expire,
 * how many are {@code overdue} (idle past their timeout at the dump's time, with a grace for the container's
 * periodic expiry; -1 when the dump has no time), and whether the map is {@code expiring}: every sampled session
 * has a timeout of at most {@code sessions.maxTimeout} and next to none is overdue, so the container empties it.
 */
public record SessionLifetimeEvidence(String container, long entries, int sampled, long timeoutSeconds,
        int neverExpire, int overdue, boolean expiring) implements Evidence {
}
