package io.mapleak.triage;

import io.mapleak.heap.ByteCounts;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
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
 * {@code OUT/index.html}: the index as one self-contained page, from {@code report-templates/triage-index.html}:
 * the leak signatures (new ones first), the growth of each application's largest maps as small charts, and every
 * dump, newest first, linking to its report.
 *
 * <p>The rows of the three tables that grow with the store (signatures, growth, dumps) are written here and put
 * where the template has a marker comment for them. Through the template, with about ten expressions a row,
 * 10,000 dumps took 3 s in a warm JVM and over 10 s in the fresh JVM that a cron job starts; written here, they
 * take tens of milliseconds warm. Every string in them goes through {@link #escape}, which leaves no character
 * that could end a text node or a quoted attribute; everything else on the page goes through {@code th:text}.
 * Links are only the reports' own relative paths. No script at all, and a Content-Security-Policy that allows no
 * request: the page works offline.
 */
public final class IndexPage {
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
            + "form-action 'none'";
    /** Dumps a signature row links to: its first and its latest few. */
    static final int SIGNATURE_LINKS = 4;
    static final int SPARK_WIDTH = 120;
    private static final int SPARK_HEIGHT = 24;
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final TemplateEngine ENGINE = engine();
    /** Where the template wants each table's rows: comments, which Thymeleaf passes through as they are. */
    static final String SIGNATURE_ROWS = "<!--mapleak:signature-rows-->";
    static final String GROWTH_ROWS = "<!--mapleak:growth-rows-->";
    static final String DUMP_ROWS = "<!--mapleak:dump-rows-->";

    private IndexPage() {
    }

    /** What the template shows: the header, and how many rows each table has (its rows are written here). */
    public record Page(String title, String headline, String generatedAt, String store, String version,
            int signatures, int applications, int dumps, String csp) {
    }

    /**
     * Renders a page of nothing, so that the first real one finds the template parsed and the engine's classes
     * loaded; safe on any thread, at any time (the engine is thread-safe).
     */
    static void warmUp() {
        render(new TriageIndex.Model(TriageIndex.SCHEMA_VERSION, new TriageIndex.Tool("mapleak", ""),
                "1970-01-01T00:00:00Z", 0, "", new TriageIndex.Counts(0, 0, 0, 0, 0, 0, 0), List.of(), List.of(),
                List.of()));
    }

    /** The page of {@code model}. */
    public static String render(TriageIndex.Model model) {
        StringWriter out = new StringWriter();
        try {
            write(model, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * Writes the page of {@code model} to {@code out}: the template's output, with each table's rows written where
     * its marker comment stands (a table without rows is not in the template's output), so that Thymeleaf never
     * handles the megabytes of rows.
     */
    public static void write(TriageIndex.Model model, Writer out) throws IOException {
        Context context = new Context(Locale.ROOT);
        context.setVariable("page", page(model));
        String skeleton = ENGINE.process("triage-index", context);
        int from = 0;
        for (String marker : List.of(SIGNATURE_ROWS, GROWTH_ROWS, DUMP_ROWS)) {
            int at = skeleton.indexOf(marker, from);
            if (at < 0) {
                continue;
            }
            out.write(skeleton, from, at - from);
            out.write(switch (marker) {
                case SIGNATURE_ROWS -> signatureRows(model.signatures());
                case GROWTH_ROWS -> growthRows(model.growth());
                default -> dumpRows(model.dumps());
            });
            from = at + marker.length();
        }
        out.write(skeleton, from, skeleton.length() - from);
    }

    static Page page(TriageIndex.Model m) {
        TriageIndex.Counts c = m.counts();
        String headline = String.format(Locale.ROOT, "%,d dump%s: %,d analysed, %,d failed, %,d waiting; %,d leak "
                + "signature%s, %,d new", c.dumps(), c.dumps() == 1 ? "" : "s", c.analysed(), c.failed(),
                c.pending() + c.running(), c.signatures(), c.signatures() == 1 ? "" : "s", c.newSignatures());
        return new Page("mapleak triage: " + headline, headline, shortTime(m.generatedAt()), m.store(),
                m.tool().version(), m.signatures().size(), m.growth().size(), m.dumps().size(), CSP);
    }

    /**
     * Per application: a heading row (its name, how many dumps over what span), then one row per map: entries and
     * retained bytes first to last, a sparkline of its retained bytes per dump, the trend.
     */
    static String growthRows(List<TriageIndex.Growth> growth) {
        StringBuilder b = new StringBuilder(growth.size() * 2000);
        for (TriageIndex.Growth g : growth) {
            b.append("<tr class=\"app\"><th colspan=\"6\"><code>").append(escape(g.application()))
                    .append("</code> <span class=\"note\">").append(g.dumps().size()).append(" dumps, ")
                    .append(shortTime(g.dumps().get(0).time())).append(" to ")
                    .append(shortTime(g.dumps().get(g.dumps().size() - 1).time())).append("</span></th></tr>\n");
            for (MapGrowth.Series s : g.maps()) {
                String retained = firstToLast(s.retainedBytes(), true);
                b.append("<tr><td><code title=\"").append(escape(s.key())).append("\">").append(escape(s.label()))
                        .append("</code></td><td><code>").append(escape(s.className())).append("</code></td>")
                        .append("<td class=\"num\">").append(firstToLast(s.sizes(), false)).append("</td>")
                        .append("<td class=\"num\">").append(retained).append("</td>")
                        .append("<td><svg class=\"spark\" role=\"img\" width=\"").append(SPARK_WIDTH)
                        .append("\" height=\"").append(SPARK_HEIGHT).append("\" viewBox=\"0 0 ").append(SPARK_WIDTH)
                        .append(' ').append(SPARK_HEIGHT).append("\" aria-label=\"retained bytes: ").append(retained)
                        .append("\"><polyline points=\"").append(points(s.retainedBytes())).append("\"/></svg></td>")
                        .append("<td>").append(escape(s.trend())).append("</td></tr>\n");
            }
        }
        return b.toString();
    }

    /** One row per signature: new, severity, title and kind, owner, count, first and last seen, a few dumps. */
    static String signatureRows(List<TriageIndex.Signature> signatures) {
        StringBuilder b = new StringBuilder(signatures.size() * 600);
        for (TriageIndex.Signature s : signatures) {
            b.append("<tr id=\"signature-").append(escape(s.id())).append('"').append(s.isNew() ? " class=\"fresh\"" : "")
                    .append("><td>").append(s.isNew() ? "<span class=\"badge new\">new</span>" : "").append("</td><td>");
            badge(b, s.severity());
            b.append("</td><td><span>").append(escape(s.title())).append("</span><br><code>").append(escape(s.kind()))
                    .append("</code></td><td><code title=\"").append(escape(s.key())).append("\">")
                    .append(escape(s.label())).append("</code></td><td class=\"num\">").append(s.count())
                    .append("</td><td class=\"when\">").append(shortTime(s.firstSeen())).append("</td><td class=\"when\">")
                    .append(shortTime(s.lastSeen())).append("</td><td><ul class=\"links\">");
            int n = s.dumps().size();
            for (int i = 0; i < n; i++) {
                if (i == 0 || i >= n - (SIGNATURE_LINKS - 1)) { // the first and the latest few
                    b.append("<li>");
                    link(b, s.reports().get(i), s.dumps().get(i), fileName(s.dumps().get(i)));
                    b.append("</li>");
                }
            }
            int more = n - Math.min(n, SIGNATURE_LINKS);
            if (more > 0) {
                b.append("<li class=\"note\">and ").append(more).append(" more</li>");
            }
            b.append("</ul></td></tr>\n");
        }
        return b.toString();
    }

    /** One row per dump: when it was taken, file, heap, top suspect, status (and why, for a failure), reports. */
    static String dumpRows(List<TriageIndex.Dump> dumps) {
        StringBuilder b = new StringBuilder(dumps.size() * 500);
        for (TriageIndex.Dump d : dumps) {
            String note = switch (d.status()) {
                case Store.FAILED -> d.error() == null ? "" : d.error();
                case Store.PENDING, Store.RUNNING -> d.attempts() > 0 ? "attempt " + d.attempts() : "";
                default -> (d.truncated() ? "truncated dump" : "") + (d.after() == null ? ""
                        : (d.truncated() ? "; " : "") + "file " + d.after());
            };
            TriageIndex.TopSuspect top = d.topSuspect();
            b.append("<tr><td class=\"when\">").append(shortTime(d.time())).append("</td><td class=\"file\"><code title=\"")
                    .append(escape(d.file())).append("\">").append(escape(fileName(d.file())))
                    .append("</code></td><td class=\"num\">")
                    .append(d.heapBytes() == null ? "" : ByteCounts.format(d.heapBytes())).append("</td><td>");
            if (top != null) {
                badge(b, top.severity());
                b.append(" <span>").append(escape(top.title())).append("</span>");
            } else if (Store.ANALYSED.equals(d.status())) {
                b.append("<span>no suspects</span>");
            }
            b.append("</td><td><span class=\"status-").append(escape(d.status())).append("\">").append(escape(d.status()))
                    .append("</span>");
            if (!note.isEmpty()) {
                b.append(" <span class=\"note\">").append(escape(note)).append("</span>");
            }
            b.append("</td><td class=\"nowrap\">");
            if (d.report() != null) {
                link(b, d.report().html(), null, "HTML");
                b.append(" · ");
                link(b, d.report().json(), null, "JSON");
            }
            b.append("</td></tr>\n");
        }
        return b.toString();
    }

    private static void badge(StringBuilder b, String severity) {
        b.append("<span class=\"badge ").append(escape(severity)).append("\">").append(escape(severity)).append("</span>");
    }

    /** A link to a report (relative to OUT), or the text alone when there is none. */
    private static void link(StringBuilder b, String href, String title, String text) {
        String t = title == null ? "" : " title=\"" + escape(title) + "\"";
        if (href == null) {
            b.append("<span").append(t).append('>').append(escape(text)).append("</span>");
        } else {
            b.append("<a href=\"").append(escape(href)).append('"').append(t).append('>').append(escape(text))
                    .append("</a>");
        }
    }

    /**
     * {@code text} safe in HTML text and in double- or single-quoted attribute values: {@code & < > " '} as
     * character references, as Thymeleaf's {@code th:text} writes them.
     */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            String r = switch (text.charAt(i)) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (r != null && b == null) {
                b = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (b != null) {
                if (r != null) {
                    b.append(r);
                } else {
                    b.append(text.charAt(i));
                }
            }
        }
        return b == null ? text : b.toString();
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
        return iso == null ? "" : MINUTES.format(Instant.parse(iso));
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
