package io.mapleak.growth;

/**
 * How to compare: the trend thresholds, and the max heap "full" means when the user knows it better than the dumps
 * ({@code --max-heap}; -1 to take it from the last dump).
 */
public record GrowthOptions(GrowthThresholds thresholds, long maxHeapBytes) {

    public static GrowthOptions defaults() {
        return new GrowthOptions(new GrowthThresholds(), -1);
    }
}
