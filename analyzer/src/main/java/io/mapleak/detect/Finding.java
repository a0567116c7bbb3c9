package io.mapleak.detect;

import java.util.Map;

/**
 * One detector's conclusion about one map (or a group of maps with one owner): which detector ({@code kind},
 * an id from DETECTORS.md), the maps, the evidence read from the dump, the bytes at stake, and one paragraph of
 * advice specific to what was found. {@code leak} marks memory that will not come back (versus waste or damage).
 */
public record Finding(String kind, int[] maps, Map<String, Object> evidence, String advice, long bytesAtStake,
        Category category) {

    /** What kind of problem a finding is; severity and score use it. */
    public enum Category { LEAK, WASTE, BROKEN }
}
