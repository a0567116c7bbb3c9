package io.mapleak.report;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code report-templates/report.html} reads: the report already formatted ("30.3 MB", "92.8%") and the
 * charts already laid out (coordinates in SVG user units), so the template only places text and shapes. Strings
 * from the dump pass through unchanged; the template writes every one with {@code th:text}, which escapes.
 */
public final class HtmlView {
    private HtmlView() {
    }

    /** The whole page. {@code json} is the report as JSON already escaped for a script element; see HtmlReport. */
    public record Page(String title, String fileName, String filePath, String headline, List<Fact> facts,
            List<String> warnings, int moreWarnings, Chart glance, List<Card> cards, Inventory inventory,
            List<ClassLine> classesByShallow, List<ClassLine> classesByRetained, List<Fact> holders,
            String toolVersion, String json, String script, String contentSecurityPolicy) {

        /**
         * {@code text} cut after each {@code .} and {@code $}, so the template can offer line breaks inside long
         * class and field names ({@code <wbr>} between the parts) without changing the text.
         */
        public List<String> parts(String text) {
            List<String> parts = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if ((c == '.' || c == '$') && i + 1 < text.length() && i + 1 - start >= 2) {
                    parts.add(text.substring(start, i + 1));
                    start = i + 1;
                }
            }
            parts.add(text.substring(start));
            return parts;
        }
    }

    /** A labelled value; {@code detail} (may be empty) is the exact figure behind a rounded one. */
    public record Fact(String label, String value, String detail) {
    }

    /** A horizontal bar chart: one bar per row, each against a full-width track that stands for 100%. */
    public record Chart(String id, String caption, int width, int height, List<Bar> bars, List<Tick> ticks) {
    }

    /**
     * One bar: {@code label} above it, {@code value} at the right end of the label line, the track from
     * {@code x} across {@code track} units, the bar over {@code width} of them. {@code href} links a bar to its
     * suspect's card (empty for none).
     */
    public record Bar(String label, String value, String tooltip, String href, String css, double x, double labelY,
            double barY, double width, double track) {
    }

    /** A tick on the chart's scale. */
    public record Tick(double x, double y, String label) {
    }

    /**
     * One suspect's card: {@code inside} is "inside #1" for a nested suspect (else empty), {@code known} what a
     * well-known framework map is (else empty), {@code fix} the one fix and {@code fixSource} what it is written
     * from; the findings are the evidence. Charts are null when the suspect has no value-retention finding.
     * {@code nested} are the cards of the suspects inside this one.
     */
    public record Card(int rank, String anchor, String severity, String inside, String title, String summary,
            String retained, String share, String ownerLabel, String ownerRoot, String known, List<Step> path,
            String fix, String fixSource, String mapsLine, List<MapLine> maps, String moreMaps,
            List<FindingView> findings, Chart valueChart, Chart whereChart, Chart chainChart, List<Sample> samples,
            String samplesNote, List<Card> nested) {
    }

    /** A step of the owner path; {@code percent} is its retained size as a share of the live heap (0..100). */
    public record Step(String label, String className, String retained, double percent) {
    }

    /** A finding of a suspect: its id, its detector's name, and its evidence (and caveats) as rows. */
    public record FindingView(String kind, String name, List<Fact> evidence) {
    }

    /** A member map of a suspect. */
    public record MapLine(String objectId, String className, String size, String capacity, String retained) {
    }

    /** A sample entry as text. */
    public record Sample(String key, String value, String retained) {
    }

    /** The map inventory: rows (largest retained first), the rule that chose them, and what was left out. */
    public record Inventory(List<Row> rows, String rule, String note) {
    }

    /** An inventory row; the {@code *Sort} values are what the optional sorting script compares. */
    public record Row(String objectId, String className, String kind, String size, long sizeSort, String capacity,
            long capacitySort, String fill, double fillSort, String retained, long retainedSort, String owner) {
    }

    /** A class in the largest-classes tables; {@code percent} of the live heap (0..100). */
    public record ClassLine(String name, String instances, String bytes, String share, double percent) {
    }
}
