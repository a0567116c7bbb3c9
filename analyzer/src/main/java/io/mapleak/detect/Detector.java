package io.mapleak.detect;

import io.mapleak.maps.MapView;
import java.util.List;

/** One question about maps, answered with evidence. Implementations are stateless and thread-safe. */
public interface Detector {

    /** The id from DETECTORS.md ({@code unbounded-growth}...). */
    String id();

    /** Examines one map; adds findings to {@code out}. */
    default void examine(DetectContext ctx, MapView map, List<Finding> out) {
    }

    /** Examines all maps together (for detectors about groups); runs after {@link #examine}. */
    default void examineAll(DetectContext ctx, List<MapView> maps, List<Finding> out) {
    }
}
