package io.mapleak.growth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak-test gate of {@code mapleak growth --fail-on growing}: met by a map whose trend is growing at least as
 * fast as {@code --fail-rate}, in retained bytes ({@code 1MB/h}, {@code 512KB/min}) or in entries ({@code 1000/min},
 * {@code 5/s}). A growing map whose rate cannot be measured (inputs taken at the same millisecond) meets it.
 *
 * @param perMinute the rate, per minute
 * @param bytes     whether the rate is in bytes (else entries)
 * @param text      the rate as given
 */
public record GrowthGate(double perMinute, boolean bytes, String text) {
    /** The default: a map that keeps growing by a megabyte an hour is a leak a soak test should stop. */
    public static final String DEFAULT_RATE = "1MB/h";

    private static final Pattern RATE = Pattern.compile(
            "\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(b|kb|k|mb|m|gb|g|kib|mib|gib)?\\s*/\\s*(s|sec|min|m|h|hour|d|day)\\s*",
            Pattern.CASE_INSENSITIVE);

    /** Parses a rate; anything else is an {@link IllegalArgumentException} saying what a rate looks like. */
    public static GrowthGate parse(String rate) {
        Matcher m = RATE.matcher(rate);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + rate + "' is not a rate: give bytes or entries per time, "
                    + "e.g. 1MB/h, 512KB/min, 1000/min, 5/s");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        double scale = switch (unit) {
            case "", "b" -> 1;
            case "kb", "k", "kib" -> 1L << 10;
            case "mb", "m", "mib" -> 1L << 20;
            default -> 1L << 30;
        };
        double minutes = switch (m.group(3).toLowerCase(Locale.ROOT)) {
            case "s", "sec" -> 1.0 / 60;
            case "min", "m" -> 1;
            case "h", "hour" -> 60;
            default -> 24 * 60;
        };
        return new GrowthGate(value * scale / minutes, !unit.isEmpty(), rate.trim());
    }

    /** The growing maps that meet the gate, fastest first. */
    public List<GrowthResult.MapGrowth> met(GrowthResult result) {
        List<GrowthResult.MapGrowth> out = new ArrayList<>();
        for (GrowthResult.MapGrowth m : result.maps()) {
            if (m.trend() != Trend.GROWING) {
                continue;
            }
            Number rate = m.entriesPerMinute();
            if (bytes) {
                rate = m.bytesPerMinute(); // not a ?: of Long and Double: it would unbox a null
            }
            if (rate == null || rate.doubleValue() >= perMinute) {
                out.add(m);
            }
        }
        return out;
    }
}
