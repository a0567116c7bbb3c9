package io.mapleak.detect;

import java.util.List;

/** {@code static-root}: the static field the map's strong path starts at, and that path. */
public record StaticRootEvidence(String field, List<String> path, long retainedBytes, double heapPercent)
        implements Evidence {
}
