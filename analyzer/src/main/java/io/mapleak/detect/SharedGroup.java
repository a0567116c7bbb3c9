package io.mapleak.detect;

/**
 * Maps that index the same entries (object indices, largest first), and the bytes they retain together: what
 * would be freed if all of them went, exact (see {@link io.mapleak.graph.SharedRetention}); or, where their
 * entries are also held by something else inside one object above them all ({@code holder}, else -1), what that
 * object retains, exact too (its retained size): freeing the maps alone would free no more than each alone.
 */
public record SharedGroup(int[] maps, long retainedTogether, int holder) {
    public boolean contains(int map) {
        for (int m : maps) {
            if (m == map) {
                return true;
            }
        }
        return false;
    }
}
