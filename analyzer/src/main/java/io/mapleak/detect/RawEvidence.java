package io.mapleak.detect;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import java.util.Map;

/**
 * Evidence of a finding kind this version of mapleak does not know (a report written by a newer one), kept as the
 * fields it had so that re-rendering and re-writing the report loses nothing.
 */
public record RawEvidence(Map<String, Object> fields) implements Evidence {
    public RawEvidence {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }

    @JsonAnyGetter
    @Override
    public Map<String, Object> fields() {
        return fields;
    }
}
