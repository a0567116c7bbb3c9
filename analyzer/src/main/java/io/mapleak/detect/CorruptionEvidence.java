package io.mapleak.detect;

import java.util.List;

/**
 * {@code concurrent-corruption}: what the walk of the map's internals found that a correctly used map never has:
 * the stored size against the entries reached, chains that loop, entries in a bin their hash does not select, a
 * linked order that disagrees with the table; each problem in words, and the owner path.
 */
public record CorruptionEvidence(long storedSize, long entriesReached, long sizeMismatch, long loops,
        long misplacedEntries, boolean linkedOrderMismatch, List<String> problems, List<String> path)
        implements Evidence {
}
