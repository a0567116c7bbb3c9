package io.mapleak.detect;

import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code small-map-overhead}: many maps held by one field (one per session, per request, per node) that are
 * empty or hold one or two entries, so the maps' own machinery outweighs the data; also maps of maps.
 */
final class SmallMapOverheadDetector implements Detector {
    /** Small maps whose machinery is measured per group; the rest are estimated from their average. */
    private static final int OVERHEAD_SAMPLE = 2000;

    static final DetectorInfo INFO = new DetectorInfo("small-map-overhead", "Many tiny or empty maps",
            Finding.Category.WASTE, DetectorInfo.Role.WASTE, SmallMapsEvidence.class, 80, 0);

    @Override
    public DetectorInfo info() {
        return INFO;
    }

    @Override
    public String title(Finding f, Subject s) {
        return String.format(java.util.Locale.ROOT, "%,d tiny maps held by %s", s.maps(), s.owner());
    }

    @Override
    public String clause(Finding f, Subject s) {
        SmallMapsEvidence e = (SmallMapsEvidence) f.evidence();
        return String.format(java.util.Locale.ROOT, "%,d of its %,d maps hold at most two entries and cost %s in "
                + "map machinery", e.smallMaps(), e.maps(), EvidenceReader.bytes(e.overheadBytes()));
    }

    @Override
    public void examineAll(DetectContext ctx, List<MapView> maps, List<Finding> out) {
        long minMaps = ctx.thresholds.getLong("small.maps");
        if (maps.size() < minMaps) {
            return;
        }
        long small = ctx.thresholds.getLong("small.maxEntries");
        // ctx.views(), grouped; each group in object order: a deterministic sample
        for (var group : ctx.mapsByOwner().entrySet()) {
            List<MapView> members = group.getValue();
            if (members.size() < minMaps || group.getKey().startsWith("(")) {
                continue;
            }
            long[] histogram = new long[5]; // 0, 1, 2, 3-8, 9+
            long smallCount = 0;
            long sampledOverhead = 0;
            long sampled = 0;
            List<Integer> smallMaps = new ArrayList<>();
            for (MapView m : members) {
                long s = m.size();
                histogram[s == 0 ? 0 : s == 1 ? 1 : s == 2 ? 2 : s <= 8 ? 3 : 4]++;
                if (s <= small) {
                    smallCount++;
                    smallMaps.add(m.object());
                    if (sampled < OVERHEAD_SAMPLE) {
                        sampledOverhead += machinery(ctx, m);
                        sampled++;
                    }
                }
            }
            long overhead = sampled == 0 ? 0 : Math.round((double) sampledOverhead / sampled * smallCount);
            if (smallCount < ctx.thresholds.get("small.share") * members.size()) {
                continue;
            }
            Map<String, Long> h = new LinkedHashMap<>();
            h.put("0", histogram[0]);
            h.put("1", histogram[1]);
            h.put("2", histogram[2]);
            h.put("3-8", histogram[3]);
            h.put("9+", histogram[4]);
            SmallMapsEvidence e = new SmallMapsEvidence(group.getKey(), members.size(), smallCount, h, overhead,
                    sampled, members.get(0).implementation());
            String advice = String.format("%,d maps held by %s hold at most %d entries (%,d of them empty), and their "
                    + "own objects cost %s. Create the map only when the first entry arrives (leave the field null "
                    + "until then), use Map.of()/Collections.emptyMap() for the empty case and Map.of(k, v) for one "
                    + "entry, or size them small (new HashMap<>(2)); for maps of maps, consider one map keyed by "
                    + "both keys.", smallCount, group.getKey(), small, histogram[0], EvidenceReader.bytes(overhead));
            out.add(new Finding(id(), smallMaps.stream().mapToInt(Integer::intValue).toArray(), e, advice,
                    overhead));
        }
    }

    /** A small map's own bytes: what it retains minus what its keys and values retain. */
    private static long machinery(DetectContext ctx, MapView m) {
        long[] data = {0};
        m.entries((node, key, value, hash, known, bin) -> {
            for (long id : new long[] {key, value}) {
                int o = id == 0 ? -1 : ctx.index.indexOf(id);
                if (o >= 0 && EvidenceReader.dominatedBy(ctx, o, m.object())) {
                    data[0] += ctx.retained(o);
                }
            }
            return true;
        });
        return Math.max(ctx.index.shallowSize(m.object()), ctx.retained(m.object()) - data[0]);
    }
}
