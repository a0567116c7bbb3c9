package io.mapleak.growth;

import io.mapleak.analysis.AnalysisResult;
import java.nio.file.Path;

/**
 * One input of a growth comparison: a dump analysed for it, or an analyze report read back; either way the
 * {@link AnalysisResult} of one dump, which is all growth looks at (so both give the same answer).
 *
 * @param argument its position on the command line, from 1
 */
public record GrowthInput(Path file, Kind kind, int argument, AnalysisResult result) {

    /** Where the analysis came from. */
    public enum Kind {
        DUMP("dump"), REPORT("report");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }
}
