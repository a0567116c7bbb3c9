package io.mapleak.maps;

/**
 * Receives a map's entries as a decoder walks them. Keys and values are object ids as stored (0 for null, and
 * possibly an id that is not in the dump); {@code node} is the entry object (-1 where entries have none, as in
 * {@code IdentityHashMap}); {@code storedHash} is meaningful only when {@code hashKnown}; {@code bin} is the table
 * slot (-1 for maps without bins). Return false to stop the walk.
 */
@FunctionalInterface
public interface EntrySink {
    boolean entry(int node, long keyId, long valueId, int storedHash, boolean hashKnown, int bin);
}
