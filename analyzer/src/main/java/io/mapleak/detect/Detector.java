package io.mapleak.detect;

import io.mapleak.maps.MapView;
import java.util.List;

/**
 * One question about maps, answered with evidence. Implementations are stateless and thread-safe. Everything the
 * rest of mapleak needs to know about a detector comes from it: its {@link DetectorInfo}, and how its finding reads
 * in a suspect's title and one-sentence summary.
 */
public interface Detector {

    DetectorInfo info();

    /** The id from DETECTORS.md ({@code unbounded-growth}...). */
    default String id() {
        return info().id();
    }

    /** Examines one map; adds findings to {@code out}. */
    default void examine(DetectContext ctx, MapView map, List<Finding> out) {
    }

    /** Examines all maps together (for detectors about groups); runs after {@link #examine}. */
    default void examineAll(DetectContext ctx, List<MapView> maps, List<Finding> out) {
    }

    /** The suspect's title when this detector's finding leads it, e.g. "HashMap keyed by UUIDs keeps growing". */
    String title(Finding f, Subject s);

    /** A clause for the suspect's one-sentence summary ("keys are UUIDs"), or null when the finding adds none. */
    default String clause(Finding f, Subject s) {
        return null;
    }

    /**
     * What titles and summaries may name: the lead map's class (simple name), the owner label, how many maps the
     * suspect has, and their entries (summed).
     */
    record Subject(String mapClass, String owner, int maps, long entries) {
    }
}
