package io.mapleak.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report in a real browser: headless Chromium (Debian's {@code chromium}; {@code .ci/run} installs it) opens
 * the report of the demo-shop fixture dump at 1366×768 and shows the leak first with its owner path and fix
 * without scrolling, the at-a-glance chart, and the owner path; the page fetches nothing (its source names no URL,
 * Chromium resolves no host, and its NetLog shows no request from the page); it reads the same with scripting
 * off. Saves {@code target/report-screenshot.png} (the README's picture is a copy of it in docs/). Without
 * Chromium the tests are skipped, or fail when the environment has {@code CI=true}.
 */
class HtmlReportBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A cold Chromium takes a second or two; this catches a hung one. */
    private static final long BROWSER_TIMEOUT_SECONDS = 90;
    static final Path SCREENSHOT = Path.of("target", "report-screenshot.png");
    private static final Path REPORTS = Path.of("target", "browser-report");

    private static Path chromium;
    private static Path report;
    private static JsonNode json;

    @TempDir
    Path temp;

    @BeforeAll
    static void makeReport() throws IOException {
        chromium = findChromium().orElse(null);
        if (chromium == null) {
            String why = "headless Chromium is not installed (Debian: apt-get install chromium)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(why + "; CI=true: the browser test must run");
            }
            Assumptions.assumeTrue(false, why);
        }
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "demo-shop");
        MapleakRun run = MapleakRun.of("analyze", dump.hprof().toString(), "-o", REPORTS.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        report = REPORTS.resolve("demo-shop.html").toAbsolutePath();
        json = JSON.readTree(REPORTS.resolve("demo-shop.json").toFile());
    }

    @Test
    void leakIsFirstWithItsChartAndOwnerPathAndNoRequestLeavesThePage() throws Exception {
        Path netLog = temp.resolve("netlog.json");
        String dom = browse(report, "--dump-dom", "--log-net-log=" + netLog);

        JsonNode first = json.at("/suspects/0");
        assertThat(first.at("/owner/label").asText()).endsWith("DemoShop$SessionRegistry.SESSIONS");
        String text = textOf(dom);
        assertThat(text).contains(first.at("/title").asText()).contains(first.at("/summary").asText());
        assertThat(dom).containsPattern("<svg id=\"glance-chart\"[^>]*>");
        assertThat(MapleakRun.count(dom, "class=\"bar high\"") + MapleakRun.count(dom, "class=\"bar medium\"")
                + MapleakRun.count(dom, "class=\"bar low\"")).isEqualTo(Math.min(10, json.at("/suspects").size()));
        assertThat(text).contains("Owner path: GC root to map")
                .contains("static io.mapleak.fixtures.scenario.DemoShop$SessionRegistry.SESSIONS");
        // The suspect inside #1 (the sessions' attribute maps) is drawn inside its card, not as a peer.
        assertThat(json.at("/suspects/0/nested/0/inside").asInt()).isEqualTo(1);
        assertThat(text).contains("inside #1 · " + json.at("/suspects/0/nested/0/severity").asText());
        assertThat(dom.indexOf("id=\"suspect-1\"")).isGreaterThanOrEqualTo(0)
                .isLessThan(dom.indexOf("Inside this suspect"));
        // The sorting script ran: the Content-Security-Policy lets exactly it through.
        assertThat(dom).contains("class=\"sortable scripted\"");

        String source = Files.readString(report, StandardCharsets.UTF_8);
        String outsideJson = source.replace(MapleakRun.embeddedText(source), "");
        assertThat(outsideJson).doesNotContainPattern("(?i)https?:").doesNotContainPattern("(?i)<link")
                .doesNotContainPattern("(?i)\\ssrc=");
        assertThat(pageRequests(netLog)).isEmpty();
    }

    @Test
    void ownerPathAndFixOfTheLeakAreVisibleWithoutScrollingAt1366x768AndItLoadsWithinTwoSeconds() throws Exception {
        Map<String, int[]> boxes = measureFirstCard(report);
        assertThat(boxes.get("loaded")[0]).as("milliseconds to the end of the load event").isLessThan(2000);
        assertFirstCardInView(boxes);
    }

    /** Every leak scenario's report opens on its leak: rank 1, with owner path and fix in the first screen. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"session-registry", "purged-map", "cleared-cache", "weak-values-hold-keys",
        "pooled-thread-locals", "racy-hashmap", "mutated-keys", "poor-hashcode", "unbounded-guava-cache",
        "unbounded-caffeine-cache", "lru-without-eviction"})
    void eachLeakScenarioOpensOnItsLeakWithOwnerPathAndFixInTheFirstScreen(String scenario) throws Exception {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, scenario);
        Path dir = temp.resolve(scenario);
        MapleakRun run = MapleakRun.of("analyze", dump.hprof().toString(), "-o", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode tree = JSON.readTree(dir.resolve(scenario + ".json").toFile());
        assertThat(tree.at("/suspects/0/owner/label").asText()).isEqualTo(dump.factString("owner"));
        Path html = dir.resolve(scenario + ".html");
        assertThat(textOf(browse(html, "--dump-dom"))).contains(tree.at("/suspects/0/title").asText());
        assertFirstCardInView(measureFirstCard(html));
    }

    /**
     * Long class and field names in a card's title and owner path wrap where the page offers a break (after a dot
     * or a {@code $}, or at a space), never inside a name ("SessionRegistr y.SESSIONS"): the characters before each
     * line break, as Chromium laid the text out at 1366x768.
     */
    @Test
    void longNamesWrapAtDotsAndDollarsNotInsideAWord() throws Exception {
        String html = Files.readString(report, StandardCharsets.UTF_8)
                .replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "")
                .replace("</body>", "<script>(function () {"
                        + "var out = [];"
                        + "var card = document.getElementById('suspect-1');"
                        + "var names = Array.prototype.slice.call(card.querySelectorAll('h2, ol.path code, .owner-line code'))"
                        + "  .concat(Array.prototype.slice.call(document.querySelectorAll('#inventory-table code.name')));"
                        + "names.forEach(function (el) {"
                        + "  var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);"
                        + "  var chars = []; var n; var space = false;"
                        + "  while ((n = walker.nextNode())) {"
                        + "    for (var i = 0; i < n.data.length; i++) {"
                        + "      if (/\\s/.test(n.data[i])) { space = true; continue; }"
                        + "      var r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);"
                        + "      var rect = r.getBoundingClientRect();"
                        + "      if (rect.width > 0) { chars.push([n.data[i], rect.top, space]); space = false; }"
                        + "    }"
                        + "  }"
                        + "  for (var k = 1; k < chars.length; k++) {"
                        + "    if (chars[k][1] > chars[k - 1][1] + 2) {"
                        + "      out.push((chars[k][2] ? '_' : chars[k - 1][0]) + '|' + chars[k][0]);"
                        + "    }"
                        + "  }"
                        + "  out.push('lines:' + (1 + out.filter(function (x) { return x.indexOf('|') > 0; }).length));"
                        + "});"
                        + "document.documentElement.setAttribute('data-breaks', out.join(' '));"
                        + "})();</script></body>");
        Path copy = temp.resolve("breaks.html");
        Files.writeString(copy, html, StandardCharsets.UTF_8);
        // A narrower window, so the demo's long title must wrap.
        String dom = browse(copy, "--window-size=1000,768", "--virtual-time-budget=3000", "--dump-dom");
        Matcher m = Pattern.compile("data-breaks=\"([^\"]*)\"").matcher(dom);
        assertThat(m.find()).as("the measuring script ran").isTrue();
        List<String> breaks = new ArrayList<>();
        for (String b : m.group(1).split(" ")) {
            if (b.contains("|")) {
                breaks.add(b);
            }
        }
        assertThat(breaks).as("the title wraps at this width").isNotEmpty();
        assertThat(breaks).allSatisfy(b -> assertThat(b.charAt(0)).as("the character before a line break in " + b)
                .isIn('.', '$', '_'));
    }

    private static void assertFirstCardInView(Map<String, int[]> boxes) {
        int height = boxes.get("viewport")[1];
        int width = boxes.get("viewport")[0];
        assertThat(width).isEqualTo(1366);
        for (String part : List.of("h2", ".owner-path", ".fix")) {
            assertThat(boxes.get(part)[0]).as(part + " top").isGreaterThanOrEqualTo(0);
            assertThat(boxes.get(part)[1]).as(part + " bottom, in a viewport of " + height).isLessThanOrEqualTo(height);
            assertThat(boxes.get(part)[2]).as(part + " right").isLessThanOrEqualTo(width);
        }
    }

    /**
     * Where the first suspect card's title, owner path and fix box sit at 1366x768, and when the load event
     * ended ("loaded"): measured by a copy of the page with a script added (and without the policy that would
     * block it).
     */
    private Map<String, int[]> measureFirstCard(Path page) throws Exception {
        String html = Files.readString(page, StandardCharsets.UTF_8)
                .replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "")
                .replace("</body>", "<script>(function () {"
                        + "var card = document.getElementById('suspect-1');"
                        + "var out = [];"
                        + "['.owner-path', '.fix', 'h2'].forEach(function (s) {"
                        + "  var r = card.querySelector(s).getBoundingClientRect();"
                        + "  out.push(s + '=' + Math.round(r.top) + ',' + Math.round(r.bottom) + ',' + Math.round(r.right));"
                        + "});"
                        + "out.push('viewport=' + window.innerWidth + 'x' + window.innerHeight);"
                        + "document.documentElement.setAttribute('data-measured', out.join(';'));"
                        + "window.addEventListener('load', function () { setTimeout(function () {"
                        + "  var n = performance.getEntriesByType('navigation')[0];"
                        + "  document.documentElement.setAttribute('data-loaded', Math.round(n.loadEventEnd));"
                        + "}, 0); });"
                        + "})();</script></body>");
        Path copy = temp.resolve("measured-" + page.getFileName());
        Files.writeString(copy, html, StandardCharsets.UTF_8);
        // Virtual time: Chromium dumps the DOM once the page is idle, after the load handler has run.
        String dom = browse(copy, "--virtual-time-budget=5000", "--dump-dom");
        Matcher loaded = Pattern.compile("data-loaded=\"(\\d+)\"").matcher(dom);
        assertThat(loaded.find()).as("the load event fired").isTrue();
        Matcher m = Pattern.compile("data-measured=\"([^\"]+)\"").matcher(dom);
        assertThat(m.find()).as("the measuring script ran").isTrue();
        Map<String, int[]> boxes = new HashMap<>();
        boxes.put("loaded", new int[] {Integer.parseInt(loaded.group(1))});
        for (String part : m.group(1).split(";")) {
            String[] kv = part.split("=");
            String[] nums = kv[1].split("[,x]");
            boxes.put(kv[0], Arrays.stream(nums).mapToInt(Integer::parseInt).toArray());
        }
        return boxes;
    }

    @Test
    void reportReadsTheSameWithScriptingOff() throws Exception {
        // Headless Chromium's --dump-dom and --screenshot need scripting themselves (scriptEnabled=false leaves them
        // empty), so the page's own scripts are turned off by its policy instead.
        String page = Files.readString(report, StandardCharsets.UTF_8).replaceFirst(
                "(<meta http-equiv=\"Content-Security-Policy\" content=\")[^\"]*\"", "$1script-src 'none'\"");
        Path copy = temp.resolve("no-scripts.html");
        Files.writeString(copy, page, StandardCharsets.UTF_8);
        String dom = browse(copy, "--dump-dom");
        String text = textOf(dom);
        assertThat(text).contains(json.at("/suspects/0/title").asText()).contains("Map inventory")
                .contains("Largest classes").contains("Sample entries");
        assertThat(dom).contains("id=\"glance-chart\"").contains("class=\"sortable\"")
                .doesNotContain("class=\"sortable scripted\"");
    }

    @Test
    void screenshotOfTheReportAt1366x768() throws Exception {
        Files.createDirectories(SCREENSHOT.toAbsolutePath().getParent());
        Files.deleteIfExists(SCREENSHOT);
        browse(report, "--hide-scrollbars", "--screenshot=" + SCREENSHOT.toAbsolutePath());
        byte[] png = Files.readAllBytes(SCREENSHOT);
        assertThat(png.length).as("a screenshot with content").isGreaterThan(10_000);
        assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        // PNG header: width and height at bytes 16..23, big-endian.
        assertThat(ByteBuffer.wrap(png, 16, 8).getInt()).isEqualTo(1366);
        assertThat(ByteBuffer.wrap(png, 20, 4).getInt()).isEqualTo(768);
    }

    @Test
    void markupFromADumpStaysTextInTheBrowser() throws Exception {
        Path dump = HostileDump.write(temp.resolve("hostile.hprof"));
        Path html = temp.resolve("hostile.html");
        MapleakRun run = MapleakRun.of("analyze", dump.toString(), "--html", html.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String dom = browse(html, "--dump-dom");
        assertThat(dom).doesNotContainPattern("(?i)<img").doesNotContainPattern("(?i)<b>istry")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(MapleakRun.count(dom.toLowerCase(Locale.ROOT), "<script")).isEqualTo(2);
    }

    // ------------------------------------------------------------------ Chromium

    static Optional<Path> findChromium() {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin/chromium")));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                candidates.add(Path.of(d, "chromium"));
                candidates.add(Path.of(d, "chromium-browser"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** Runs headless Chromium on {@code page} at 1366×768 with no host resolvable; returns its stdout. */
    private String browse(Path page, String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(temp, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--window-size=1366,768", "--host-resolver-rules=MAP * ~NOTFOUND"));
        command.addAll(List.of(args));
        command.add(page.toAbsolutePath().toUri().toString());
        Path stdout = temp.resolve("chromium.out");
        Path stderr = temp.resolve("chromium.err");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .redirectInput(Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("Chromium did not finish within " + BROWSER_TIMEOUT_SECONDS + " s: "
                    + String.join(" ", command));
        }
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("Chromium's exit code; stderr: " + err).isZero();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    /**
     * The URLs the page asked for, from Chromium's NetLog: requests whose initiator is an origin (a file:// page's
     * is "null"). The browser's own background requests have none ("not an origin") and are not the page's.
     */
    static List<String> pageRequests(Path netLog) throws IOException {
        JsonNode log = JSON.readTree(netLog.toFile());
        int startJob = log.at("/constants/logEventTypes/URL_REQUEST_START_JOB").asInt(-1);
        assertThat(startJob).as("NetLog names its event types").isGreaterThanOrEqualTo(0);
        List<String> urls = new ArrayList<>();
        for (JsonNode e : log.path("events")) {
            JsonNode params = e.path("params");
            if (e.path("type").asInt() == startJob && params.has("url")
                    && !"not an origin".equals(params.path("initiator").asText())) {
                urls.add(params.path("initiator").asText() + " -> " + params.path("url").asText());
            }
        }
        return urls;
    }

    /** The DOM's text: tags dropped, the entities the serializer writes decoded, breaks between parts closed up. */
    static String textOf(String dom) {
        return dom.replaceAll("<wbr>", "").replaceAll("<[^>]+>", " ").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&#39;", "'").replace("&nbsp;", " ").replace("&amp;", "&")
                .replaceAll("\\s+", " ");
    }
}
