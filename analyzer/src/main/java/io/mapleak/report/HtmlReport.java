package io.mapleak.report;

import io.mapleak.analysis.AnalysisResult;
import io.mapleak.detect.Detectors;
import io.mapleak.detect.Severity;
import io.mapleak.detect.ValueRetentionEvidence;
import io.mapleak.report.HtmlView.Bar;
import io.mapleak.report.HtmlView.Card;
import io.mapleak.report.HtmlView.Chart;
import io.mapleak.report.HtmlView.ClassLine;
import io.mapleak.report.HtmlView.Fact;
import io.mapleak.report.HtmlView.FindingView;
import io.mapleak.report.HtmlView.Inventory;
import io.mapleak.report.HtmlView.MapLine;
import io.mapleak.report.HtmlView.Page;
import io.mapleak.report.HtmlView.Row;
import io.mapleak.report.HtmlView.Sample;
import io.mapleak.report.HtmlView.Step;
import io.mapleak.report.HtmlView.Tick;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * The HTML report of {@code mapleak analyze}: one self-contained file (inline CSS and SVG, no request to the
 * network, readable with scripting off, printable), rendered with Thymeleaf from {@code report-templates/report.html}.
 *
 * <p>Everything on the page comes from one {@link AnalysisResult}, the same the JSON report writes, so the HTML
 * and the JSON never disagree and a page can be made again from a JSON report ({@code mapleak report}). This class
 * formats; it computes nothing about the heap. The result is embedded as
 * {@code <script type="application/json" id="mapleak-report">} for tools that read the HTML.
 *
 * <p>Safety: every string from the dump reaches the page through {@code th:text} (escaped for HTML text and
 * attributes). The one unescaped insertion is the embedded JSON, which {@link #scriptSafeJson} makes unable to
 * end its script element ({@code <}, {@code >} and {@code &} become {@code \u003c}...). A Content-Security-Policy
 * allows no network access at all and only the one sorting script, by its hash. Rendering takes milliseconds once
 * the template engine is warm (about a second for the first report in a JVM).
 */
public final class HtmlReport {
    /** Suspects in the at-a-glance chart; the cards list all of them. */
    static final int GLANCE_BARS = 10;
    /** Inventory rows on the page, the most retained first; the JSON has more. */
    static final int INVENTORY_ROWS = 300;
    /** Warnings listed in the header; the JSON has all of them. */
    static final int WARNINGS_SHOWN = 12;
    /** Longest text for one evidence value; the JSON has it whole. */
    static final int EVIDENCE_CHARS = 400;
    private static final String SCRIPT_RESOURCE = "report-templates/sort-table.js";

    private HtmlReport() {
    }

    /** The page for {@code report}. */
    public static String render(AnalysisResult report) {
        Context context = new Context(Locale.ROOT);
        context.setVariable("page", page(report));
        return Engine.INSTANCE.process("report", context);
    }

    /** Writes {@code html} to {@code target} atomically: a temporary file in the same directory, then a rename. */
    public static void write(Path target, String html) throws OutputException {
        Outputs.writeString(target, html);
    }

    /**
     * The report as compact JSON that cannot end or comment out the script element holding it: {@code <},
     * {@code >}, {@code &} and the two JavaScript line terminators appear only inside JSON strings, where their
     * {@code \}{@code uXXXX} escapes mean the same characters.
     */
    static String scriptSafeJson(AnalysisResult report) {
        return scriptSafe(ResultJson.toJson(report));
    }

    /** {@code json} made unable to end or comment out a script element holding it (see {@link #scriptSafeJson}). */
    static String scriptSafe(String json) {
        StringBuilder b = new StringBuilder(json.length() + 64);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> b.append("\\u003c");
                case '>' -> b.append("\\u003e");
                case '&' -> b.append("\\u0026");
                case '\u2028' -> b.append("\\u2028");
                case '\u2029' -> b.append("\\u2029");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ the page

    private static Page page(AnalysisResult report) {
        AnalysisResult.Dump dump = report.dump();
        long live = dump.liveBytes() > 0 ? dump.liveBytes() : dump.heapBytes();
        List<AnalysisResult.Suspect> suspects = report.suspects();
        String path = dump.file() == null ? "" : dump.file();
        String fileName = path.isEmpty() ? "heap dump" : Path.of(path).getFileName().toString();

        int[] bySeverity = new int[Severity.values().length];
        int all = 0;
        for (AnalysisResult.Suspect top : suspects) {
            for (AnalysisResult.Suspect s : top.andNested()) {
                bySeverity[s.severity().ordinal()]++;
                all++;
            }
        }
        String headline = all == 0 ? "no suspects"
                : String.format(Locale.ROOT, "%s: %d high, %d medium, %d low", Words.count(all, "suspect", "suspects"),
                        bySeverity[Severity.HIGH.ordinal()], bySeverity[Severity.MEDIUM.ordinal()],
                        bySeverity[Severity.LOW.ordinal()]);

        List<String> warnings = new ArrayList<>(report.warnings());
        int moreWarnings = Math.max(0, warnings.size() - WARNINGS_SHOWN);
        warnings = warnings.subList(0, Math.min(WARNINGS_SHOWN, warnings.size()));

        List<Card> cards = new ArrayList<>();
        for (AnalysisResult.Suspect s : suspects) {
            cards.add(card(s, live, report.redacted()));
        }
        String script = Engine.SCRIPT;
        String csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '" + sha256(script)
                + "'; base-uri 'none'; form-action 'none'";
        List<Fact> notes = new ArrayList<>();
        for (AnalysisResult.Holder h : report.largestHolders()) {
            notes.add(new Fact(h.owner(), String.format(Locale.ROOT, "%s retained in %s (%s)", bytes(h.retainedBytes()),
                    Words.count(h.entries(), "entry", "entries"), h.className()), h.note()));
        }
        return new Page("mapleak: " + fileName + " (" + headline + ")", fileName, path, headline,
                facts(report, dump), warnings, moreWarnings, glance(suspects, live), cards,
                inventory(report.inventory()), classLines(report.classes().byShallow(), dump.heapBytes(), false),
                classLines(report.classes().byRetained(), live, true), notes, report.tool().version(),
                scriptSafeJson(report), script, csp);
    }

    private static List<Fact> facts(AnalysisResult report, AnalysisResult.Dump dump) {
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("Dump", dump.file(), String.format(Locale.ROOT, "%s, %s, %s%s", bytes(dump.fileBytes()),
                dump.format(), dump.compression(), dump.truncated() ? ", truncated" : "")));
        facts.add(new Fact("Taken", timestamp(dump.timestamp()), dump.timestamp()));
        Map<String, String> hints = dump.jvm();
        if (!hints.isEmpty()) {
            String runtime = hints.getOrDefault("java.runtime.name", "Java");
            String version = hints.getOrDefault("java.runtime.version", hints.getOrDefault("java.version", "?"));
            String vendor = hints.containsKey("java.vendor") ? " (" + hints.get("java.vendor") + ")" : "";
            facts.add(new Fact("JVM", runtime + " " + version + vendor, String.join(", ", hints.values())));
        } else {
            facts.add(new Fact("JVM", "not recorded in the dump", ""));
        }
        facts.add(new Fact("Heap used", bytes(dump.liveBytes()) + " live of " + bytes(dump.heapBytes()) + " in the dump",
                String.format(Locale.ROOT, "%,d bytes live, %,d in the dump", dump.liveBytes(), dump.heapBytes())));
        facts.add(new Fact("Objects", String.format(Locale.ROOT, "%,d live of %,d; %,d classes", dump.liveObjects(),
                dump.objects(), dump.classes()), ""));
        if (dump.unreachable() != null && dump.unreachable().objects() > 0) {
            facts.add(new Fact("Unreachable", String.format(Locale.ROOT, "%s in %,d objects no GC root reaches, not "
                    + "analysed", bytes(dump.unreachable().bytes()), dump.unreachable().objects()),
                    "garbage the dump kept, or objects held only through java.lang.Class fields such as reflection "
                    + "caches, which HPROF does not record"));
        }
        if (dump.truncation() != null) {
            AnalysisResult.Truncation t = dump.truncation();
            facts.add(new Fact("Read", String.format(Locale.ROOT, "%s in %,d objects before the cut; %,d references "
                    + "point past it", bytes(t.heapBytesRead()), t.objectsRead(), t.referencesToMissingObjects()),
                    t.where()));
        }
        facts.add(new Fact("Maps", String.format(Locale.ROOT, "%,d decoded", report.mapCount()), ""));
        AnalysisResult.Layout layout = dump.layout();
        facts.add(new Fact("Object layout", String.format(Locale.ROOT, "%s, %d-byte headers, %d-byte references, "
                + "%d-byte alignment, %s fields%s%s", layout.compressedOops() ? "compressed oops" : "uncompressed oops",
                layout.headerBytes(), layout.referenceBytes(), layout.alignment(), layout.fieldLayout(),
                layout.compactHeaders() ? ", compact headers" : "", layout.inferred() ? " (inferred)" : " (given)"),
                layout.evidence()));
        facts.add(new Fact("Analysis", String.format(Locale.ROOT, "%.1f s by mapleak %s%s", report.seconds(),
                report.tool().version(), report.redacted() ? "; keys and values redacted" : ""),
                phases(report.phases())));
        return facts;
    }

    private static String phases(Map<String, Double> phases) {
        List<String> parts = new ArrayList<>();
        phases.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.2f s", k, v)));
        return String.join("; ", parts);
    }

    // ------------------------------------------------------------------ at a glance

    private static final int GLANCE_WIDTH = 340;
    private static final int GLANCE_ROW = 34;
    /** Room right of a bar's track for its value ("30.3 MB · 91.4%"). */
    private static final int VALUE_ROOM = 114;

    /** One bar per ranked suspect; nested suspects are inside their bar, so they are not drawn as if additive. */
    private static Chart glance(List<AnalysisResult.Suspect> suspects, long live) {
        List<Bar> bars = new ArrayList<>();
        int n = Math.min(GLANCE_BARS, suspects.size());
        double track = GLANCE_WIDTH - VALUE_ROOM;
        for (int i = 0; i < n; i++) {
            AnalysisResult.Suspect s = suspects.get(i);
            double share = live > 0 ? Math.min(1.0, (double) s.retainedBytes() / live) : 0;
            String severity = s.severity().word();
            double y = i * GLANCE_ROW;
            String nested = s.nested().isEmpty() ? "" : " (" + s.nested().size() + " inside)";
            bars.add(new Bar(cut("#" + s.rank() + " " + s.title(), 54), bytes(s.retainedBytes()) + " · "
                    + percent(share), s.rank() + ". " + severity + ": " + s.title() + nested, "#suspect-" + s.rank(),
                    "bar " + severity, 1, y + 12, y + 17, Math.max(1.5, share * track), track));
        }
        List<Tick> ticks = new ArrayList<>();
        double axisY = n * GLANCE_ROW + 10;
        for (int p = 0; p <= 100; p += 25) {
            ticks.add(new Tick(1 + track * p / 100.0, axisY, p + "%"));
        }
        return new Chart("glance-chart", "Retained bytes of each suspect against the live heap (" + bytes(live)
                + ")", GLANCE_WIDTH, (int) axisY + 4, bars, n == 0 ? List.of() : ticks);
    }

    // ------------------------------------------------------------------ suspect cards

    private static Card card(AnalysisResult.Suspect s, long live, boolean redacted) {
        String anchor = s.inside() > 0 ? "suspect-" + s.inside() + "-" + s.owner().label().hashCode()
                : "suspect-" + s.rank();
        List<Step> steps = new ArrayList<>();
        if (!s.ownerPath().isEmpty()) {
            for (AnalysisResult.PathStep p : s.ownerPath()) {
                steps.add(new Step(p.label(), p.className() + (p.role() != null ? " — " + p.role() + ", holds it"
                        : ""), p.retainedBytes() >= 0 ? bytes(p.retainedBytes()) : "",
                        live > 0 && p.retainedBytes() > 0 ? Math.min(100.0, 100.0 * p.retainedBytes() / live) : 0));
            }
        } else {
            for (String label : s.owner().path()) {
                steps.add(new Step(label, "", "", 0));
            }
        }

        List<FindingView> views = new ArrayList<>();
        Chart valueChart = null;
        Chart whereChart = null;
        Chart chainChart = null;
        for (AnalysisResult.Finding f : s.findings()) {
            Map<String, Object> evidence = ResultJson.mapper().convertValue(f.evidence(),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
            List<Fact> rows = new ArrayList<>();
            boolean values = f.evidence() instanceof ValueRetentionEvidence;
            evidence.forEach((k, v) -> {
                boolean charted = values && (k.equals("valueClasses") || k.equals("heaviestChain")
                        || k.equals("bytesByClass"));
                if (!charted && v != null) {
                    rows.add(evidenceRow(k, v));
                }
            });
            for (String caveat : f.caveats()) {
                rows.add(new Fact("note", caveat, ""));
            }
            views.add(new FindingView(f.kind(), name(f.kind()), rows));
            if (f.evidence() instanceof ValueRetentionEvidence v) {
                long below = Math.max(v.keyRetainedBytes(), v.valueRetainedBytes());
                valueChart = valueClassChart(s.rank(), v.valueClasses(), s.retainedBytes(), v);
                whereChart = whereChart(s.rank(), v.bytesByClass(), below, v);
                chainChart = chainChart(s.rank(), v.heaviestChain());
            }
        }

        List<MapLine> mapLines = new ArrayList<>();
        for (AnalysisResult.MapRef m : s.maps()) {
            mapLines.add(new MapLine(m.objectId(), m.className(), String.format(Locale.ROOT, "%,d", m.size()),
                    m.capacity() >= 0 ? String.format(Locale.ROOT, "%,d", m.capacity()) : "—",
                    bytes(m.retainedBytes())));
        }
        long mapCount = s.mapCount();
        String mapsLine;
        if (mapCount == 1 && mapLines.size() == 1) {
            MapLine m = mapLines.get(0);
            mapsLine = m.className() + " " + m.objectId() + ": " + m.size() + " entries, capacity " + m.capacity()
                    + ", " + m.retained() + " retained";
        } else if (s.shared() != null) {
            mapsLine = String.format(Locale.ROOT, "%d maps index the same entries; together they retain %s, the "
                    + "largest alone %s:", s.shared().maps(), bytes(s.shared().retainedTogether()),
                    bytes(s.shared().largestAlone()));
        } else {
            mapsLine = String.format(Locale.ROOT, "%,d maps share this owner; the largest:", mapCount);
        }
        String moreMaps = mapCount > mapLines.size() && mapCount > 1
                ? String.format(Locale.ROOT, "and %,d more with the same owner (the JSON lists the %d largest and "
                        + "counts all of them in mapCount)", mapCount - mapLines.size(), mapLines.size())
                : "";

        List<Sample> samples = new ArrayList<>();
        String samplesNote;
        if (redacted) {
            samplesNote = "Entries are not shown: the report was made with --redact.";
        } else if (s.samples().isEmpty()) {
            samplesNote = "";
        } else {
            for (AnalysisResult.Sample e : s.samples()) {
                samples.add(new Sample(e.key(), e.value(), e.valueRetainedBytes() >= 0
                        ? bytes(e.valueRetainedBytes()) : "—"));
            }
            samplesNote = "The entries whose values retain the most, among the first entries of the "
                    + (mapCount > 1 ? "largest map" : "map") + ".";
        }
        List<Card> nested = new ArrayList<>();
        for (AnalysisResult.Suspect n : s.nested()) {
            nested.add(card(n, live, redacted));
        }
        String known = s.known() == null ? "" : s.known().what() + (s.known().library().isEmpty() ? ""
                : " (" + s.known().library() + ")");
        return new Card(s.rank(), anchor, s.severity().word(), s.inside() > 0 ? "inside #" + s.inside() : "",
                s.title(), s.summary(), bytes(s.retainedBytes()),
                live > 0 ? percent((double) s.retainedBytes() / live) + " of the live heap" : "", s.owner().label(),
                rootWords(s.owner().root()), known, steps, s.fix().text(), fixSource(s.fix()), mapsLine,
                mapCount == 1 ? List.of() : mapLines, moreMaps, views, valueChart, whereChart, chainChart, samples,
                samplesNote, nested);
    }

    /** What kind of root holds the map, in words for the owner line. */
    private static String rootWords(String root) {
        return switch (root) {
            case "static-field" -> "reached from a static field";
            case "thread" -> "held by a thread";
            case "jni" -> "held by a JNI reference";
            case "system-class" -> "held by a system class";
            default -> "held by another root";
        };
    }

    private static String fixSource(AnalysisResult.Fix fix) {
        List<String> names = new ArrayList<>();
        for (String b : fix.basedOn()) {
            names.add(b.startsWith("known map ") ? "what mapleak knows of this framework map" : name(b));
        }
        return "From: " + String.join(", ", names);
    }

    /** A finding kind's name from its detector ("Map that only grows"), or the kind itself if unknown. */
    private static String name(String kind) {
        Class<?> type = Detectors.evidenceType(kind);
        return type == null ? kind : Detectors.info(kind).name();
    }

    private static final int DETAIL_CHART_WIDTH = 440;
    private static final int DETAIL_ROW = 32;

    private static Chart valueClassChart(int rank, List<ValueRetentionEvidence.ClassRetained> classes,
            long mapRetained, ValueRetentionEvidence v) {
        if (classes.isEmpty()) {
            return null;
        }
        return classChart("value-classes-" + rank, "Retained by value class, against what the map retains ("
                + bytes(mapRetained) + ")" + sampledNote(v), classes, mapRetained);
    }

    /** Where the bytes below the values sit, by the class of the objects holding them. */
    private static Chart whereChart(int rank, List<ValueRetentionEvidence.ClassRetained> classes, long below,
            ValueRetentionEvidence v) {
        if (classes.isEmpty() || below <= 0) {
            return null;
        }
        return classChart("bytes-by-class-" + rank, "Where the bytes below its " + v.mostlyBelow() + " sit, by class "
                + "(against the " + bytes(below) + " below them)" + sampledNote(v), classes, below);
    }

    /** A bar per class: "byte[] × 24,000" and its bytes, against {@code whole}. */
    private static Chart classChart(String id, String caption, List<ValueRetentionEvidence.ClassRetained> classes,
            long whole) {
        List<String> labels = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        for (ValueRetentionEvidence.ClassRetained c : classes) {
            labels.add(String.format(Locale.ROOT, "%s × %,d", c.className(), c.count()));
            values.add(c.retainedBytes());
        }
        return detailChart(id, caption, labels, values, whole);
    }

    private static String sampledNote(ValueRetentionEvidence v) {
        return v.sampled() ? String.format(Locale.ROOT, "; the first %,d of %,d entries", v.entriesExamined(),
                v.entries()) : "";
    }

    /** The heaviest single entry's chain, each step against what the entry retains: where that entry's bytes are. */
    private static Chart chainChart(int rank, List<ValueRetentionEvidence.ChainStep> chain) {
        if (chain.size() < 2) {
            return null;
        }
        List<String> labels = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        for (ValueRetentionEvidence.ChainStep step : chain) {
            labels.add(step.step() + "  " + step.className());
            values.add(step.retainedBytes());
        }
        long whole = chain.get(0).retainedBytes();
        return detailChart("heaviest-chain-" + rank, "The heaviest entry (" + bytes(whole) + "), down to where its "
                + "bytes are", labels, values, whole);
    }

    private static Chart detailChart(String id, String caption, List<String> labels, List<Long> values, long whole) {
        List<Bar> bars = new ArrayList<>();
        double track = DETAIL_CHART_WIDTH - VALUE_ROOM;
        for (int i = 0; i < labels.size(); i++) {
            double share = whole > 0 ? Math.min(1.0, (double) values.get(i) / whole) : 0;
            double y = i * DETAIL_ROW;
            bars.add(new Bar(cut(labels.get(i), 72), bytes(values.get(i)) + " · " + percent(share), labels.get(i),
                    "", "bar detail", 1, y + 12, y + 17, Math.max(1.5, share * track), track));
        }
        return new Chart(id, caption, DETAIL_CHART_WIDTH, labels.size() * DETAIL_ROW, bars, List.of());
    }

    private static Fact evidenceRow(String key, Object value) {
        String label = words(key);
        if (value instanceof Number n && key.endsWith("Bytes")) {
            return new Fact(label, bytes(n.longValue()), String.format(Locale.ROOT, "%,d bytes", n.longValue()));
        }
        if (value instanceof Number n && key.endsWith("Percent")) {
            return new Fact(label, String.format(Locale.ROOT, "%.1f%%", n.doubleValue()), "");
        }
        String text = text(value);
        return new Fact(label, cut(text, EVIDENCE_CHARS), text.length() > EVIDENCE_CHARS ? "cut; the JSON has all" : "");
    }

    /** Evidence values as one line of text: numbers grouped, lists and objects inline. */
    private static String text(Object v) {
        if (v == null) {
            return "—";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) d)
                    : String.format(Locale.ROOT, "%,.3f", d).replaceAll("0+$", "");
        }
        if (v instanceof Number n) {
            return String.format(Locale.ROOT, "%,d", n.longValue());
        }
        if (v instanceof Boolean b) {
            return b ? "yes" : "no";
        }
        if (v instanceof Map<?, ?> m && m.get("className") != null && m.get("count") instanceof Number count) {
            // a class with its count (and bytes): "byte[] × 2,000 (1.2 MB)"
            Object b = m.get("retainedBytes");
            return String.format(Locale.ROOT, "%s × %,d", m.get("className"), count.longValue())
                    + (b instanceof Number n ? " (" + bytes(n.longValue()) + ")" : "");
        }
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(words(String.valueOf(k)) + ": " + text(x)));
            return String.join(", ", parts);
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Math.min(12, l.size()); i++) {
                parts.add(text(l.get(i)));
            }
            if (l.size() > 12) {
                parts.add(String.format(Locale.ROOT, "… %,d more", l.size() - 12));
            }
            return String.join(l.stream().anyMatch(x -> x instanceof Map) ? "; " : ", ", parts);
        }
        if (v.getClass().isArray()) {
            return "[array]";
        }
        return String.valueOf(v);
    }

    /** {@code keyRetainedBytes} → {@code key retained bytes}. */
    static String words(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 8);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(camel.charAt(i - 1))) {
                b.append(' ').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ inventory and classes

    private static Inventory inventory(AnalysisResult.Inventory inventory) {
        List<Row> rows = new ArrayList<>();
        for (AnalysisResult.InventoryRow m : inventory.rows()) {
            if (rows.size() == INVENTORY_ROWS) {
                break;
            }
            double fill = m.capacity() > 0 ? (double) m.size() / m.capacity() : -1;
            String cls = m.mapCount() > 1 ? String.format(Locale.ROOT, "%s × %,d", m.className(), m.mapCount())
                    : m.className();
            rows.add(new Row(m.objectId(), cls, m.kind(), String.format(Locale.ROOT, "%,d", m.size()),
                    m.size(), m.capacity() >= 0 ? String.format(Locale.ROOT, "%,d", m.capacity()) : "—",
                    m.capacity(), fill >= 0 ? percent(fill) : "—", fill, bytes(m.retainedBytes()), m.retainedBytes(),
                    m.owner().label()));
        }
        String note = inventory.total() > rows.size()
                ? String.format(Locale.ROOT, "The %,d that retain the most of %,d; the JSON report has %,d, and "
                        + "`mapleak maps` lists every map.", rows.size(), inventory.total(), inventory.rows().size())
                : "";
        return new Inventory(rows, inventory.rule(), note);
    }

    private static List<ClassLine> classLines(List<AnalysisResult.ClassRow> rows, long whole, boolean retained) {
        List<ClassLine> lines = new ArrayList<>();
        for (AnalysisResult.ClassRow r : rows) {
            long b = retained ? r.retainedBytes() : r.shallowBytes();
            double share = whole > 0 ? Math.min(1.0, (double) b / whole) : 0;
            lines.add(new ClassLine(r.name(), String.format(Locale.ROOT, "%,d", r.instances()), bytes(b),
                    percent(share), 100 * share));
        }
        return lines;
    }

    // ------------------------------------------------------------------ formatting and tree access

    static String bytes(long b) {
        return io.mapleak.heap.ByteCounts.format(b);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, share < 0.001 && share > 0 ? "%.2f%%" : "%.1f%%", 100 * share);
    }

    private static String timestamp(String iso) {
        try {
            return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
                    .format(Instant.parse(iso).atOffset(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return iso;
        }
    }

    /** At most {@code max} characters, with an ellipsis when cut. */
    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** The CSP source of a script: {@code sha256-BASE64}. */
    static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The template engine (thread-safe, templates cached) and the sorting script, made on first use. */
    static final class Engine {
        static final TemplateEngine INSTANCE = create();
        static final String SCRIPT = resource(SCRIPT_RESOURCE);

        private static TemplateEngine create() {
            // Thymeleaf logs through SLF4J; mapleak ships no logger, and SLF4J would say so on stderr.
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "ERROR");
            }
            ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(HtmlReport.class.getClassLoader());
            resolver.setPrefix("report-templates/");
            resolver.setSuffix(".html");
            resolver.setTemplateMode(TemplateMode.HTML);
            resolver.setCharacterEncoding("UTF-8");
            resolver.setCacheable(true);
            TemplateEngine engine = new TemplateEngine();
            engine.setTemplateResolver(resolver);
            return engine;
        }

        private static String resource(String name) {
            try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException(name + " is missing from mapleak's class path");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
