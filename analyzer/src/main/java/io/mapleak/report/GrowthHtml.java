package io.mapleak.report;

import io.mapleak.growth.GrowthResult;
import io.mapleak.growth.GrowthResult.ClassGrowth;
import io.mapleak.growth.GrowthResult.MapGrowth;
import io.mapleak.growth.Trend;
import io.mapleak.report.GrowthView.Dot;
import io.mapleak.report.GrowthView.Spark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.thymeleaf.context.Context;

/**
 * The growth report as one self-contained HTML page ({@code report-templates/growth.html}): the inputs and the live
 * heap's pace, a row per map with a small chart of its entries and one of its retained bytes across the inputs
 * (inline SVG), the classes whose instance counts grow fastest, and the JSON report embedded as
 * {@code <script type="application/json" id="mapleak-growth">}.
 *
 * <p>Safety as in {@link HtmlReport}: every string from a dump reaches the page through {@code th:text} or a
 * {@code th:} attribute; the embedded JSON cannot end its script element; the Content-Security-Policy allows no
 * network access and only the table-sorting script, by its hash. The page reads the same without it.
 */
public final class GrowthHtml {
    /** Map rows on the page (the changed ones come first); the JSON has all. */
    static final int MAP_ROWS = 300;
    /** Class rows on the page. */
    static final int CLASS_ROWS = 40;
    static final int WARNINGS_SHOWN = 20;
    private static final int SPARK_WIDTH = 132;
    private static final int SPARK_HEIGHT = 30;
    private static final double PAD = 3.5;

    private GrowthHtml() {
    }

    /** The page for {@code result}. */
    public static String render(GrowthResult result) {
        Context context = new Context(Locale.ROOT);
        context.setVariable("page", page(result));
        return HtmlReport.Engine.INSTANCE.process("growth", context);
    }

    /** Writes {@code html} to {@code target} atomically. */
    public static void write(Path target, String html) throws OutputException {
        Outputs.writeString(target, html);
    }

    private static GrowthView.Page page(GrowthResult r) {
        int n = r.inputs().size();
        double[] xs = xs(r);
        List<String> labels = new ArrayList<>();
        List<GrowthView.Input> inputs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GrowthResult.Input in = r.inputs().get(i);
            labels.add("input " + (i + 1) + " (" + GrowthFormat.time(in.timestamp()) + ")");
            inputs.add(new GrowthView.Input(i + 1, GrowthFormat.fileName(in.file()), in.file(), in.kind(),
                    GrowthFormat.time(in.timestamp()), GrowthFormat.bytes(in.liveBytes()),
                    in.maxHeapBytes() > 0 ? GrowthFormat.bytes(in.maxHeapBytes()) : "not known",
                    in.analysedBy() == null ? "" : "analysed by mapleak " + in.analysedBy()));
        }
        GrowthResult.Heap h = r.heap();
        String heapLine = String.format(Locale.ROOT, "Live heap %s, %s. Max heap %s%s.",
                GrowthFormat.series(h.liveBytes(), GrowthFormat::bytes), GrowthFormat.bytesPerMinute(h.bytesPerMinute()),
                h.maxHeapBytes() > 0 ? GrowthFormat.bytes(h.maxHeapBytes()) + " (" + h.maxHeapFrom() + ")"
                        : h.maxHeapFrom(),
                h.heapFullInMinutes() != null ? "; at this pace the heap is full in "
                        + GrowthFormat.duration(h.heapFullInMinutes()) : "");
        Spark heapSpark = spark(h.liveBytes(), xs, GrowthFormat::bytes, labels, "live heap");

        List<GrowthView.MapRow> maps = new ArrayList<>();
        for (MapGrowth m : r.maps()) {
            if (maps.size() == MAP_ROWS) {
                break;
            }
            String cls = m.mapCount() > 1 ? String.format(Locale.ROOT, "%s × %,d", m.className(), m.mapCount())
                    : m.className();
            maps.add(new GrowthView.MapRow("map-" + (maps.size() + 1), m.trend().word(), m.why(), m.owner().label(),
                    keyShown(m.owner()), String.join(" ", m.owner().path()), cls,
                    spark(m.sizes(), xs, GrowthFormat::count, labels, "entries"),
                    GrowthFormat.series(m.sizes(), GrowthFormat::count),
                    spark(m.retainedBytes(), xs, GrowthFormat::bytes, labels, "retained"),
                    GrowthFormat.series(m.retainedBytes(), GrowthFormat::bytes),
                    GrowthFormat.perMinute(m.entriesPerMinute()), GrowthFormat.bytesPerMinute(m.bytesPerMinute()),
                    m.heapFullInMinutes() == null ? "" : GrowthFormat.duration(m.heapFullInMinutes()),
                    maps.size() + 1, latest(m.sizes()), latest(m.retainedBytes()),
                    m.bytesPerMinute() == null ? 0 : m.bytesPerMinute(),
                    m.heapFullInMinutes() == null ? Double.MAX_VALUE : m.heapFullInMinutes()));
        }
        String mapsNote = r.maps().size() > maps.size() ? String.format(Locale.ROOT, "The first %,d of %,d maps; the "
                + "embedded JSON has all of them.", maps.size(), r.maps().size()) : "";

        List<GrowthView.ClassRow> classes = new ArrayList<>();
        for (ClassGrowth c : r.classes()) {
            if (classes.size() == CLASS_ROWS) {
                break;
            }
            classes.add(new GrowthView.ClassRow(c.name(), c.trend().word(),
                    spark(c.instances(), xs, GrowthFormat::count, labels, "instances"),
                    GrowthFormat.series(c.instances(), GrowthFormat::count), GrowthFormat.perMinute(c.instancesPerMinute()),
                    GrowthFormat.bytesPerMinute(c.bytesPerMinute())));
        }
        int compared = r.classTrends().values().stream().mapToInt(Integer::intValue).sum();
        String classesNote = compared == 0 ? "Classes are not compared: see the warnings."
                : String.format(Locale.ROOT, "Per class name, the instances GC roots reach, among the 500 classes "
                        + "with the most instances in each input (– where a class is not among them). Of %,d classes "
                        + "compared, %,d changed beyond the thresholds; %d shown, growing first.", compared,
                        r.classes().size(), classes.size());

        List<String> warnings = r.warnings().subList(0, Math.min(WARNINGS_SHOWN, r.warnings().size()));
        StringBuilder counts = new StringBuilder();
        r.trends().forEach((trend, c) -> {
            if (c > 0) {
                counts.append(counts.length() == 0 ? "" : ", ").append(c).append(' ').append(trend);
            }
        });
        String headline = String.format(Locale.ROOT, "%s of %d maps, %d inputs over %s",
                counts.length() == 0 ? "no maps" : counts, r.maps().size(), n,
                GrowthFormat.duration(r.inputs().get(n - 1).minutes()));
        List<String> thresholds = new ArrayList<>();
        r.thresholds().forEach((k, v) -> thresholds.add(k + " = " + (v == Math.rint(v)
                ? String.valueOf(v.longValue()) : String.valueOf(v))));
        String script = HtmlReport.Engine.SCRIPT;
        String csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '"
                + HtmlReport.sha256(script) + "'; base-uri 'none'; form-action 'none'";
        return new GrowthView.Page("mapleak growth: " + headline, headline, inputs, heapLine, heapSpark, warnings,
                r.warnings().size() - warnings.size(), maps, mapsNote, classes, classesNote,
                String.join(", ", thresholds), r.tool().version(), HtmlReport.scriptSafe(GrowthJson.toJson(r)), script,
                csp);
    }

    /** Where each input sits on a sparkline's x axis: by its time (evenly when all were taken at once). */
    private static double[] xs(GrowthResult r) {
        int n = r.inputs().size();
        double span = r.inputs().get(n - 1).minutes() - r.inputs().get(0).minutes();
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            double f = span > 0 ? (r.inputs().get(i).minutes() - r.inputs().get(0).minutes()) / span
                    : n == 1 ? 0.5 : (double) i / (n - 1);
            xs[i] = round(PAD + f * (SPARK_WIDTH - 2 * PAD));
        }
        return xs;
    }

    /** A sparkline of {@code values} from zero to their largest; absent values break the line. */
    private static <T extends Number> Spark spark(List<T> values, double[] xs, Function<T, String> format,
            List<String> labels, String what) {
        double max = 0;
        for (T v : values) {
            if (v != null) {
                max = Math.max(max, v.doubleValue());
            }
        }
        List<String> lines = new ArrayList<>();
        List<Dot> dots = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int inLine = 0;
        for (int i = 0; i < values.size(); i++) {
            T v = values.get(i);
            if (v == null) {
                if (inLine > 1) {
                    lines.add(line.toString());
                }
                line.setLength(0);
                inLine = 0;
                continue;
            }
            double y = round(SPARK_HEIGHT - PAD - (max > 0 ? v.doubleValue() / max : 0) * (SPARK_HEIGHT - 2 * PAD));
            line.append(line.length() == 0 ? "" : " ").append(xs[i]).append(',').append(y);
            inLine++;
            dots.add(new Dot(xs[i], y, labels.get(i) + ": " + format.apply(v) + " " + what));
        }
        if (inLine > 1) {
            lines.add(line.toString());
        }
        List<String> shown = new ArrayList<>();
        for (T v : values) {
            shown.add(v == null ? "absent" : format.apply(v));
        }
        return new Spark(SPARK_WIDTH, SPARK_HEIGHT, lines, dots, what + " per input: " + String.join(", ", shown));
    }

    /** The key a map was matched by, where it says more than its owner label ("static " + label says nothing). */
    private static String keyShown(io.mapleak.analysis.AnalysisResult.Owner owner) {
        String key = owner.key();
        return key == null || key.equals("static " + owner.label()) || key.equals(owner.label()) ? "" : key;
    }

    private static long latest(List<Long> values) {
        for (int i = values.size() - 1; i >= 0; i--) {
            if (values.get(i) != null) {
                return values.get(i);
            }
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
