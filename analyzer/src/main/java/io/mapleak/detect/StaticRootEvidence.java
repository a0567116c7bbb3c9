package io.mapleak.detect;

import java.util.List;

/**
 * {@code static-root}: the static field the map's strong path starts at, and that path; the Spring singleton on
 * that path nearest the map, if any: {@code beanClass}, and {@code bean}, its name (null with {@code --redact}).
 */
public record StaticRootEvidence(String field, List<String> path, long retainedBytes, double heapPercent,
        String bean, String beanClass) implements Evidence {
}
