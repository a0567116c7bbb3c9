package io.mapleak.report;

import io.mapleak.detect.Finding;
import io.mapleak.heap.DumpFacts;
import io.mapleak.heap.HeapIndex;
import io.mapleak.hprof.DumpFile;
import io.mapleak.rank.Suspect;
import io.mapleak.graph.DominatorTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of {@code mapleak analyze} as the JSON tree the report contract fixes (schema in
 * docs/report-schema.md): tool, dump, suspects with owner, maps and findings, warnings; plus fields the contract
 * allows (analysis seconds and phases, map count, thresholds). The HTML report embeds the same tree.
 */
public final class AnalysisReport {
    /** Members listed per grouped suspect; {@code mapCount} counts all of them. */
    static final int MAPS_LISTED = 5;

    private AnalysisReport() {
    }

    public static Map<String, Object> build(DumpFile file, HeapIndex index, DominatorTree tree, List<Suspect> suspects,
            int mapCount, Map<String, Double> phases, double seconds, Map<String, Object> extra,
            java.util.function.IntFunction<Map<String, Object>> mapDetails) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schemaVersion", JsonReports.SCHEMA_VERSION);
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("name", "mapleak");
        tool.put("version", toolVersion());
        root.put("tool", tool);
        DumpFacts facts = index.facts();
        Map<String, Object> dump = DumpJson.of(file, facts, index.objectCount(), index.classes().size(),
                index.heapBytes());
        dump.put("liveBytes", tree.reachableBytes());
        dump.put("liveObjects", tree.reachableObjects());
        root.put("dump", dump);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Suspect s : suspects) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("rank", s.rank());
            j.put("severity", s.severity());
            j.put("score", s.score());
            j.put("title", s.title());
            j.put("summary", s.summary());
            Map<String, Object> owner = new LinkedHashMap<>();
            owner.put("label", s.ownerLabel());
            owner.put("root", s.ownerRoot());
            owner.put("path", s.ownerPath());
            j.put("owner", owner);
            List<Map<String, Object>> maps = new ArrayList<>();
            for (int i = 0; i < Math.min(MAPS_LISTED, s.maps().size()); i++) {
                maps.add(mapDetails.apply(s.maps().get(i)));
            }
            j.put("maps", maps);
            j.put("mapCount", s.mapCount());
            j.put("retainedBytes", s.retainedBytes());
            j.put("wastedBytes", s.wastedBytes());
            List<Map<String, Object>> findings = new ArrayList<>();
            for (Finding f : s.findings()) {
                Map<String, Object> fj = new LinkedHashMap<>();
                fj.put("kind", f.kind());
                fj.put("evidence", f.evidence());
                fj.put("advice", f.advice());
                findings.add(fj);
            }
            j.put("findings", findings);
            list.add(j);
        }
        root.put("suspects", list);
        root.put("mapCount", mapCount);
        root.put("seconds", Math.round(seconds * 100) / 100.0);
        root.put("phases", phases);
        root.putAll(extra);
        root.put("warnings", facts.warnings());
        return root;
    }

    static String toolVersion() {
        String v = AnalysisReport.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
