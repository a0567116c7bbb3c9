package io.mapleak.growth;

import io.mapleak.detect.Thresholds;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The numbers {@link Growth} tells a trend from noise with, each with why it is what it is; every one can be
 * changed with {@code mapleak growth --threshold name=value}, and {@link #describe()} lists them.
 *
 * <p>A map is <em>growing</em> when, from the first input that lists it to the last, its entries rise by at least
 * {@code trend.share} of where they started and by at least {@code trend.entries}; or its retained bytes rise by
 * that share and by at least {@code trend.bytes}. Falling by as much is
 * <em>shrinking</em>; anything less is <em>stable</em>. Classes are judged the same way on their instance counts
 * ({@code trend.instances}) and shallow bytes ({@code trend.bytes}).
 */
public final class GrowthThresholds {
    private final Map<String, Double> values = new LinkedHashMap<>();
    private final Map<String, String> why = new LinkedHashMap<>();

    public GrowthThresholds() {
        def("trend.share", 0.10, "a change of less than a tenth of where the map started is churn, not a trend");
        def("trend.entries", 100, "and fewer than 100 entries either way is churn in any map");
        def("trend.bytes", 1 << 20, "or retained bytes: a rise of 1 MB (with the share) is growth even when the "
                + "count stays, as when values grow");
        def("trend.instances", 1000, "classes: instance counts move by hundreds between any two dumps");
    }

    private void def(String name, double value, String reason) {
        values.put(name, value);
        why.put(name, reason);
    }

    public double share() {
        return values.get("trend.share");
    }

    public double entries() {
        return values.get("trend.entries");
    }

    public double bytes() {
        return values.get("trend.bytes");
    }

    public double instances() {
        return values.get("trend.instances");
    }

    /** Sets {@code name=value}; an unknown name, a non-number or a negative value is an error a user can act on. */
    public GrowthThresholds set(String assignment) {
        Map.Entry<String, Double> a = Thresholds.parse(assignment, values.keySet());
        double v = a.getValue();
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("threshold " + a.getKey() + " takes a number from 0");
        }
        values.put(a.getKey(), v);
        return this;
    }

    /** name = value: why, one per line. */
    public String describe() {
        return Thresholds.describe(values, why, 16, 10);
    }

    public Map<String, Double> values() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
