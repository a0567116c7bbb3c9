package io.mapleak.triage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code OUT/index.json}: every dump the store knows, newest first, and the leak signatures across them, as the
 * report contract ({@code shared/design/REPORT-CONTRACT.md}) names them; plus the counts, and the growth of each
 * application's largest maps across its dumps. Built from one {@link Store.Snapshot}; the HTML page
 * ({@link IndexPage}) shows the same model. Cost: linear in dumps and sightings, plus one query for the maps of
 * the dumps that growth compares.
 */
public final class TriageIndex {
    public static final String SCHEMA_VERSION = "1.0";
    /** Dumps of one application that growth compares: its latest ones. */
    static final int GROWTH_DUMPS = 10;
    /** Maps per application that growth follows: the latest dump's largest. */
    static final int GROWTH_MAPS = 5;

    private TriageIndex() {
    }

    /** The whole index. */
    public record Model(String schemaVersion, Tool tool, String generatedAt, long generation, String store,
            Counts counts, List<Dump> dumps, List<Signature> signatures, List<Growth> growth) {
    }

    public record Tool(String name, String version) {
    }

    /** Dumps by status, and signatures (new: first listed by this index). */
    public record Counts(int dumps, int pending, int running, int analysed, int failed, int signatures,
            int newSignatures) {
    }

    /**
     * One dump. {@code time} is when it was taken (the HPROF header's time once analysed, before that the file's
     * modification time); {@code report} paths are relative to OUT; {@code after} says what {@code --after} did
     * ({@code gzipped}, {@code deleted}) and {@code currentFile} where the dump is now.
     */
    public record Dump(String file, String status, int attempts,
            @JsonInclude(JsonInclude.Include.NON_NULL) String error, String time, String analysedAt, Long heapBytes,
            long fileBytes, boolean truncated, Report report, TopSuspect topSuspect, List<String> signatures,
            String application, String after, String currentFile) {
    }

    public record Report(String json, String html) {
    }

    public record TopSuspect(String severity, String title, Label owner) {
    }

    public record Label(String label) {
    }

    /**
     * One leak signature: what it is made of ({@code kind}, {@code key}: the normalised owner path), the owner as
     * people read it, its highest severity and title, the dumps it was seen in (oldest first) with their HTML
     * reports, when those dumps were taken, and whether this index is the first to list it.
     */
    public record Signature(String id, String kind, String label, String key, String severity, String title,
            List<String> dumps, List<String> reports, int count, String firstSeen, String lastSeen,
            @JsonProperty("new") boolean isNew) {
    }

    /** One application's latest dumps (oldest first) and how its largest maps changed across them. */
    public record Growth(String application, List<GrowthDump> dumps, List<MapGrowth.Series> maps) {
    }

    public record GrowthDump(String file, String time) {
    }

    /** Builds the index of {@code snapshot}. */
    public static Model build(Store.Snapshot snapshot, Store.MapsReader mapsReader, MapGrowth growth, String store,
            String version, long nowMs) {
        Map<Long, Store.DumpRow> byId = new HashMap<>();
        for (Store.DumpRow d : snapshot.dumps()) {
            byId.put(d.id(), d);
        }
        Map<Long, List<String>> sigsByDump = new HashMap<>();
        Map<String, List<Store.DumpRow>> dumpsBySig = new HashMap<>();
        for (Store.SightingRow s : snapshot.sightings()) {
            Store.DumpRow d = byId.get(s.dumpId());
            if (d != null) {
                sigsByDump.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(s.signatureId());
                dumpsBySig.computeIfAbsent(s.signatureId(), k -> new ArrayList<>()).add(d);
            }
        }

        List<Store.DumpRow> newestFirst = new ArrayList<>(snapshot.dumps());
        newestFirst.sort(Comparator.comparingLong(Store.DumpRow::dumpTimeMs).thenComparingLong(Store.DumpRow::id)
                .reversed());
        int[] status = new int[4];
        List<Dump> dumps = new ArrayList<>(newestFirst.size());
        for (Store.DumpRow d : newestFirst) {
            status[statusIndex(d.status())]++;
            boolean analysed = Store.ANALYSED.equals(d.status());
            List<String> sigs = sigsByDump.getOrDefault(d.id(), new ArrayList<>());
            sigs.sort(null);
            dumps.add(new Dump(d.file(), d.status(), d.attempts(), Store.FAILED.equals(d.status()) ? d.error() : null,
                    time(d.dumpTimeMs()), d.analysedMs() == null ? null : time(d.analysedMs()), d.heapBytes(),
                    d.fileBytes(), d.truncated(), analysed ? new Report(d.reportJson(), d.reportHtml()) : null,
                    analysed && d.topSeverity() != null ? new TopSuspect(d.topSeverity(), d.topTitle(),
                            new Label(d.topLabel())) : null, sigs, d.application(), d.after(), d.currentFile()));
        }

        List<Signature> signatures = new ArrayList<>();
        int fresh = 0;
        for (Store.SignatureRow s : snapshot.signatures()) {
            List<Store.DumpRow> seen = dumpsBySig.getOrDefault(s.id(), new ArrayList<>());
            seen.sort(Comparator.comparingLong(Store.DumpRow::dumpTimeMs).thenComparingLong(Store.DumpRow::id));
            List<String> files = new ArrayList<>(seen.size());
            List<String> reports = new ArrayList<>(seen.size());
            for (Store.DumpRow d : seen) {
                files.add(d.file());
                reports.add(d.reportHtml());
            }
            boolean isNew = s.listedGeneration() != null && s.listedGeneration() == snapshot.generation();
            fresh += isNew ? 1 : 0;
            signatures.add(new Signature(s.id(), s.kind(), s.label(), s.ownerKey(), s.severity(), s.title(), files,
                    reports, files.size(), seen.isEmpty() ? null : time(seen.get(0).dumpTimeMs()),
                    seen.isEmpty() ? null : time(seen.get(seen.size() - 1).dumpTimeMs()), isNew));
        }
        signatures.sort(Comparator.comparing(Signature::isNew).thenComparingInt(s -> level(s.severity()))
                .thenComparing(s -> s.lastSeen() == null ? "" : s.lastSeen()).thenComparingInt(Signature::count)
                .reversed().thenComparing(Signature::id));

        Counts counts = new Counts(snapshot.dumps().size(), status[0], status[1], status[2], status[3],
                signatures.size(), fresh);
        return new Model(SCHEMA_VERSION, new Tool("mapleak", version), time(nowMs), snapshot.generation(), store,
                counts, dumps, signatures, growth(newestFirst, mapsReader, growth));
    }

    /** Applications with at least two analysed dumps: their latest {@link #GROWTH_DUMPS}, compared. */
    private static List<Growth> growth(List<Store.DumpRow> newestFirst, Store.MapsReader reader, MapGrowth growth) {
        Map<String, List<Store.DumpRow>> byApp = new LinkedHashMap<>();
        for (Store.DumpRow d : newestFirst) {
            if (Store.ANALYSED.equals(d.status())) {
                List<Store.DumpRow> app = byApp.computeIfAbsent(d.application(), k -> new ArrayList<>());
                if (app.size() < GROWTH_DUMPS) {
                    app.add(d);
                }
            }
        }
        byApp.values().removeIf(l -> l.size() < 2);
        List<Long> ids = new ArrayList<>();
        byApp.values().forEach(l -> l.forEach(d -> ids.add(d.id())));
        Map<Long, List<MapGrowth.MapRow>> maps = reader.of(ids);
        List<Growth> out = new ArrayList<>();
        for (Map.Entry<String, List<Store.DumpRow>> e : byApp.entrySet()) {
            List<Store.DumpRow> oldestFirst = new ArrayList<>(e.getValue());
            java.util.Collections.reverse(oldestFirst);
            List<MapGrowth.DumpMaps> in = new ArrayList<>();
            List<GrowthDump> files = new ArrayList<>();
            for (Store.DumpRow d : oldestFirst) {
                in.add(new MapGrowth.DumpMaps(d.file(), d.dumpTimeMs(), maps.getOrDefault(d.id(), List.of())));
                files.add(new GrowthDump(d.file(), time(d.dumpTimeMs())));
            }
            List<MapGrowth.Series> series = growth.of(in, GROWTH_MAPS);
            if (!series.isEmpty()) {
                out.add(new Growth(e.getKey(), files, series));
            }
        }
        return out;
    }

    static int level(String severity) {
        return severity == null ? -1 : switch (severity) {
            case "high" -> 2;
            case "medium" -> 1;
            default -> 0;
        };
    }

    private static int statusIndex(String status) {
        return switch (status) {
            case Store.PENDING -> 0;
            case Store.RUNNING -> 1;
            case Store.ANALYSED -> 2;
            default -> 3;
        };
    }

    static String time(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }
}
