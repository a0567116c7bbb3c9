package io.mapleak.report;

import java.util.List;

/**
 * What {@code report-templates/growth.html} reads: the growth report already formatted and its sparklines already
 * laid out (SVG user units), so the template only places text and shapes. Strings from the dumps pass through
 * unchanged; the template writes every one with {@code th:text} or a {@code th:} attribute, which escape.
 */
public final class GrowthView {
    private GrowthView() {
    }

    /** The whole page; {@code json} is the growth report as JSON already escaped for a script element. */
    public record Page(String title, String headline, List<Input> inputs, String heapLine, Spark heapSpark,
            List<String> warnings, int moreWarnings, List<MapRow> maps, String mapsNote, List<ClassRow> classes,
            String classesNote, String thresholds, String toolVersion, String json, String script,
            String contentSecurityPolicy) {
    }

    /** One input: its number, file name and path, kind, when it was taken, live heap, max heap. */
    public record Input(int number, String fileName, String path, String kind, String taken, String live,
            String maxHeap, String analysedBy) {
    }

    /**
     * One map: {@code trend} is the CSS class and word, {@code owner} the owner label and {@code key} the normalised
     * path it was matched by, {@code path} the path in the latest input. The {@code *Sort} values are what the
     * optional sorting script compares ({@code order}: the report's own order).
     */
    public record MapRow(String id, String trend, String why, String owner, String key, String path, String className,
            Spark entries, String entriesText, Spark retained, String retainedText, String entriesRate,
            String bytesRate, String heapFullIn, int order, long entriesSort, long retainedSort,
            double bytesRateSort, double heapFullInSort) {
    }

    /** One class with its instance counts and their sparkline. */
    public record ClassRow(String name, String trend, Spark instances, String instancesText, String rate,
            String bytesRate) {
    }

    /**
     * A sparkline: {@code lines} are polyline point lists (a gap where the series is absent), {@code dots} one per
     * value with its text for the tooltip.
     */
    public record Spark(int width, int height, List<String> lines, List<Dot> dots, String label) {
    }

    /** A point of a sparkline, with what it stands for. */
    public record Dot(double x, double y, String title) {
    }
}
