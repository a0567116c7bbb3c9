package io.mapleak.analysis;

import io.mapleak.detect.Thresholds;
import io.mapleak.heap.ReadOptions;
import io.mapleak.maps.UserMapSpec;
import io.mapleak.rank.KnownMaps;
import java.util.List;

/**
 * How to analyse a dump: how to read it, the detector thresholds, whether key and value text may appear in the
 * result ({@code redact} false), the user's own map descriptions, and the framework maps to recognise.
 */
public record AnalysisOptions(ReadOptions read, Thresholds thresholds, boolean redact, List<UserMapSpec> userMaps,
        KnownMaps knownMaps) {

    public AnalysisOptions {
        userMaps = List.copyOf(userMaps);
    }

    /** Default reading, default thresholds, no redaction, no user maps, the built-in framework maps. */
    public static AnalysisOptions defaults() {
        return new AnalysisOptions(ReadOptions.defaults(), new Thresholds(), false, List.of(), KnownMaps.builtIn());
    }

    public AnalysisOptions withRead(ReadOptions r) {
        return new AnalysisOptions(r, thresholds, redact, userMaps, knownMaps);
    }

    public AnalysisOptions withRedact(boolean r) {
        return new AnalysisOptions(read, thresholds, r, userMaps, knownMaps);
    }
}
