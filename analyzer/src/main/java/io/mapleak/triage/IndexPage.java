package io.mapleak.triage;

import io.mapleak.heap.ByteCounts;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * {@code OUT/index.html}: the index as one self-contained page, rendered with Thymeleaf from
 * {@code report-templates/triage-index.html}: the leak signatures (new ones first), the growth of each
 * application's largest maps as small charts, and every dump, newest first, linking to its report.
 *
 * <p>Safety as in the analyze report: every string from a dump or a file name reaches the page through
 * {@code th:text} or an attribute (both escape); links are only ever the reports' own relative paths. No script
 * at all, and a Content-Security-Policy that allows no request: the page works offline and from a file share.
 * Rendering 10,000 dumps takes about a second once the engine is warm.
 */
public final class IndexPage {
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
            + "form-action 'none'";
    /** Dumps a signature row links to: its first and its latest few. */
    static final int SIGNATURE_LINKS = 4;
    private static final int SPARK_WIDTH = 120;
    private static final int SPARK_HEIGHT = 24;
    private static final TemplateEngine ENGINE = engine();

    private IndexPage() {
    }

    /** The page. */
    public record Page(String title, String headline, String generatedAt, String store, String version,
            List<SignatureLine> signatures, List<AppGrowth> growth, List<DumpLine> dumps, String csp) {
    }

    /** A dump as a link: its file name, the report it opens, the full path as a tooltip. */
    public record Link(String text, String href, String title) {
    }

    public record SignatureLine(String id, boolean isNew, String severity, String kind, String label, String key,
            String title, int count, String firstSeen, String lastSeen, List<Link> dumps, int moreDumps) {
    }

    public record AppGrowth(String application, String span, List<MapLine> maps) {
    }

    /** One map across an application's dumps: its entries first and last, a sparkline of its retained bytes. */
    public record MapLine(String label, String className, String entries, String retained, String trend,
            String points, int width, int height) {
    }

    public record DumpLine(String time, String file, String path, String application, String heap, String severity,
            String title, String owner, String status, String statusNote, String href, String jsonHref,
            int signatures) {
    }

    /** Renders the page of {@code model}. */
    public static String render(TriageIndex.Model model) {
        Context context = new Context(Locale.ROOT);
        context.setVariable("page", page(model));
        return ENGINE.process("triage-index", context);
    }

    static Page page(TriageIndex.Model m) {
        List<DumpLine> dumps = new ArrayList<>(m.dumps().size());
        for (TriageIndex.Dump d : m.dumps()) {
            String note = switch (d.status()) {
                case Store.FAILED -> d.error() == null ? "" : d.error();
                case Store.PENDING, Store.RUNNING -> d.attempts() > 0 ? "attempt " + d.attempts() : "";
                default -> (d.truncated() ? "truncated dump; " : "") + (d.after() == null ? "" : "file " + d.after());
            };
            TriageIndex.TopSuspect top = d.topSuspect();
            dumps.add(new DumpLine(shortTime(d.time()), fileName(d.file()), d.file(), d.application(),
                    d.heapBytes() == null ? "" : ByteCounts.format(d.heapBytes()),
                    top == null ? "" : top.severity(), top == null ? (Store.ANALYSED.equals(d.status())
                            ? "no suspects" : "") : top.title(), top == null ? "" : top.owner().label(), d.status(),
                    note, d.report() == null ? null : d.report().html(), d.report() == null ? null : d.report().json(),
                    d.signatures().size()));
        }

        List<SignatureLine> signatures = new ArrayList<>();
        for (TriageIndex.Signature s : m.signatures()) {
            List<Link> links = new ArrayList<>();
            int n = s.dumps().size();
            for (int i = 0; i < n; i++) {
                if (i == 0 || i >= n - (SIGNATURE_LINKS - 1)) { // the first and the latest few
                    links.add(new Link(fileName(s.dumps().get(i)), s.reports().get(i), s.dumps().get(i)));
                }
            }
            signatures.add(new SignatureLine(s.id(), s.isNew(), s.severity(), s.kind(), s.label(), s.key(), s.title(),
                    s.count(), shortTime(s.firstSeen()), shortTime(s.lastSeen()), links, n - links.size()));
        }

        List<AppGrowth> growth = new ArrayList<>();
        for (TriageIndex.Growth g : m.growth()) {
            List<MapLine> lines = new ArrayList<>();
            for (MapGrowth.Series s : g.maps()) {
                lines.add(new MapLine(s.label(), s.className(), firstToLast(s.sizes(), false),
                        firstToLast(s.retainedBytes(), true), s.trend(), points(s.retainedBytes()), SPARK_WIDTH,
                        SPARK_HEIGHT));
            }
            String span = g.dumps().size() + " dumps, " + shortTime(g.dumps().get(0).time()) + " to "
                    + shortTime(g.dumps().get(g.dumps().size() - 1).time());
            growth.add(new AppGrowth(g.application(), span, lines));
        }

        TriageIndex.Counts c = m.counts();
        String headline = String.format(Locale.ROOT, "%,d dump%s: %,d analysed, %,d failed, %,d waiting; %,d leak "
                + "signature%s, %,d new", c.dumps(), c.dumps() == 1 ? "" : "s", c.analysed(), c.failed(),
                c.pending() + c.running(), c.signatures(), c.signatures() == 1 ? "" : "s", c.newSignatures());
        return new Page("mapleak triage: " + headline, headline, shortTime(m.generatedAt()), m.store(),
                m.tool().version(), signatures, growth, dumps, CSP);
    }

    /** "1,200 → 61,000" (bytes formatted when {@code bytes}); a dump without the map shows as "—". */
    private static String firstToLast(List<Long> values, boolean bytes) {
        Long first = values.get(0);
        Long last = values.get(values.size() - 1);
        return format(first, bytes) + " → " + format(last, bytes);
    }

    private static String format(Long v, boolean bytes) {
        if (v == null) {
            return "—";
        }
        return bytes ? ByteCounts.format(v) : String.format(Locale.ROOT, "%,d", v);
    }

    /** A polyline through the values, scaled to the largest; dumps without the map are left out of the line. */
    static String points(List<Long> values) {
        long max = 1;
        for (Long v : values) {
            max = v == null ? max : Math.max(max, v);
        }
        StringBuilder b = new StringBuilder();
        double step = values.size() > 1 ? (SPARK_WIDTH - 4.0) / (values.size() - 1) : 0;
        for (int i = 0; i < values.size(); i++) {
            Long v = values.get(i);
            if (v != null) {
                double x = 2 + i * step;
                double y = SPARK_HEIGHT - 2 - (SPARK_HEIGHT - 4.0) * v / max;
                b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            }
        }
        if (b.indexOf(" ") < 0 && b.length() > 0) {
            b.append(' ').append(b); // one point: a line of no length, which the round cap draws as a dot
        }
        return b.toString();
    }

    private static String fileName(String path) {
        Path p = Path.of(path).getFileName();
        return p == null ? path : p.toString();
    }

    /** "2026-12-05 16:51 UTC" from an ISO instant; empty for none. */
    static String shortTime(String iso) {
        if (iso == null) {
            return "";
        }
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
                .format(Instant.parse(iso).atOffset(ZoneOffset.UTC));
    }

    private static TemplateEngine engine() {
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR"); // mapleak ships no logger for Thymeleaf's SLF4J
        }
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(IndexPage.class.getClassLoader());
        resolver.setPrefix("report-templates/");
        resolver.setSuffix(".html");
        resolver.setTemplateMode(TemplateMode.HTML);
        resolver.setCharacterEncoding("UTF-8");
        TemplateEngine engine = new TemplateEngine();
        engine.setTemplateResolver(resolver);
        return engine;
    }
}
