package io.mapleak.growth;

/**
 * How a series (a map's entries or retained bytes, a class's instances) changed from the first input that lists it
 * to the last that does: the two values, the rise, and the rise per minute. What happens in between does not count:
 * a batch map that filled and drained again ends where it started, one odd dump in the middle moves nothing.
 *
 * @param first     the value in the first input that lists it: the base a rise is judged against
 * @param rise      the last such value less the first
 * @param perMinute {@code rise} over the minutes between those inputs, or null when they were taken at the same
 *                  moment (or only one lists it)
 */
record Change(double first, double rise, Double perMinute) {

    /** The change over the values that are not null; null when fewer than two are. */
    static Change of(double[] minutes, Long[] values) {
        int firstAt = -1;
        int lastAt = -1;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                firstAt = firstAt < 0 ? i : firstAt;
                lastAt = i;
            }
        }
        if (firstAt < 0 || firstAt == lastAt) {
            return null;
        }
        double rise = values[lastAt] - (double) values[firstAt];
        double span = minutes[lastAt] - minutes[firstAt];
        return new Change(values[firstAt], rise, span > 0 ? rise / span : null);
    }
}
