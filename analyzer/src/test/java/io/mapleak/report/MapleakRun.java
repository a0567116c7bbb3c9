package io.mapleak.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mapleak.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the command line, and reading back the JSON that an HTML report embeds. */
record MapleakRun(int exitCode, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String EMBED_START = "<script type=\"application/json\" id=\"mapleak-report\">";

    static MapleakRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new MapleakRun(code, out.toString(), err.toString());
    }

    /** The text inside the report's JSON script element, as written. */
    static String embeddedText(String html) {
        int start = html.indexOf(EMBED_START);
        if (start < 0) {
            throw new AssertionError("no embedded JSON report in the page");
        }
        start += EMBED_START.length();
        return html.substring(start, html.indexOf("</script>", start));
    }

    static JsonNode embeddedJson(String html) throws IOException {
        return JSON.readTree(embeddedText(html));
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
