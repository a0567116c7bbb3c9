package io.mapleak.heap;

import java.util.Locale;

/** Byte counts for people: {@code 512 B}, {@code 1.5 KB}, {@code 277 MB} (binary units, three figures). */
public final class ByteCounts {
    private ByteCounts() {
    }

    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }
}
