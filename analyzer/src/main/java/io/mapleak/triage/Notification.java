package io.mapleak.triage;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.mapleak.report.ResultJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code --notify} sends: the leak signatures not told about before, each with the dumps it was seen in, and
 * where the index is. Its fields are part of the report contract of {@code docs/triage.md}.
 */
final class Notification {
    private Notification() {
    }

    /** The JSON body. */
    record Body(String schemaVersion, TriageIndex.Tool tool, String index, int count, List<Item> newSignatures) {
    }

    /** One new signature: as in index.json, with the dumps it was seen in so far. */
    record Item(String id, String kind, String label, String key, String severity, String title, List<String> dumps) {
    }

    static byte[] json(List<Store.Pending> pending, Path out, String version) {
        List<Item> items = new ArrayList<>();
        for (Store.Pending p : pending) {
            Store.SignatureRow s = p.signature();
            items.add(new Item(s.id(), s.kind(), s.label(), s.ownerKey(), s.severity(), s.title(), p.dumps()));
        }
        items.sort(java.util.Comparator.comparingInt((Item i) -> TriageIndex.level(i.severity())).reversed()
                .thenComparing(Item::id));
        try {
            return ResultJson.mapper().writeValueAsBytes(new Body(TriageIndex.SCHEMA_VERSION,
                    new TriageIndex.Tool("mapleak", version), out.resolve("index.html").toString(), items.size(), items));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a notification of strings and lists is always JSON", e);
        }
    }
}
