package io.mapleak.detect;

/**
 * What a detector is, for everything downstream of it: its id (from DETECTORS.md), its name, what kind of problem
 * it finds, the record type of its evidence, the part its findings play in a suspect's severity and score, and
 * which finding leads a suspect's title and fix when several detectors speak about one map (lower leads).
 *
 * @param lead   order among a suspect's findings for the title and the fix: the most specific diagnosis first
 * @param weight score points a finding of this detector adds to its suspect (the rest is the heap share)
 */
public record DetectorInfo(String id, String name, Finding.Category category, Role role,
        Class<? extends Evidence> evidenceType, int lead, double weight) {

    /** How a detector's findings feed a suspect's severity. */
    public enum Role {
        /** A leak pattern specific enough that on a material share of the heap it is a leak, not a design. */
        SPECIFIC_LEAK,
        /** A large map that nothing bounds: a leak when it holds much of the heap through many entries. */
        GROWTH,
        /** Explains a suspect (what holds it, where its bytes are); never a suspect on its own. */
        CONTEXT,
        /** Memory held for nothing: severity follows the bytes wasted. */
        WASTE,
        /** A damaged map: always reported, always high. */
        DAMAGE,
        /** Slow lookups rather than memory. */
        PERFORMANCE
    }
}
