package io.mapleak.rank;

import io.mapleak.detect.Finding;
import java.util.List;

/**
 * One entry of the report: a map, or maps sharing an owner, with everything found about them, ranked by
 * {@code score}, with a {@code severity} and a one-sentence {@code summary} that explains the score.
 */
public record Suspect(int rank, String severity, double score, String title, String summary, String ownerLabel,
        String ownerRoot, List<String> ownerPath, List<Integer> maps, int mapCount, long retainedBytes,
        long wastedBytes, List<Finding> findings) {
}
