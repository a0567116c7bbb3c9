package io.mapleak.triage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Growth from the stored inventory rows: the last dump's largest maps, matched in the earlier dumps by owner key
 * (array indices and hash bins normalised, so the same field matches in another process). A map absent from an
 * earlier dump's stored rows counts as absent there; the trend compares the first dump that has the map with the
 * last, and calls a change of less than {@value #STABLE_PERCENT}% stable.
 */
public final class InventoryGrowth implements MapGrowth {
    static final int STABLE_PERCENT = 10;

    @Override
    public List<Series> of(List<DumpMaps> dumps, int top) {
        List<Series> out = new ArrayList<>();
        if (dumps.size() < 2) {
            return out;
        }
        List<Map<String, MapRow>> byKey = new ArrayList<>();
        for (DumpMaps d : dumps) {
            Map<String, MapRow> m = new HashMap<>();
            for (MapRow r : d.maps()) {
                m.putIfAbsent(r.key(), r);
            }
            byKey.add(m);
        }
        List<MapRow> last = dumps.get(dumps.size() - 1).maps();
        for (MapRow lead : last.subList(0, Math.min(top, last.size()))) {
            List<Long> sizes = new ArrayList<>();
            List<Long> bytes = new ArrayList<>();
            for (Map<String, MapRow> m : byKey) {
                MapRow r = m.get(lead.key());
                sizes.add(r == null ? null : r.size());
                bytes.add(r == null ? null : r.retainedBytes());
            }
            out.add(new Series(lead.key(), lead.label(), lead.className(), sizes, bytes, trend(bytes)));
        }
        return out;
    }

    static String trend(List<Long> values) {
        Long first = values.get(0);
        Long last = values.get(values.size() - 1);
        if (first == null) {
            return last == null ? "gone" : "new";
        }
        if (last == null) {
            return "gone";
        }
        if (last * 100 > first * (100 + STABLE_PERCENT)) {
            return "growing";
        }
        if (last * 100 < first * (100 - STABLE_PERCENT)) {
            return "shrinking";
        }
        return "stable";
    }
}
