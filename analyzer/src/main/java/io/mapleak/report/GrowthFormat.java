package io.mapleak.report;

import io.mapleak.heap.ByteCounts;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Growth numbers for people, shared by the terminal text and the HTML page: series, rates, durations, times. */
final class GrowthFormat {
    /** Series longer than this show their first values, an ellipsis, and the last. */
    static final int SERIES_SHOWN = 5;
    static final String ABSENT = "–";

    private GrowthFormat() {
    }

    /** {@code 20,000 → 40,000 → 60,000}; {@code –} where absent; long series cut in the middle. */
    static <T> String series(List<T> values, Function<T, String> format) {
        List<String> parts = new ArrayList<>();
        int n = values.size();
        for (int i = 0; i < n; i++) {
            if (n > SERIES_SHOWN && i == SERIES_SHOWN - 2) {
                parts.add("…");
                i = n - 2;
                continue;
            }
            T v = values.get(i);
            parts.add(v == null ? ABSENT : format.apply(v));
        }
        return String.join(" → ", parts);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String bytes(long b) {
        return ByteCounts.format(b);
    }

    /** {@code +19,800/min} or {@code –}. */
    static String perMinute(Double v) {
        return perMinute(v, "");
    }

    /** {@code +19,800 entries/min} ({@code noun} "entries"), or {@code –}. */
    static String perMinute(Double v, String noun) {
        if (v == null) {
            return ABSENT;
        }
        String digits = Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%,.0f", Math.abs(v))
                : String.format(Locale.ROOT, "%,.2f", Math.abs(v));
        return (v < 0 ? "-" : "+") + digits + (noun.isEmpty() ? "" : " " + noun) + "/min";
    }

    /** {@code +2.8 MB/min} or {@code –}. */
    static String bytesPerMinute(Long v) {
        if (v == null) {
            return ABSENT;
        }
        return (v < 0 ? "-" : "+") + ByteCounts.format(Math.abs(v)) + "/min";
    }

    /** {@code 45 s}, {@code 12 min}, {@code 2 h 6 min}, {@code 3 d 4 h}. */
    static String duration(double minutes) {
        long s = Math.round(minutes * 60);
        if (s < 60) {
            return s + " s";
        }
        long m = Math.round(minutes);
        if (m < 60) {
            return m + " min";
        }
        if (m < 24 * 60) {
            return (m / 60) + " h" + (m % 60 == 0 ? "" : " " + (m % 60) + " min");
        }
        long h = Math.round(minutes / 60);
        return (h / 24) + " d" + (h % 24 == 0 ? "" : " " + (h % 24) + " h");
    }

    /** {@code 2026-12-05 17:00:58 UTC}, or the text as given when it is not an ISO instant. */
    static String time(String iso) {
        try {
            return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                    .format(Instant.parse(iso).atOffset(ZoneOffset.UTC));
        } catch (DateTimeParseException | NullPointerException e) {
            return String.valueOf(iso);
        }
    }

    /** The file name of a path as given. */
    static String fileName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return slash >= 0 && slash < path.length() - 1 ? path.substring(slash + 1) : path;
    }
}
