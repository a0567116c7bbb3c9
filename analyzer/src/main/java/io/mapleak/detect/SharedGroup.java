package io.mapleak.detect;

/**
 * Maps that index the same entries (object indices, largest first), and the bytes they retain together: what
 * would be freed if all of them went, exact (see {@link io.mapleak.graph.SharedRetention}).
 */
public record SharedGroup(int[] maps, long retainedTogether) {
    public boolean contains(int map) {
        for (int m : maps) {
            if (m == map) {
                return true;
            }
        }
        return false;
    }
}
