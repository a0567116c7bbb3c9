package io.mapleak.report;

import java.io.IOException;
import java.nio.file.Path;

/** A file given as a mapleak report is not one (not JSON, another schema, fields missing): what and which file. */
public final class ReportFormatException extends IOException {
    public ReportFormatException(Path file, String why) {
        super(file + ": " + why);
    }
}
