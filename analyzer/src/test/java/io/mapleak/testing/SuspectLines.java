package io.mapleak.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The suspects of a JSON report as lines of text, for failure messages that show everything mapleak said. */
public final class SuspectLines {
    private SuspectLines() {
    }

    /** Every suspect of {@code report}, one indented line each, or {@code (none)}. */
    public static String describeAll(JsonNode report) {
        StringBuilder b = new StringBuilder();
        report.get("suspects").forEach(s -> b.append("  ").append(describe(s)).append('\n'));
        return b.length() == 0 ? "  (none)\n" : b.toString();
    }

    /** One suspect: rank, severity, score, title, owner, retained bytes, summary and the kinds of its findings. */
    public static String describe(JsonNode s) {
        List<String> kinds = new ArrayList<>();
        s.get("findings").forEach(f -> kinds.add(f.get("kind").asText()));
        return String.format(Locale.ROOT, "#%d %s (score %s) %s | owner %s | retained %,d | %s | findings %s",
                s.get("rank").asInt(), s.get("severity").asText(), s.get("score").asText(), s.get("title").asText(),
                s.get("owner").get("label").asText(), s.get("retainedBytes").asLong(), s.get("summary").asText(),
                kinds);
    }

    /** The suspect whose owner label is {@code owner} (those nested in another too), or null. */
    public static JsonNode ownedBy(JsonNode report, String owner) {
        for (JsonNode s : report.get("suspects")) {
            if (s.get("owner").get("label").asText().equals(owner)) {
                return s;
            }
            for (JsonNode n : s.path("nested")) {
                if (n.get("owner").get("label").asText().equals(owner)) {
                    return n;
                }
            }
        }
        return null;
    }
}
