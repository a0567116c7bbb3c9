package io.mapleak.rank;

import io.mapleak.detect.DetectContext;
import io.mapleak.detect.Finding;
import io.mapleak.graph.PathNamer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns findings into ranked suspects. Findings about maps with one owner label (20,000 sessions'
 * {@code Session.attributes} maps) form one suspect. The score is the share of the live heap retained (0-100)
 * plus fixed weights for what makes memory come back never (specific leak patterns), so it can be read as one
 * sentence. Severity: {@code high} when a suspect can plausibly cause an OutOfMemoryError (a specific leak
 * pattern over a material share of the heap) or is a damaged map; {@code medium} for significant waste or a leak
 * signal on less; {@code low} otherwise.
 */
public final class Ranker {
    /** Leak patterns specific enough that, on a material share of the heap, they are a leak and not a design. */
    static final Set<String> SPECIFIC_LEAKS = Set.of("unique-keys", "weak-map-no-release", "stale-thread-locals",
            "unbounded-cache", "mutated-keys");
    /** A specific leak pattern is high severity from this share of the live heap. */
    static final double HIGH_SHARE = 0.05;
    /** Below this, nothing can plausibly cause an OutOfMemoryError, whatever its share of a small heap. */
    static final long HIGH_MIN_BYTES = 1 << 20;
    /** Any finding becomes medium from this share of the live heap (retained or wasted). */
    static final double MEDIUM_SHARE = 0.01;

    private Ranker() {
    }

    public static List<Suspect> rank(DetectContext ctx, List<Finding> findings) {
        Map<String, List<Finding>> groups = new LinkedHashMap<>();
        for (Finding f : findings) {
            groups.computeIfAbsent(groupKey(ctx, f), k -> new ArrayList<>()).add(f);
        }
        List<Suspect> out = new ArrayList<>();
        for (var g : groups.entrySet()) {
            out.add(suspect(ctx, g.getKey(), g.getValue()));
        }
        out.sort(Comparator.comparingDouble(Suspect::score).reversed()
                .thenComparing(Comparator.comparingLong(Suspect::retainedBytes).reversed()));
        List<Suspect> ranked = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            Suspect s = out.get(i);
            ranked.add(new Suspect(i + 1, s.severity(), s.score(), s.title(), s.summary(), s.ownerLabel(),
                    s.ownerRoot(), s.ownerPath(), s.maps(), s.mapCount(), s.retainedBytes(), s.wastedBytes(),
                    s.findings()));
        }
        return ranked;
    }

    private static String groupKey(DetectContext ctx, Finding f) {
        Object owner = f.evidence().get("owner");
        if (f.maps().length > 1 && owner != null) {
            return owner.toString();
        }
        return owner != null ? owner.toString() : "map " + f.maps()[0];
    }

    private static Suspect suspect(DetectContext ctx, String owner, List<Finding> findings) {
        Set<Integer> maps = new LinkedHashSet<>();
        for (Finding f : findings) {
            for (int m : f.maps()) {
                maps.add(m);
            }
        }
        List<Integer> members = new ArrayList<>(maps);
        members.sort(Comparator.comparingLong((Integer m) -> ctx.tree().retainedSize(m)).reversed());
        long retained = 0;
        for (int m : members) {
            if (!nestedInAnother(ctx, m, maps)) {
                retained += ctx.tree().retainedSize(m);
            }
        }
        retained = Math.min(retained, ctx.liveBytes());
        long wasted = 0;
        Set<String> kinds = new LinkedHashSet<>();
        boolean broken = false;
        for (Finding f : findings) {
            kinds.add(f.kind());
            if (f.category() == Finding.Category.WASTE) {
                wasted += f.bytesAtStake();
            }
            broken |= f.kind().equals("concurrent-corruption");
        }
        double share = (double) retained / ctx.liveBytes();
        double wasteShare = (double) wasted / ctx.liveBytes();
        long specific = kinds.stream().filter(SPECIFIC_LEAKS::contains).count();
        double score = 100 * share + 15 * specific + (kinds.contains("static-root") ? 5 : 0)
                + (kinds.contains("unbounded-growth") ? 10 : 0) + 50 * wasteShare + (broken ? 100 : 0)
                + (kinds.contains("collision-hotspot") ? 2 : 0);
        String severity;
        if (broken || specific > 0 && retained >= HIGH_MIN_BYTES && (share >= HIGH_SHARE
                || kinds.contains("stale-thread-locals") && share >= HIGH_SHARE / 5)) {
            severity = "high";
        } else if (share >= MEDIUM_SHARE && kinds.stream().anyMatch(k -> !k.equals("static-root"))
                || wasteShare >= MEDIUM_SHARE || kinds.contains("collision-hotspot")
                || kinds.contains("mutated-keys")) {
            severity = "medium";
        } else {
            severity = "low";
        }
        int first = members.get(0);
        String ownerLabel = owner;
        String root = "other";
        List<String> path = List.of();
        int[] p = ctx.paths().pathTo(first);
        if (p.length > 0 && !kinds.contains("stale-thread-locals")) {
            PathNamer.Owner o = ctx.namer().owner(p);
            ownerLabel = o.label();
            root = o.root();
            path = o.path();
        } else if (kinds.contains("stale-thread-locals")) {
            root = "thread";
        }
        String title = title(ctx, kinds, findings, ownerLabel, members.size(), first);
        String summary = summary(kinds, findings, share, wasted, root, members.size());
        return new Suspect(0, severity, Math.round(score * 10) / 10.0, title, summary, ownerLabel, root, path,
                members, members.size(), retained, wasted, findings);
    }

    /** Whether another map of the group dominates this one (its bytes are already counted there). */
    private static boolean nestedInAnother(DetectContext ctx, int map, Set<Integer> group) {
        for (int d = ctx.tree().dominator(map), i = 0; d >= 0 && i < 64; d = ctx.tree().dominator(d), i++) {
            if (group.contains(d)) {
                return true;
            }
        }
        return false;
    }

    private static String title(DetectContext ctx, Set<String> kinds, List<Finding> findings, String owner,
            int maps, int first) {
        String cls = simple(ctx.index().classOf(first).name());
        if (kinds.contains("concurrent-corruption")) {
            return cls + " damaged by unsynchronised writes: " + owner;
        }
        if (kinds.contains("stale-thread-locals")) {
            Object threads = find(findings, "stale-thread-locals").evidence().get("threads");
            return "Stale thread-local values in " + threads + " threads";
        }
        if (kinds.contains("weak-map-no-release")) {
            return cls + " that can never forget: " + owner;
        }
        if (kinds.contains("mutated-keys")) {
            return "Keys changed after insertion in " + owner;
        }
        if (kinds.contains("unique-keys")) {
            return cls + " keyed by " + find(findings, "unique-keys").evidence().get("pattern") + " keeps growing: "
                    + owner;
        }
        if (kinds.contains("unbounded-cache")) {
            return "Cache without a bound: " + owner;
        }
        if (kinds.contains("unbounded-growth")) {
            return cls + " that only grows: " + owner;
        }
        if (kinds.contains("small-map-overhead")) {
            return String.format("%,d tiny maps held by %s", maps, owner);
        }
        if (kinds.contains("hollow-table")) {
            return cls + " table that never shrinks: " + owner;
        }
        if (kinds.contains("collision-hotspot")) {
            return "Hash collisions in " + owner;
        }
        if (kinds.contains("value-retention")) {
            return cls + " whose values hold most of its memory: " + owner;
        }
        return "Large " + cls + " in a static field: " + owner;
    }

    private static String summary(Set<String> kinds, List<Finding> findings, double share, long wasted, String root,
            int maps) {
        List<String> parts = new ArrayList<>();
        if (kinds.contains("concurrent-corruption")) {
            Object problems = find(findings, "concurrent-corruption").evidence().get("problems");
            parts.add("its internals are damaged (" + (problems instanceof List<?> l && !l.isEmpty() ? l.get(0)
                    : "inconsistent") + ")");
        }
        if (share >= 0.001) {
            String via = switch (root) {
                case "static-field" -> " through a static field";
                case "thread" -> " through a thread";
                case "jni" -> " through a JNI reference";
                default -> "";
            };
            parts.add(String.format(Locale.ROOT, "retains %.1f%% of the heap%s", 100 * share, via));
        }
        if (kinds.contains("unique-keys")) {
            parts.add("keys are " + find(findings, "unique-keys").evidence().get("pattern"));
        }
        if (kinds.contains("weak-map-no-release")) {
            parts.add("its values hold their own weak keys");
        }
        if (kinds.contains("stale-thread-locals")) {
            parts.add("threads hold values of ThreadLocals that are gone");
        }
        if (kinds.contains("mutated-keys")) {
            parts.add("some keys changed after insertion and can never be removed");
        }
        if (kinds.contains("unbounded-cache")) {
            parts.add("the cache has no size bound or expiry");
        } else if (kinds.contains("unbounded-growth")) {
            parts.add("nothing bounds it");
        }
        if (kinds.contains("value-retention")) {
            Finding f = find(findings, "value-retention");
            parts.add("most of it sits below its " + f.evidence().get("mostlyBelow"));
        }
        if (kinds.contains("small-map-overhead")) {
            parts.add(String.format("%,d maps hold at most two entries each", maps));
        }
        if (kinds.contains("hollow-table") || wasted > 0 && !kinds.contains("small-map-overhead")) {
            parts.add("wastes " + bytes(wasted) + " in empty table slots");
        }
        if (kinds.contains("collision-hotspot")) {
            parts.add("its keys collide in few bins");
        }
        if (parts.isEmpty()) {
            parts.add("held by a static field");
        }
        String s = String.join(", ", parts);
        return Character.toUpperCase(s.charAt(0)) + s.substring(1) + ".";
    }

    private static Finding find(List<Finding> findings, String kind) {
        return findings.stream().filter(f -> f.kind().equals(kind)).findFirst().orElseThrow();
    }

    private static String simple(String className) {
        int dot = className.lastIndexOf('.');
        return dot >= 0 ? className.substring(dot + 1) : className;
    }

    static String bytes(long b) {
        return io.mapleak.heap.ByteCounts.format(b);
    }
}
