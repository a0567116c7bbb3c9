package io.mapleak.rank;

import io.mapleak.detect.CollisionEvidence;
import io.mapleak.detect.DefinedClassesEvidence;
import io.mapleak.detect.DetectContext;
import io.mapleak.detect.Detector;
import io.mapleak.detect.DetectorInfo;
import io.mapleak.detect.DetectorInfo.Role;
import io.mapleak.detect.Detectors;
import io.mapleak.detect.Finding;
import io.mapleak.detect.SessionLifetimeEvidence;
import io.mapleak.detect.Severity;
import io.mapleak.detect.SharedGroup;
import io.mapleak.detect.SmallMapsEvidence;
import io.mapleak.detect.StaleThreadLocalsEvidence;
import io.mapleak.detect.Thresholds;
import io.mapleak.detect.ValueRetentionEvidence;
import io.mapleak.graph.DominatorTree;
import io.mapleak.graph.PathNamer;
import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns findings into ranked suspects, in five steps.
 *
 * <ol>
 * <li><b>Grouping.</b> Findings about maps with one owner (20,000 sessions' {@code Session.attributes} maps) form
 * one suspect; so do findings about maps that index the same entries ({@link SharedGroup}), whose suspect carries
 * what the group retains together.</li>
 * <li><b>Quiet on healthy heaps.</b> A group whose findings only give context (a static field holds it, its values
 * are large) is not a suspect: it is a {@link Holder}, listed for information. Maps owned by the JDK's own classes
 * are suspects only from {@code report.jdkShare} of the heap (or when damaged or leaking by a specific pattern).</li>
 * <li><b>The accumulation point.</b> When a suspect's map lies inside another suspect's map (the outer dominates
 * it) and holds most of it through as many entries or more, the memory accumulates in the inner map: the outer is
 * its container (a registry of components, a cache manager), named on the inner one's owner path, not a peer.
 * Known framework maps that hold components are containers whenever they hold another suspect. Otherwise the
 * inner suspect is nested: shown under the outer ("inside #1"), not ranked.</li>
 * <li><b>Severity from evidence</b> (see {@link #severity}): the share of the heap, the entries, the pattern of
 * the keys, whether anything bounds the map, damage. Not the kind of root that holds it.</li>
 * <li><b>Order</b>: by severity, then by score: the share of the live heap retained (0-100) plus each finding's
 * weight from its detector, plus 50 × the share wasted, so the order can be read as one sentence. Ties go to the
 * larger retained size.</li>
 * </ol>
 */
public final class Ranker {
    private Ranker() {
    }

    /**
     * Severity first: a medium suspect whose cost the heap does not show (classes kept in metaspace) or that is a
     * specific pattern on a smaller share goes before a low one that is only large; then score, then retained bytes.
     */
    private static final Comparator<Suspect> BY_SEVERITY_THEN_SCORE = Comparator.comparing(Suspect::severity)
            .reversed().thenComparing(Comparator.comparingDouble(Suspect::score).reversed())
            .thenComparing(Comparator.comparingLong(Suspect::retainedBytes).reversed());

    /** The suspects, the most important first, and the large holders that are not suspects. */
    public record Ranking(List<Suspect> suspects, List<Holder> holders) {
    }

    /**
     * A map that holds much of the heap with nothing wrong found about it: a large lookup table, a bounded cache at
     * its bound, one entry whose value is a database. Informational.
     */
    public record Holder(int map, String owner, long entries, long retainedBytes, String why) {
    }

    /** Large holders listed at most. */
    static final int HOLDERS = 5;

    /**
     * Ranks the findings into suspects and large holders.
     *
     * @param maxHeapBytes the JVM's max heap when the dump tells it, else -1: how far the heap was from full
     */
    public static Ranking rank(DetectContext ctx, List<Finding> findings, KnownMaps known, boolean truncated,
            long maxHeapBytes) {
        Thresholds t = ctx.thresholds();
        Map<String, List<Finding>> groups = new LinkedHashMap<>();
        for (Finding f : findings) {
            groups.computeIfAbsent(groupKey(ctx, f), k -> new ArrayList<>()).add(f);
        }
        groups = splitMapsInsideEntries(ctx, groups);
        List<Draft> drafts = new ArrayList<>();
        List<Holder> holders = new ArrayList<>();
        for (List<Finding> g : groups.values()) {
            Draft d = new Draft(ctx, g, known);
            long bound = d.configuredBound(ctx);
            if (bound > 0 && d.entries <= bound && !d.damaged()) {
                holders.add(d.holder(ctx, String.format(Locale.ROOT, "bounded: %s allows %,d entries",
                        d.known.library().isEmpty() ? "its configuration" : d.known.library(), bound)));
            } else if (d.contextOnly()) {
                holders.add(d.holder(ctx));
            } else if (!d.jdkInternalNoise(t) && !d.tooSmallALeak(t)) {
                drafts.add(d);
            }
        }
        drafts.sort(Comparator.comparingLong((Draft d) -> d.retained).reversed());
        containersAndNesting(ctx, drafts, t);

        List<Suspect> built = new ArrayList<>();
        Map<Draft, Suspect> byDraft = new HashMap<>();
        for (Draft d : drafts) {
            if (!d.container) {
                Suspect s = d.build(ctx, truncated, maxHeapBytes);
                byDraft.put(d, s);
                built.add(s);
            }
        }
        List<Suspect> top = new ArrayList<>();
        for (Draft d : drafts) {
            if (!d.container && d.outer == null) {
                top.add(byDraft.get(d));
            }
        }
        top.sort(BY_SEVERITY_THEN_SCORE);
        Map<Draft, Integer> ranks = new HashMap<>();
        // By identity: each draft built its own suspect (and hashing records goes through spun method handles).
        Map<Suspect, Draft> draftOf = new java.util.IdentityHashMap<>();
        byDraft.forEach((d, s) -> draftOf.put(s, d));
        for (int i = 0; i < top.size(); i++) {
            ranks.put(draftOf.get(top.get(i)), i + 1);
        }
        List<Suspect> ranked = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            Draft d = draftOf.get(top.get(i));
            List<Suspect> nested = new ArrayList<>();
            for (Draft n : drafts) {
                if (!n.container && n.outer == d) {
                    nested.add(byDraft.get(n).withRank(i + 1, i + 1, List.of()));
                }
            }
            nested.sort(BY_SEVERITY_THEN_SCORE);
            ranked.add(top.get(i).withRank(i + 1, 0, nested));
        }
        holders.sort(Comparator.comparingLong(Holder::retainedBytes).reversed());
        return new Ranking(ranked, holders.subList(0, Math.min(HOLDERS, holders.size())));
    }

    /**
     * Decides, for each pair of suspects where one's map lies inside the other's, whether the outer is a container
     * of the inner (the memory accumulates in the inner) or the inner is nested under the outer.
     */
    private static void containersAndNesting(DetectContext ctx, List<Draft> drafts, Thresholds t) {
        // drafts are sorted by retained bytes, largest first: an outer map retains at least what it holds
        for (int i = 0; i < drafts.size(); i++) {
            Draft inner = drafts.get(i);
            for (int j = 0; j < i; j++) {
                Draft outer = drafts.get(j);
                if (!inside(ctx.tree(), inner.lead, outer.lead)) {
                    continue;
                }
                boolean accumulates = inner.members.size() == 1 || inner.shared != null;
                boolean containerByRole = outer.known != null && outer.known.holdsComponents();
                boolean holdsMost = inner.retained >= t.get("report.nestedShare") * outer.retained
                        && inner.entries >= outer.entries;
                if (accumulates && outer.members.size() == 1 && !outer.damaged() && (containerByRole || holdsMost)) {
                    outer.container = true;
                    inner.containers.add(0, outer);
                } else if (inner.outer == null || inside(ctx.tree(), outer.lead, inner.outer.lead)) {
                    inner.outer = outer; // the nearest enclosing suspect
                }
            }
        }
        // A suspect nested in a container is nested in what the container holds instead: the container is gone.
        for (Draft d : drafts) {
            while (d.outer != null && d.outer.container) {
                d.outer = d.outer.outer;
            }
        }
    }

    /** Whether {@code outer} dominates {@code inner}: walks up from inner while retained sizes stay below outer's. */
    static boolean inside(DominatorTree tree, int inner, int outer) {
        long limit = tree.retainedSize(outer);
        int d = inner;
        for (int i = 0; i < 100_000 && d >= 0; i++) {
            d = tree.dominator(d);
            if (d == outer) {
                return true;
            }
            if (d < 0 || tree.retainedSize(d) > limit) {
                return false;
            }
        }
        return false;
    }

    /** Findings with one key become one suspect: the shared group, the owner field, or the map itself. */
    private static String groupKey(DetectContext ctx, Finding f) {
        for (SharedGroup g : ctx.sharedGroups()) {
            if (g.contains(f.maps()[0])) {
                return "shared " + g.maps()[0];
            }
        }
        if (f.evidence() instanceof SmallMapsEvidence e) {
            return e.owner();
        }
        if (f.evidence() instanceof StaleThreadLocalsEvidence) {
            return STALE_OWNER;
        }
        String owner = ctx.owner(f.maps()[0]);
        return owner.startsWith("(") ? "map " + f.maps()[0] : owner;
    }

    /**
     * Maps share an owner label when one sits in another's entries with no named field between them (a cache of
     * caches, a weak map stored as a value of a repository cache): the label names the outer map's field for both.
     * They are not one suspect: what the inner map's findings say (its values hold its weak keys) is not true of the
     * outer one. Findings on a map whose strong path runs through the entries of another map of its group move to a
     * group of their own, one per outer map, so the inner maps are one suspect that the nesting rules place inside
     * the outer one, or rank on their own when the outer one is only context. A wrapper points straight at the map
     * it wraps (no entry between them) and stays with it; groups made on purpose (tiny maps by their field, shared
     * entries, threads' maps) stay whole.
     */
    private static Map<String, List<Finding>> splitMapsInsideEntries(DetectContext ctx,
            Map<String, List<Finding>> groups) {
        Map<String, List<Finding>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Finding>> g : groups.entrySet()) {
            Set<Integer> maps = new HashSet<>();
            for (Finding f : g.getValue()) {
                maps.add(f.maps()[0]);
            }
            for (Finding f : g.getValue()) {
                String key = g.getKey();
                // tiny maps are grouped by their field on purpose (a map of maps with its inner maps), as are maps
                // indexing the same entries and the threads' maps
                boolean byDesign = f.evidence() instanceof SmallMapsEvidence || key.startsWith("shared ")
                        || key.equals(STALE_OWNER);
                if (maps.size() > 1 && !byDesign) {
                    int outer = outerMapOnPath(ctx.paths().pathTo(f.maps()[0]), maps);
                    if (outer >= 0) {
                        key = key + " inside map " + outer;
                    }
                }
                out.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
            }
        }
        return out;
    }

    /**
     * The map of {@code maps} nearest to the end of {@code path} whose entries the path goes through (at least one
     * object between it and the path's last object, the map itself), or -1.
     */
    private static int outerMapOnPath(int[] path, Set<Integer> maps) {
        for (int i = path.length - 3; i >= 0; i--) {
            if (maps.contains(path[i])) {
                return path[i];
            }
        }
        return -1;
    }

    /** The owner of the stale thread-local suspect: every thread's map hangs from this field. */
    static final String STALE_OWNER = "java.lang.Thread.threadLocals";

    /** A suspect in the making. */
    private static final class Draft {
        final List<Finding> findings;
        final List<Integer> members;
        final int lead;
        final long retained;
        final long entries;
        final long wasted;
        final Set<Role> roles = new LinkedHashSet<>();
        final Set<String> kinds = new LinkedHashSet<>();
        final SharedGroup shared;
        final String ownerKey;
        final KnownMap known;
        final long live;
        final List<Draft> containers = new ArrayList<>();
        boolean container;
        Draft outer;

        Draft(DetectContext ctx, List<Finding> findings, KnownMaps knownMaps) {
            this.live = ctx.liveBytes();
            this.findings = new ArrayList<>(findings);
            this.findings.sort(Comparator.comparingInt(f -> f.info().lead()));
            Set<Integer> maps = new LinkedHashSet<>();
            long waste = 0;
            for (Finding f : findings) {
                for (int m : f.maps()) {
                    maps.add(m);
                }
                roles.add(f.info().role());
                kinds.add(f.kind());
                if (f.category() == Finding.Category.WASTE) {
                    waste += f.bytesAtStake();
                }
            }
            SharedGroup group = null;
            for (SharedGroup g : ctx.sharedGroups()) {
                if (g.contains(findings.get(0).maps()[0])) {
                    group = g;
                    for (int m : g.maps()) {
                        maps.add(m);
                    }
                }
            }
            this.shared = group;
            List<Integer> list = new ArrayList<>(maps);
            list.sort(Comparator.comparingLong((Integer m) -> ctx.tree().retainedSize(m)).reversed());
            this.members = list;
            this.lead = list.get(0);
            long r = 0;
            long n = 0;
            for (int m : list) {
                // A member inside another (Log4j's registry keeps a map per logger name in its map of names): its
                // bytes and its entries are the outer one's already, each logger counted once.
                if (!ctx.tree().dominatedByAny(m, maps::contains)) {
                    r += ctx.tree().retainedSize(m);
                    MapView v = ctx.view(m);
                    n += v == null ? 0 : Math.max(0, v.size());
                }
            }
            this.retained = Math.min(group != null ? group.retainedTogether() : r, ctx.liveBytes());
            this.entries = n;
            this.wasted = waste;
            this.ownerKey = groupKey(ctx, findings.get(0));
            this.known = knownMaps.forOwner(ctx.owner(lead));
        }

        boolean contextOnly() {
            return roles.stream().allMatch(r -> r == Role.CONTEXT);
        }

        boolean damaged() {
            return roles.contains(Role.DAMAGE);
        }

        /**
         * A suspect whose only findings are leak patterns (no damage, waste, collisions or mutated keys) on less than
         * {@code report.minShare} of the live heap: a lookup table keyed by counter ids is not a leak worth reading.
         */
        boolean tooSmallALeak(Thresholds t) {
            boolean onlyLeakSignals = roles.stream().allMatch(r -> r == Role.SPECIFIC_LEAK || r == Role.GROWTH
                    || r == Role.CONTEXT) && !kinds.contains("mutated-keys") && !kinds.contains("stale-thread-locals")
                    && !kinds.contains("defined-classes"); // its memory is in metaspace, not in its heap share
            return onlyLeakSignals && retained < t.get("report.minShare") * live;
        }

        /** A map of the JDK's own classes below the share that matters, with no damage or specific leak. */
        boolean jdkInternalNoise(Thresholds t) {
            return jdkOwned(ownerKey) && !damaged() && !roles.contains(Role.SPECIFIC_LEAK)
                    && retained < t.get("report.jdkShare") * live;
        }

        /**
         * The bound the library's configuration sets for this known map, read from the object its {@code bound}
         * names on the owner path; -1 when there is none to read or it is none ({@code Long.MAX_VALUE}, 0).
         */
        long configuredBound(DetectContext ctx) {
            if (known == null || known.bound() == null || members.size() != 1) {
                return -1;
            }
            int dot = known.bound().lastIndexOf('.');
            String cls = known.bound().substring(0, dot);
            String field = known.bound().substring(dot + 1);
            for (int o : ctx.paths().pathTo(lead)) {
                if (!ctx.index().classOf(o).name().equals(cls)) {
                    continue;
                }
                io.mapleak.heap.Instance i = ctx.index().reader().instance(o);
                if (i == null || !i.has(field)) {
                    return -1;
                }
                long v = i.type(field) == io.mapleak.hprof.BasicType.LONG ? i.getLong(field)
                        : i.type(field) == io.mapleak.hprof.BasicType.INT ? i.getInt(field) : -1;
                return v <= 0 || v >= Long.MAX_VALUE / 2 ? -1 : v;
            }
            return -1;
        }

        Holder holder(DetectContext ctx, String why) {
            return new Holder(lead, ctx.owner(lead), entries, retained, withEntryKey(entryKey(ctx), why));
        }

        Holder holder(DetectContext ctx) {
            String key = entryKey(ctx);
            Detector.Subject subject = subject(ctx, key);
            List<String> parts = new ArrayList<>();
            for (Finding f : findings) {
                String c = Detectors.detector(f.kind()).clause(f, subject);
                if (c != null && !parts.contains(c)) { // a group's members say alike things once
                    parts.add(c);
                }
            }
            return new Holder(lead, ctx.owner(lead), entries, retained, withEntryKey(key, String.join("; ", parts)));
        }

        /**
         * {@code why}, led by the key under which the map is another map's value ({@link #entryKey}; null: none):
         * the owner label names only the outer map's field, the same for every map held in it (Maven's repository
         * cache holds two large ones).
         */
        private static String withEntryKey(String key, String why) {
            if (key == null) {
                return why;
            }
            String under = "is the value under key " + key;
            return why.isEmpty() ? under : under + "; " + why;
        }

        /** The key under which the (single) map is another map's value, as paths show it; null when it is not. */
        private String entryKey(DetectContext ctx) {
            if (members.size() != 1) {
                return null; // maps under several keys of the outer map
            }
            int[] path = ctx.paths().pathTo(lead);
            return path.length < 2 ? null : ctx.namer().keyOf(path[path.length - 2], lead);
        }

        /**
         * What titles and clauses name: the map's class and owner label, and for a single map held as another map's
         * value, the key it sits under ({@code Cache.regions["orders"]}): the label names only the outer map's field,
         * alike for every map in it.
         */
        Detector.Subject subject(DetectContext ctx) {
            return subject(ctx, entryKey(ctx));
        }

        /** {@link #subject(DetectContext)} with the {@link #entryKey} already found. */
        private Detector.Subject subject(DetectContext ctx, String entryKey) {
            String owner = ownerLabel(ctx);
            String key = shared == null ? entryKey : null;
            return new Detector.Subject(simple(ctx.index().classOf(lead).name()),
                    key == null ? owner : owner + "[" + key + "]", members.size(), entries);
        }

        /** The owner label; for maps indexing the same entries, their fields together ({@code C.{a, b, c}}). */
        String ownerLabel(DetectContext ctx) {
            if (roles.contains(Role.SPECIFIC_LEAK) && kinds.contains("stale-thread-locals")) {
                return STALE_OWNER;
            }
            if (shared == null) {
                String o = ctx.owner(lead);
                return ownerKey.startsWith("map ") || ownerKey.startsWith("shared ") ? o : ownerKey;
            }
            List<String> owners = new ArrayList<>();
            for (int m : members) {
                String o = ctx.owner(m);
                if (!owners.contains(o)) {
                    owners.add(o);
                }
            }
            String prefix = commonClass(owners);
            if (prefix == null) {
                return String.join(", ", owners);
            }
            List<String> fields = new ArrayList<>();
            for (String o : owners) {
                fields.add(o.substring(prefix.length() + 1));
            }
            fields.sort(null);
            return prefix + ".{" + String.join(", ", fields) + "}";
        }

        Suspect build(DetectContext ctx, boolean truncated, long maxHeapBytes) {
            Thresholds t = ctx.thresholds();
            long live = ctx.liveBytes();
            double share = (double) retained / live;
            double wasteShare = (double) wasted / live;
            // Score: heap share, each kind's weight once, waste.
            List<String> parts = new ArrayList<>();
            double score = 100 * share;
            parts.add(String.format(Locale.ROOT, "%.1f for the %.1f%% of the live heap it retains", 100 * share,
                    100 * share));
            for (String kind : kinds) {
                DetectorInfo info = Detectors.info(kind);
                if (info.weight() > 0) {
                    score += info.weight();
                    parts.add(String.format(Locale.ROOT, "%s for %s", number(info.weight()),
                            info.name().toLowerCase(Locale.ROOT)));
                }
            }
            if (wasted > 0) {
                score += 50 * wasteShare;
                parts.add(String.format(Locale.ROOT, "%.1f for the %s wasted", 50 * wasteShare, bytes(wasted)));
            }
            Severity severity = severity(t, share, wasteShare, maxHeapBytes);
            if (truncated && jdkOwned(ownerKey) && severity == Severity.HIGH && !damaged()) {
                severity = Severity.MEDIUM;
            }

            PathNamer.Owner owner = owner(ctx);
            Detector.Subject subject = subject(ctx);
            Finding leadFinding = leadFinding();
            // sessions their container expires: what they are and their timeout, not the ids that are random anyway
            Finding titled = expiringSessions() && members.size() == 1 ? sessionLifetime() : leadFinding;
            String title = Detectors.detector(titled.kind()).title(titled, subject);
            if (shared != null) {
                title = String.format(Locale.ROOT, "%d maps index the same entries: %s", members.size(), title);
            }
            String summary = summary(ctx, share, owner);
            Suspect.Fix fix = fix(leadFinding);
            List<Suspect.Container> held = new ArrayList<>();
            for (Draft c : containers) {
                held.add(new Suspect.Container(c.lead, ctx.owner(c.lead),
                        c.known != null ? c.known.role() : "container"));
            }
            return new Suspect(0, severity, Math.round(score * 10) / 10.0, title, summary, owner, members, entries,
                    retained, wasted, findings, fix, held, shared, known, List.of(), 0, parts);
        }

        /**
         * Severity from the evidence: damage is high; a specific leak pattern over {@code severity.highShare} of the
         * heap (and {@code severity.highMinBytes}) is high, as is stale thread-local data over a fifth of that; a
         * map nothing bounds holding over {@code severity.growthHighShare} of the heap through at least
         * {@code severity.growthHighEntries} entries is high whatever holds it; leak signals and waste from
         * {@code severity.mediumShare} are medium, as are collisions and mutated keys; the rest is low. What is found
         * for its size alone (growth without a key pattern or a known role, or tiny maps' waste; a table emptied
         * and never shrunk is a pattern, not a size) is low while it is under
         * {@code severity.sizeOfMaxHeap} of the JVM's max heap, when the dump tells it: a healthy application's
         * largest index is a large share of its small heap, and far from any OutOfMemoryError.
         */
        Severity severity(Thresholds t, double share, double wasteShare, long maxHeapBytes) {
            if (damaged()) {
                return Severity.HIGH;
            }
            boolean material = retained >= t.get("severity.highMinBytes");
            // A map that nothing bounds, known to be one whose entries only a lifecycle removes (sessions, a cache,
            // a persistence context, meters, loggers), is as specific as a key pattern: its library says so.
            // Servlet sessions their container expires: random session ids and the sessions role say nothing more
            // than that it is a session map, which holds what its timeout's worth of traffic leaves: only its size
            // can make it high.
            boolean specific = !expiringSessions() && (roles.contains(Role.SPECIFIC_LEAK)
                    || roles.contains(Role.GROWTH) && known != null && KnownMap.ACCUMULATING.contains(known.role()));
            double high = t.get("severity.highShare");
            if (specific && material && (share >= high
                    || kinds.contains("stale-thread-locals") && share >= high / 5)) {
                return Severity.HIGH;
            }
            double floor = maxHeapBytes > 0 ? t.get("severity.sizeOfMaxHeap") * maxHeapBytes : 0;
            boolean growth = roles.contains(Role.GROWTH) && (specific || retained >= floor);
            if (growth && material && share >= t.get("severity.growthHighShare")
                    && entries >= t.get("severity.growthHighEntries")) {
                return Severity.HIGH;
            }
            // Classes defined at run time and kept: their cost is metaspace, which the heap share does not show.
            for (Finding f : findings) {
                if (f.evidence() instanceof DefinedClassesEvidence e) {
                    return e.estimatedClasses() >= t.get("classes.highClasses") ? Severity.HIGH : Severity.MEDIUM;
                }
            }
            double medium = t.get("severity.mediumShare");
            if ((specific || growth) && share >= medium || wasteShare >= medium && (wasted >= floor || kinds.contains("hollow-table"))
                    || costlyCollisions(t) || kinds.contains("mutated-keys")) {
                return Severity.MEDIUM;
            }
            return Severity.LOW;
        }

        /** The {@code session-lifetime} finding, or null. */
        private Finding sessionLifetime() {
            for (Finding f : findings) {
                if (f.evidence() instanceof SessionLifetimeEvidence) {
                    return f;
                }
            }
            return null;
        }

        /**
         * Whether the suspect's maps hold servlet sessions that expire (see {@code session-lifetime}): every session
         * map among them (maps of one owner label, such as several web applications' managers) does.
         */
        private boolean expiringSessions() {
            boolean any = false;
            for (Finding f : findings) {
                if (f.evidence() instanceof SessionLifetimeEvidence e) {
                    if (!e.expiring()) {
                        return false;
                    }
                    any = true;
                }
            }
            return any;
        }

        /**
         * Whether a collision finding's map makes its lookups walk long chains: its used bins hold at least
         * {@code collision.mediumChain} entries on average. Derby's container cache (75 keys in 16 bins, 4.7 a bin)
         * and the Kotlin compiler's function index (14,410 in 10,058 bins where uniform hashing would use 11,659) have
         * real but cheap collisions; 5,000 keys in 7 bins do not.
         */
        private boolean costlyCollisions(Thresholds t) {
            for (Finding f : findings) {
                if (f.evidence() instanceof CollisionEvidence c && c.binsUsed() > 0
                        && (double) c.entries() / c.binsUsed() >= t.get("collision.mediumChain")) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The findings, one of each kind (in the order the kinds first appear): where several maps share an owner
         * label and a detector found the same about each, the lead map's, else the first; the summary and the fix
         * say each thing once.
         */
        List<Finding> onePerKind() {
            Map<String, Finding> byKind = new LinkedHashMap<>();
            for (Finding f : findings) {
                Finding had = byKind.putIfAbsent(f.kind(), f);
                if (had != null && f.maps().length > 0 && f.maps()[0] == lead
                        && (had.maps().length == 0 || had.maps()[0] != lead)) {
                    byKind.put(f.kind(), f);
                }
            }
            return new ArrayList<>(byKind.values());
        }

        /**
         * The finding that leads the title and the fix, the most specific diagnosis that is not context: the first of
         * the leading kind, and of those (one per map, where several maps share an owner label) the one about the
         * lead map, the largest, whose numbers the fix quotes.
         */
        Finding leadFinding() {
            String kind = findings.get(Detectors.lead(findings.stream().map(Finding::kind).toList())).kind();
            for (Finding f : onePerKind()) {
                if (f.kind().equals(kind)) {
                    return f;
                }
            }
            throw new IllegalStateException("no finding of its own kind " + kind);
        }

        PathNamer.Owner owner(DetectContext ctx) {
            if (kinds.contains("stale-thread-locals")) {
                return new PathNamer.Owner(STALE_OWNER, "thread", List.of());
            }
            int[] p = ctx.paths().pathTo(lead);
            if (p.length == 0) {
                return new PathNamer.Owner(ownerLabel(ctx), "other", List.of());
            }
            PathNamer.Owner o = ctx.namer().owner(p);
            return new PathNamer.Owner(shared != null ? ownerLabel(ctx) : o.label(), o.root(), o.path());
        }

        /** One sentence: what the suspect retains, then a clause per finding, the lead's first. */
        String summary(DetectContext ctx, double share, PathNamer.Owner owner) {
            List<String> parts = new ArrayList<>();
            Detector.Subject subject = subject(ctx);
            Finding lead = leadFinding();
            String leadClause = Detectors.detector(lead.kind()).clause(lead, subject);
            if (lead.info().role() == Role.DAMAGE && leadClause != null) {
                parts.add(leadClause);
            }
            if (share >= 0.001) {
                String what = shared == null ? "retains"
                        : shared.holder() < 0
                                ? String.format(Locale.ROOT, "together these %d maps retain", members.size())
                                : String.format(Locale.ROOT, "with the %s that holds them and their entries, these %d"
                                        + " maps retain", simple(ctx.index().classOf(shared.holder()).name()),
                                        members.size());
                parts.add(String.format(Locale.ROOT, "%s %.1f%% of the heap", what, 100 * share)
                        + (entries > 0 && !kinds.contains("stale-thread-locals") ? inEntries(ctx) : ""));
            }
            boolean expiring = expiringSessions();
            for (Finding f : onePerKind()) {
                if (f.info().role() == Role.DAMAGE || expiring && f.kind().equals("unbounded-growth")) {
                    continue; // their timeout bounds expiring sessions: not "nothing bounds it"
                }
                String c = Detectors.detector(f.kind()).clause(f, subject);
                if (c != null && !parts.contains(c)) {
                    parts.add(c);
                }
            }
            if (owner.root().equals("thread") && !owner.path().isEmpty()) {
                parts.add("held by " + owner.path().get(0));
            }
            if (parts.isEmpty()) {
                parts.add("found by " + String.join(", ", kinds));
            }
            String s = String.join(", ", parts);
            return Character.toUpperCase(s.charAt(0)) + s.substring(1) + ".";
        }

        /**
         * The entries the summary names: a map's own; for maps indexing the same entries, not their sum (the same
         * entries counted once per map) but each map's when they hold as many, else the sum and the largest.
         */
        private String inEntries(DetectContext ctx) {
            if (shared == null) {
                return String.format(Locale.ROOT, " in %,d entr%s", entries, entries == 1 ? "y" : "ies");
            }
            long largest = 0;
            for (int m : members) {
                MapView v = ctx.view(m);
                largest = Math.max(largest, v == null ? 0 : v.size());
            }
            return largest * members.size() == entries
                    ? String.format(Locale.ROOT, " in %,d entr%s each", largest, largest == 1 ? "y" : "ies")
                    : String.format(Locale.ROOT, " in %,d entries over the %d maps (the largest %,d)", entries,
                            members.size(), largest);
        }

        /**
         * One fix: the library's own remedy for a known framework map, else the lead finding's advice; and where the
         * values hold most of the bytes, the value-retention finding's advice on keeping less per entry.
         */
        Suspect.Fix fix(Finding lead) {
            List<String> basedOn = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            boolean jdk = known == null && !damaged() && jvmOwned(ownerKey)
                    && (lead.kind().equals("unbounded-growth") || lead.kind().equals("unique-keys"));
            Finding sessions = damaged() ? null : sessionLifetime();
            if (sessions != null) {
                // what the sessions' own timeout says first; for sessions that expire, the library's remedy (set a
                // timeout) is one already applied: fewer sessions is what is left
                text.append(sessions.advice());
                basedOn.add(sessions.kind());
                if (expiringSessions()) {
                    text.append(" Fewer sessions: create one only when a client needs it (request.getSession(false) "
                            + "for clients that never send the cookie back: health checks, crawlers, API clients), "
                            + "and invalidate it at logout.");
                } else if (known != null) {
                    text.append(' ').append(known.fix());
                    basedOn.add("known map " + known.id());
                }
            } else if (known != null && !damaged()) {
                text.append(known.fix());
                basedOn.add("known map " + known.id());
            } else if (jdk) {
                text.append(jdkAdvice());
                basedOn.add(lead.kind());
            } else {
                text.append(lead.advice());
                basedOn.add(lead.kind());
            }
            for (Finding f : onePerKind()) {
                if (f != lead && f.evidence() instanceof ValueRetentionEvidence v && v.entriesExamined() > 0
                        && lead.info().role() != Role.WASTE && !damaged() && !jdk) {
                    long perEntry = Math.max(v.keyRetainedBytes(), v.valueRetainedBytes()) / v.entriesExamined();
                    String where = v.bytesByClass().isEmpty() ? "" : ", most of it in "
                            + v.bytesByClass().get(0).className() + " objects";
                    text.append(String.format(Locale.ROOT, " Each entry keeps about %s alive below its %s%s: keeping "
                            + "less per entry shrinks the leak, only removing entries ends it.", bytes(perEntry),
                            v.mostlyBelow().equals("keys") ? "key" : "value", where));
                    basedOn.add(f.kind());
                }
            }
            return new Suspect.Fix(text.toString(), basedOn);
        }

        /**
         * The fix for a JDK map that grows: the usual advice (remove entries, bound the map) is not the
         * application's to take; what it can change is what it hands the JDK (classes it keeps defining, logger
         * names it keeps making).
         */
        private String jdkAdvice() {
            String keys = "";
            for (Finding f : findings) {
                if (f.evidence() instanceof io.mapleak.detect.GrowthEvidence g && !g.keyClasses().isEmpty()) {
                    keys = String.format(Locale.ROOT, " (its keys are %s: %,d of the %,d sampled)",
                            g.keyClasses().get(0).className(), g.keyClasses().get(0).count(), g.sampled());
                }
            }
            return String.format(Locale.ROOT, "%s is the JDK's own map: nothing outside the JDK can bound it, and it "
                    + "keeps an entry for each key the application's work hands it%s. It grows because "
                    + "those keep coming: find what makes them and make fewer (a class defined again and again, a "
                    + "name made per request), and the JDK's map stops growing with them.", ownerKey, keys);
        }

    }

    /** Owner labels of the JDK's own classes ({@code java.lang.ClassLoader.parallelLockMap}). */
    /** Owned by the JVM's own classes ({@code java.}, {@code jdk.}, {@code sun.}), not javax or com.sun libraries. */
    static boolean jvmOwned(String owner) {
        return owner.startsWith("java.") || owner.startsWith("jdk.") || owner.startsWith("sun.");
    }

    static boolean jdkOwned(String owner) {
        return owner.startsWith("java.") || owner.startsWith("jdk.") || owner.startsWith("sun.")
                || owner.startsWith("javax.") || owner.startsWith("com.sun.");
    }

    /** The class all owner labels share ({@code C} of {@code C.a} and {@code C.b}), or null. */
    private static String commonClass(List<String> owners) {
        String c = null;
        for (String o : owners) {
            int dot = o.lastIndexOf('.');
            if (dot < 0 || o.startsWith("(")) {
                return null;
            }
            String cls = o.substring(0, dot);
            if (c == null) {
                c = cls;
            } else if (!c.equals(cls)) {
                return null;
            }
        }
        return c;
    }

    private static String simple(String className) {
        int dot = className.lastIndexOf('.');
        return dot >= 0 ? className.substring(dot + 1) : className;
    }

    private static String number(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    static String bytes(long b) {
        return io.mapleak.heap.ByteCounts.format(b);
    }
}
