package io.mapleak.detect;

import java.util.List;

/**
 * One detector's conclusion about one map (or a group of maps with one owner): which detector ({@code kind}, an
 * id from DETECTORS.md), the maps (object indices), the evidence read from the dump, the bytes at stake, one
 * paragraph of advice specific to what was found, and caveats: what limits the conclusion (a truncated dump, a
 * sample rather than every entry), in words.
 */
public record Finding(String kind, int[] maps, Evidence evidence, String advice, long bytesAtStake,
        List<String> caveats) {

    public Finding {
        caveats = List.copyOf(caveats);
    }

    public Finding(String kind, int[] maps, Evidence evidence, String advice, long bytesAtStake) {
        this(kind, maps, evidence, advice, bytesAtStake, List.of());
    }

    /** What kind of problem a finding is; severity and score use it. */
    public enum Category { LEAK, WASTE, BROKEN }

    public DetectorInfo info() {
        return Detectors.info(kind);
    }

    public Category category() {
        return info().category();
    }

    public Finding withCaveat(String caveat) {
        List<String> more = new java.util.ArrayList<>(caveats);
        more.add(caveat);
        return new Finding(kind, maps, evidence, advice, bytesAtStake, more);
    }
}
