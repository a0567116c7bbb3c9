package io.mapleak.capture;

import java.util.List;

/**
 * How to take a dump.
 *
 * @param all            dump unreachable objects too ({@code GC.heap_dump -all}); otherwise live objects only, after
 *                       the full GC the JVM runs for that
 * @param gzipLevel      0 for a plain dump, 1 to 9 for jcmd's chunked gzip at that level ({@code -gz=LEVEL})
 * @param checkDisk      refuse to dump when the output's file system has less free space than the dump should need
 * @param besideSuffixes files that will be written beside the dump, named like it with these suffixes instead of
 *                       {@code .hprof[.gz]} (the reports of {@code --analyze}: {@code .json}, {@code .html}); they
 *                       must not exist either, since nothing is overwritten
 */
public record CaptureOptions(boolean all, int gzipLevel, boolean checkDisk, List<String> besideSuffixes) {

    public CaptureOptions {
        if (gzipLevel < 0 || gzipLevel > 9) {
            throw new IllegalArgumentException("gzip level " + gzipLevel + " is not 0 (none) to 9");
        }
        besideSuffixes = List.copyOf(besideSuffixes);
    }

    public boolean gzip() {
        return gzipLevel > 0;
    }

    /** The diagnostic command that writes the dump to {@code file}, as jcmd would send it. */
    String heapDumpCommand(String file) {
        StringBuilder c = new StringBuilder("GC.heap_dump");
        if (all) {
            c.append(" -all");
        }
        if (gzip()) {
            c.append(" -gz=").append(gzipLevel);
        }
        // The JVM's argument parser splits at spaces and accepts a quoted value.
        return c.append(' ').append(file.indexOf(' ') >= 0 ? '"' + file + '"' : file).toString();
    }
}
