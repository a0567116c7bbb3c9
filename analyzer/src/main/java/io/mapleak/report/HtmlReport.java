package io.mapleak.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
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
 * <p>Its content comes from the contract's JSON tree, so the HTML and the JSON never disagree, plus the
 * {@link HtmlExtras} the JSON does not carry (owner path sizes, sample entries, inventory, classes). The tree is
 * embedded as {@code <script type="application/json" id="mapleak-report">} for tools that read the HTML.
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
    /** Warnings listed in the header; the JSON has all of them. */
    static final int WARNINGS_SHOWN = 12;
    /** Longest text for one evidence value; the JSON has it whole. */
    static final int EVIDENCE_CHARS = 400;
    private static final String SCRIPT_RESOURCE = "report-templates/sort-table.js";

    /** The template's order of findings for the advice shown first: damage, then specific leaks, then waste. */
    private static final List<String> LEAD_ORDER = List.of("concurrent-corruption", "mutated-keys",
            "weak-map-no-release", "stale-thread-locals", "unique-keys", "unbounded-cache", "unbounded-growth",
            "value-retention", "hollow-table", "small-map-overhead", "collision-hotspot", "static-root", "growth");

    /** The detectors' names, as DETECTORS.md gives them. */
    private static final Map<String, String> FINDING_NAMES = Map.ofEntries(
            Map.entry("unbounded-growth", "Map that only grows"),
            Map.entry("static-root", "Map anchored in a static field"),
            Map.entry("value-retention", "What the entries keep alive"),
            Map.entry("unique-keys", "Keys that never repeat"),
            Map.entry("weak-map-no-release", "Weak map that can never forget"),
            Map.entry("stale-thread-locals", "Thread-local values outliving their ThreadLocal"),
            Map.entry("unbounded-cache", "Cache without a bound"),
            Map.entry("hollow-table", "Table that never shrinks"),
            Map.entry("small-map-overhead", "Many tiny or empty maps"),
            Map.entry("collision-hotspot", "Hash collisions"),
            Map.entry("concurrent-corruption", "Map damaged by unsynchronised writes"),
            Map.entry("mutated-keys", "Keys changed after insertion"),
            Map.entry("growth", "Growing between dumps"));

    private HtmlReport() {
    }

    /** The page for {@code report} (the tree {@link AnalysisReport#build} makes) and {@code extras}. */
    public static String render(Map<String, Object> report, HtmlExtras extras) {
        Context context = new Context(Locale.ROOT);
        context.setVariable("page", page(report, extras));
        return Engine.INSTANCE.process("report", context);
    }

    /** Writes {@code html} to {@code target} atomically: a temporary file in the same directory, then a rename. */
    public static void write(Path target, String html) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * {@code tree} as compact JSON that cannot end or comment out the script element holding it: {@code <},
     * {@code >}, {@code &} and the two JavaScript line terminators appear only inside JSON strings, where their
     * {@code \}{@code uXXXX} escapes mean the same characters.
     */
    static String scriptSafeJson(Object tree) {
        String json;
        try {
            json = JsonReports.mapper().writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the report cannot be written as JSON", e);
        }
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

    private static Page page(Map<String, Object> report, HtmlExtras extras) {
        Map<String, Object> dump = map(report.get("dump"));
        long live = num(dump.get("liveBytes"), num(dump.get("heapBytes"), 0));
        List<Map<String, Object>> suspects = maps(report.get("suspects"));
        String path = str(dump.get("file"));
        String fileName = path.isEmpty() ? "heap dump" : Path.of(path).getFileName().toString();

        int high = 0;
        int medium = 0;
        int low = 0;
        for (Map<String, Object> s : suspects) {
            switch (str(s.get("severity"))) {
                case "high" -> high++;
                case "medium" -> medium++;
                default -> low++;
            }
        }
        String headline = suspects.isEmpty() ? "no suspects"
                : String.format(Locale.ROOT, "%d suspect%s: %d high, %d medium, %d low", suspects.size(),
                        suspects.size() == 1 ? "" : "s", high, medium, low);

        List<String> warnings = new ArrayList<>();
        for (Object w : list(report.get("warnings"))) {
            warnings.add(String.valueOf(w));
        }
        int moreWarnings = Math.max(0, warnings.size() - WARNINGS_SHOWN);
        warnings = warnings.subList(0, Math.min(WARNINGS_SHOWN, warnings.size()));

        List<Card> cards = new ArrayList<>();
        for (Map<String, Object> s : suspects) {
            int rank = (int) num(s.get("rank"), cards.size() + 1);
            cards.add(card(s, extras.suspects().get(rank), live, extras.redacted()));
        }
        String script = Engine.SCRIPT;
        String csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '" + sha256(script)
                + "'; base-uri 'none'; form-action 'none'";
        return new Page("mapleak: " + fileName + " (" + headline + ")", fileName, path, headline,
                facts(report, dump, extras), warnings, moreWarnings, glance(suspects, live), cards,
                inventory(extras), classLines(extras.classesByShallow(), num(dump.get("heapBytes"), live), false),
                classLines(extras.classesByRetained(), live, true), str(map(report.get("tool")).get("version")),
                scriptSafeJson(report), script, csp);
    }

    private static List<Fact> facts(Map<String, Object> report, Map<String, Object> dump, HtmlExtras extras) {
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("Dump", str(dump.get("file")), String.format(Locale.ROOT, "%s, %s, %s%s",
                bytes(num(dump.get("fileBytes"), 0)), str(dump.get("format")), str(dump.get("compression")),
                Boolean.TRUE.equals(dump.get("truncated")) ? ", truncated" : "")));
        facts.add(new Fact("Taken", timestamp(str(dump.get("timestamp"))), str(dump.get("timestamp"))));
        Map<String, String> hints = extras.jvmHints();
        if (!hints.isEmpty()) {
            String runtime = hints.getOrDefault("java.runtime.name", "Java");
            String version = hints.getOrDefault("java.runtime.version", hints.getOrDefault("java.version", "?"));
            String vendor = hints.containsKey("java.vendor") ? " (" + hints.get("java.vendor") + ")" : "";
            facts.add(new Fact("JVM", runtime + " " + version + vendor, String.join(", ", hints.values())));
        } else {
            facts.add(new Fact("JVM", "not recorded in the dump", ""));
        }
        long live = num(dump.get("liveBytes"), -1);
        long heap = num(dump.get("heapBytes"), 0);
        facts.add(new Fact("Heap used", live >= 0 ? bytes(live) + " live of " + bytes(heap) + " in the dump"
                : bytes(heap), String.format(Locale.ROOT, "%,d bytes live, %,d in the dump", live, heap)));
        long liveObjects = num(dump.get("liveObjects"), -1);
        facts.add(new Fact("Objects", String.format(Locale.ROOT, "%,d live of %,d; %,d classes", liveObjects,
                num(dump.get("objects"), 0), num(dump.get("classes"), 0)), ""));
        facts.add(new Fact("Maps", String.format(Locale.ROOT, "%,d decoded", num(report.get("mapCount"), 0)), ""));
        Map<String, Object> layout = map(dump.get("layout"));
        facts.add(new Fact("Object layout", String.format(Locale.ROOT, "%s, %d-byte headers, %d-byte references, "
                + "%d-byte alignment, %s fields%s%s", Boolean.TRUE.equals(layout.get("compressedOops"))
                        ? "compressed oops" : "uncompressed oops", num(layout.get("headerBytes"), 0),
                num(layout.get("referenceBytes"), 0), num(layout.get("alignment"), 0), str(layout.get("fieldLayout")),
                Boolean.TRUE.equals(layout.get("compactHeaders")) ? ", compact headers" : "",
                Boolean.TRUE.equals(layout.get("inferred")) ? " (inferred)" : " (given)"),
                str(layout.get("evidence"))));
        Object seconds = report.get("seconds");
        facts.add(new Fact("Analysis", String.format(Locale.ROOT, "%.1f s by mapleak %s%s",
                seconds instanceof Number n ? n.doubleValue() : 0.0, str(map(report.get("tool")).get("version")),
                Boolean.TRUE.equals(report.get("redacted")) ? "; keys and values redacted" : ""),
                phases(map(report.get("phases")))));
        return facts;
    }

    private static String phases(Map<String, Object> phases) {
        List<String> parts = new ArrayList<>();
        phases.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.2f s", k,
                v instanceof Number n ? n.doubleValue() : 0.0)));
        return String.join("; ", parts);
    }

    // ------------------------------------------------------------------ at a glance

    private static final int GLANCE_WIDTH = 340;
    private static final int GLANCE_ROW = 34;
    /** Room right of a bar's track for its value ("30.3 MB · 91.4%"). */
    private static final int VALUE_ROOM = 114;

    private static Chart glance(List<Map<String, Object>> suspects, long live) {
        List<Bar> bars = new ArrayList<>();
        int n = Math.min(GLANCE_BARS, suspects.size());
        double track = GLANCE_WIDTH - VALUE_ROOM;
        for (int i = 0; i < n; i++) {
            Map<String, Object> s = suspects.get(i);
            long retained = num(s.get("retainedBytes"), 0);
            double share = live > 0 ? Math.min(1.0, (double) retained / live) : 0;
            String severity = str(s.get("severity"));
            int rank = (int) num(s.get("rank"), i + 1);
            double y = i * GLANCE_ROW;
            bars.add(new Bar(cut("#" + rank + " " + str(s.get("title")), 54),
                    bytes(retained) + " · " + percent(share), rank + ". " + severity + ": " + str(s.get("title")),
                    "#suspect-" + rank, "bar " + severity, 1, y + 12, y + 17, Math.max(1.5, share * track), track));
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

    private static Card card(Map<String, Object> s, HtmlExtras.SuspectExtras extra, long live, boolean redacted) {
        int rank = (int) num(s.get("rank"), 0);
        long retained = num(s.get("retainedBytes"), 0);
        Map<String, Object> owner = map(s.get("owner"));
        List<Step> steps = new ArrayList<>();
        if (extra != null && !extra.ownerPath().isEmpty()) {
            for (HtmlExtras.PathStep p : extra.ownerPath()) {
                steps.add(new Step(p.label(), p.className(), p.retainedBytes() >= 0 ? bytes(p.retainedBytes()) : "",
                        live > 0 && p.retainedBytes() > 0 ? Math.min(100.0, 100.0 * p.retainedBytes() / live) : 0));
            }
        } else {
            for (Object label : list(owner.get("path"))) {
                steps.add(new Step(String.valueOf(label), "", "", 0));
            }
        }

        List<Map<String, Object>> findings = maps(s.get("findings"));
        Map<String, Object> lead = null;
        for (Map<String, Object> f : findings) {
            if (lead == null || leadIndex(str(f.get("kind"))) < leadIndex(str(lead.get("kind")))) {
                lead = f;
            }
        }
        List<FindingView> views = new ArrayList<>();
        Chart valueChart = null;
        Chart chainChart = null;
        for (Map<String, Object> f : findings) {
            String kind = str(f.get("kind"));
            Map<String, Object> evidence = map(f.get("evidence"));
            List<Fact> rows = new ArrayList<>();
            evidence.forEach((k, v) -> {
                boolean charted = kind.equals("value-retention") && (k.equals("valueClasses")
                        || k.equals("heaviestChain"));
                if (!charted && !shownAbove(k, v, s)) {
                    rows.add(evidenceRow(k, v));
                }
            });
            views.add(new FindingView(kind, FINDING_NAMES.getOrDefault(kind, kind),
                    f == lead ? "" : str(f.get("advice")), rows));
            if (kind.equals("value-retention")) {
                long mapRetained = num(evidence.get("retainedBytes"), retained);
                valueChart = valueClassChart(rank, maps(evidence.get("valueClasses")), mapRetained);
                chainChart = chainChart(rank, maps(evidence.get("heaviestChain")), mapRetained);
            }
        }

        List<MapLine> mapLines = new ArrayList<>();
        for (Map<String, Object> m : maps(s.get("maps"))) {
            long capacity = num(m.get("capacity"), -1);
            mapLines.add(new MapLine(str(m.get("objectId")), str(m.get("className")),
                    String.format(Locale.ROOT, "%,d", num(m.get("size"), 0)),
                    capacity >= 0 ? String.format(Locale.ROOT, "%,d", capacity) : "—",
                    bytes(num(m.get("retainedBytes"), 0))));
        }
        long mapCount = num(s.get("mapCount"), mapLines.size());
        String mapsLine = mapCount == 1 && mapLines.size() == 1 ? mapLines.get(0).className() + " "
                + mapLines.get(0).objectId() + ": " + mapLines.get(0).size() + " entries, capacity "
                + mapLines.get(0).capacity() + ", " + mapLines.get(0).retained() + " retained"
                : String.format(Locale.ROOT, "%,d maps share this owner; the largest:", mapCount);
        String moreMaps = mapCount > mapLines.size() && mapCount > 1
                ? String.format(Locale.ROOT, "and %,d more (all in the JSON's mapCount)", mapCount - mapLines.size())
                : "";

        List<Sample> samples = new ArrayList<>();
        String samplesNote;
        if (redacted) {
            samplesNote = "Entries are not shown: the report was made with --redact.";
        } else if (extra == null || extra.samples().isEmpty()) {
            samplesNote = "";
        } else {
            for (HtmlExtras.SampleEntry e : extra.samples()) {
                samples.add(new Sample(e.key(), e.value(), e.valueRetainedBytes() >= 0 ? bytes(e.valueRetainedBytes())
                        : "—"));
            }
            samplesNote = "The entries whose values retain the most, among the first entries of the "
                    + (mapCount > 1 ? "largest map" : "map") + ".";
        }
        String severity = str(s.get("severity"));
        return new Card(rank, "suspect-" + rank, severity, str(s.get("title")), str(s.get("summary")),
                bytes(retained), live > 0 ? percent((double) retained / live) + " of the live heap" : "",
                str(owner.get("label")), str(owner.get("root")), steps,
                lead == null ? "" : str(lead.get("advice")), lead == null ? "" : FINDING_NAMES.getOrDefault(
                        str(lead.get("kind")), str(lead.get("kind"))) + " (" + str(lead.get("kind")) + ")",
                mapsLine, mapCount == 1 ? List.of() : mapLines, moreMaps, views, valueChart, chainChart, samples,
                samplesNote);
    }

    /**
     * Whether an evidence value repeats what the card's head already shows for a single-map suspect: the map,
     * its owner, its entries, capacity and retained size (most findings carry these basics).
     */
    private static boolean shownAbove(String key, Object value, Map<String, Object> suspect) {
        List<Map<String, Object>> members = maps(suspect.get("maps"));
        if (num(suspect.get("mapCount"), 0) != 1 || members.size() != 1) {
            return false;
        }
        Map<String, Object> m = members.get(0);
        return switch (key) {
            case "map", "owner", "heapPercent" -> true;
            case "entries" -> value instanceof Number n && n.longValue() == num(m.get("size"), -2);
            case "capacity" -> value instanceof Number n && n.longValue() == num(m.get("capacity"), -2);
            case "retainedBytes" -> value instanceof Number n && n.longValue() == num(m.get("retainedBytes"), -2);
            default -> false;
        };
    }

    private static int leadIndex(String kind) {
        int i = LEAD_ORDER.indexOf(kind);
        return i < 0 ? LEAD_ORDER.size() : i;
    }

    private static final int DETAIL_CHART_WIDTH = 440;
    private static final int DETAIL_ROW = 32;

    private static Chart valueClassChart(int rank, List<Map<String, Object>> classes, long mapRetained) {
        if (classes.isEmpty()) {
            return null;
        }
        List<String> labels = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        for (Map<String, Object> c : classes) {
            labels.add(String.format(Locale.ROOT, "%s × %,d", str(c.get("class")), num(c.get("count"), 0)));
            values.add(num(c.get("retainedBytes"), 0));
        }
        return detailChart("value-classes-" + rank, "Retained by value class, against what the map retains ("
                + bytes(mapRetained) + ")", labels, values, mapRetained);
    }

    private static Chart chainChart(int rank, List<Map<String, Object>> chain, long mapRetained) {
        if (chain.isEmpty()) {
            return null;
        }
        List<String> labels = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        for (Map<String, Object> step : chain) {
            labels.add(str(step.get("step")) + "  " + str(step.get("class")));
            values.add(num(step.get("retainedBytes"), 0));
        }
        return detailChart("heaviest-chain-" + rank, "The heaviest chain from the map down to where the bytes are",
                labels, values, mapRetained);
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

    private static Inventory inventory(HtmlExtras extras) {
        List<Row> rows = new ArrayList<>();
        for (HtmlExtras.MapRow m : extras.inventory()) {
            double fill = m.capacity() > 0 ? (double) m.size() / m.capacity() : -1;
            rows.add(new Row(m.objectId(), m.className(), m.kind(), String.format(Locale.ROOT, "%,d", m.size()),
                    m.size(), m.capacity() >= 0 ? String.format(Locale.ROOT, "%,d", m.capacity()) : "—",
                    m.capacity(), fill >= 0 ? percent(fill) : "—", fill, bytes(m.retainedBytes()), m.retainedBytes(),
                    m.owner()));
        }
        String note = extras.inventoryTotal() > rows.size()
                ? String.format(Locale.ROOT, "The %,d that retain the most of %,d such maps; `mapleak maps` lists "
                        + "all.", rows.size(), extras.inventoryTotal())
                : "";
        return new Inventory(rows, extras.inventoryRule(), note);
    }

    private static List<ClassLine> classLines(List<HtmlExtras.ClassRow> rows, long whole, boolean retained) {
        List<ClassLine> lines = new ArrayList<>();
        for (HtmlExtras.ClassRow r : rows) {
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

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    private static long num(Object o, long otherwise) {
        return o instanceof Number n ? n.longValue() : otherwise;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static List<Map<String, Object>> maps(Object o) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object x : list(o)) {
            if (x instanceof Map<?, ?>) {
                out.add(map(x));
            }
        }
        return out;
    }

    private static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The template engine (thread-safe, templates cached) and the sorting script, made on first use. */
    private static final class Engine {
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
