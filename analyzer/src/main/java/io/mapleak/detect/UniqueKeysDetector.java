package io.mapleak.detect;

import io.mapleak.maps.MapView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code unique-keys}: keys that never repeat (UUIDs, timestamps, request and session ids, counters): every put
 * adds one. Bounded maps (size-bounded or expiring caches, LRU maps that evict, unmodifiable maps) are left out:
 * for them such keys are what a bound is for, and the bound removes entries.
 */
final class UniqueKeysDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("unique-keys", "Keys that never repeat", Finding.Category.LEAK,
            DetectorInfo.Role.SPECIFIC_LEAK, UniqueKeysEvidence.class, 40, 15);

    @Override
    public DetectorInfo info() {
        return INFO;
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        if (m.size() < ctx.thresholds.get("keys.minEntries") || UnboundedGrowthDetector.bounded(m)
                || ctx.liveEntries(m) < ctx.thresholds.get("keys.minEntries")) {
            return; // entries on their way out (cleared weak keys or expunged values) do not accumulate
        }
        int limit = (int) ctx.thresholds.getLong("keys.sample");
        List<String> classes = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        m.entries((node, key, value, hash, known, bin) -> {
            classes.add(ctx.className(key));
            texts.add(ctx.text.of(key));
            ids.add(key);
            return texts.size() < limit;
        });
        if (texts.isEmpty()) {
            return;
        }
        double quorum = ctx.thresholds.get("keys.share");
        Patterns best = Patterns.of(classes, texts, quorum);
        // Composite keys (Arrays.asList(path, status), List.of(tenant, id): how metrics libraries key their series)
        // are judged by the element that varies most like an id.
        int element = -1;
        List<String> judgedClasses = classes;
        List<String> judgedTexts = texts;
        long listKeys = classes.stream().filter(io.mapleak.maps.ValueText::isList).count();
        if (best.share() < quorum && listKeys >= quorum * ids.size()) {
            List<List<String>> elementClasses = new ArrayList<>();
            List<List<String>> elementTexts = new ArrayList<>();
            int lists = listElements(ctx, ids, elementClasses, elementTexts);
            for (int j = 0; lists >= quorum * ids.size() && j < elementTexts.size(); j++) {
                Patterns p = Patterns.of(elementClasses.get(j), elementTexts.get(j), quorum);
                if (p.matched() > best.matched()) {
                    best = p;
                    element = j;
                    judgedClasses = elementClasses.get(j);
                    judgedTexts = elementTexts.get(j);
                }
            }
        }
        KeyPatterns.Affixes affixes = best.affixes();
        String pattern = best.pattern();
        double share = best.share();
        String range = null;
        boolean affixed = pattern != null && affixes.present() && KeyPatterns.RANDOM.contains(pattern);
        if (share < ctx.thresholds.get("keys.share")) {
            boolean many = m.size() >= ctx.thresholds.get("keys.sequentialEntries");
            KeyPatterns.Sequence seq = many ? KeyPatterns.sequential(classes, texts, m.size()) : null;
            if (seq != null) {
                element = -1;
            } else if (many && element >= 0) {
                seq = KeyPatterns.sequential(judgedClasses, judgedTexts, m.size());
            }
            if (seq == null) {
                return;
            }
            pattern = seq.prefix().isEmpty() ? "increasing numbers"
                    : ctx.redact ? "increasing ids" : "increasing ids \"" + seq.prefix() + "N\"";
            range = ctx.redact ? null : String.format(Locale.ROOT, "%s%d to %s%d in the %,d keys sampled",
                    seq.prefix(), seq.min(), seq.prefix(), seq.max(), texts.size());
            share = 1.0;
            affixed = false;
        }
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(5, ids.size()); i++) {
            sample.add(ctx.show(ids.get(i)));
        }
        String affixText = affixed && !ctx.redact ? affixes.describe() : null;
        UniqueKeysEvidence e = new UniqueKeysEvidence(pattern, Math.round(share * 1000) / 10.0, texts.size(),
                m.size(), sample, affixText, range);
        long retained = ctx.retained(m.object());
        // A map that is itself a running call's local variable goes when the call returns (as unbounded-growth says).
        int[] path = ctx.paths.pathTo(m.object());
        String local = path.length == 1 ? ctx.namer.localVariableOf(path) : null;
        String keys = element < 0 ? String.format("Keys look like %s (%s of the %,d keys sampled): each put adds an "
                + "entry no later lookup will reuse", words(pattern), EvidenceReader.percent(share), texts.size())
                : String.format("Keys are lists whose %s element looks like %s (%s of the %,d keys sampled): each put "
                + "adds an entry no later lookup will reuse", ordinal(element), words(pattern),
                EvidenceReader.percent(share), texts.size());
        String cache = "use a cache that expires entries: Caffeine.newBuilder()"
                + ".expireAfterAccess(Duration.ofMinutes(30)).maximumSize(N).";
        String advice = local != null
                ? String.format("%s. The map is a local variable of %s, a call still running: its entries go when "
                        + "that call returns. If it runs as long as its thread (a worker's loop, a long batch), remove "
                        + "each entry when the work it tracks ends (in a finally block), or %s", keys, local, cache)
                : strongInterner(m) ? String.format("%s, so %s grows with traffic. %s", keys,
                        ctx.ownerLabel(m.object()), INTERNER_REMEDY)
                : String.format("%s, so %s grows with traffic. Remove each entry when the work it tracks ends (in a "
                        + "finally block), or %s", keys, ctx.ownerLabel(m.object()), cache);
        out.add(new Finding(id(), new int[] {m.object()}, e, advice + ctx.orphanedValues(m), retained));
    }

    /** The share of sampled keys one pattern matches, with the affixes it was matched within. */
    private record Patterns(String pattern, int matched, int sampled, KeyPatterns.Affixes affixes) {
        static Patterns of(List<String> classes, List<String> texts, double quorum) {
            KeyPatterns.Affixes affixes = KeyPatterns.affixes(classes, texts, quorum);
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < texts.size(); i++) {
                String p = KeyPatterns.classify(classes.get(i), texts.get(i), affixes);
                if (p != null) {
                    counts.merge(p, 1, Integer::sum);
                }
            }
            String pattern = null;
            int matched = 0;
            for (var e : counts.entrySet()) {
                if (e.getValue() > matched || e.getValue() == matched && e.getKey().compareTo(pattern) < 0) {
                    matched = e.getValue();
                    pattern = e.getKey();
                }
            }
            return new Patterns(pattern, matched, texts.size(), affixes);
        }

        double share() {
            return (double) matched / sampled;
        }
    }

    /**
     * The sampled keys' elements by position, for keys that are the JDK's lists (a key that is no list, or shorter,
     * adds an empty text at that position); returns how many keys are lists.
     */
    private static int listElements(DetectContext ctx, List<Long> ids, List<List<String>> classes,
            List<List<String>> texts) {
        long[][] keys = new long[ids.size()][];
        int lists = 0;
        int width = 0;
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ctx.text.elements(ids.get(i));
            if (keys[i] != null) {
                lists++;
                width = Math.max(width, Math.min(keys[i].length, io.mapleak.maps.ValueText.LIST_ELEMENTS));
            }
        }
        for (int j = 0; j < width; j++) {
            List<String> c = new ArrayList<>();
            List<String> t = new ArrayList<>();
            for (long[] key : keys) {
                boolean has = key != null && j < key.length && key[j] != 0;
                c.add(has ? ctx.className(key[j]) : "");
                t.add(has ? ctx.text.of(key[j]) : "");
            }
            classes.add(c);
            texts.add(t);
        }
        return lists;
    }

    private static String ordinal(int element) {
        return switch (element) {
            case 0 -> "first";
            case 1 -> "second";
            case 2 -> "third";
            default -> (element + 1) + "th";
        };
    }

    /**
     * What ends a strong interner's growth: it has no entries to remove, each distinct value it was given is kept
     * for good, so the values it is given must be few, or it must let them go.
     */
    static final String INTERNER_REMEDY = "A strong interner (Interners.newStrongInterner()) keeps every distinct "
            + "value it was ever given and never lets one go: intern only values drawn from a bounded set (codes, "
            + "names, enum-like strings), or use Interners.newWeakInterner(), which drops a value once nothing else "
            + "holds it.";

    /** Whether {@code m} is a Guava interner whose values are strongly held (no weak keys). */
    static boolean strongInterner(MapView m) {
        return m.implementation().equals("com.google.common.collect.Interners$InternerImpl")
                && !"WEAK".equals(m.settings().get("keyStrength"));
    }

    @Override
    public String title(Finding f, Subject s) {
        return s.mapClass() + " keyed by " + words(((UniqueKeysEvidence) f.evidence()).pattern()) + " keeps growing: "
                + s.owner();
    }

    @Override
    public String clause(Finding f, Subject s) {
        return "keys are " + words(((UniqueKeysEvidence) f.evidence()).pattern());
    }

    /** The pattern as a plural noun phrase: "UUIDs", "hex ids", "increasing numbers". */
    static String words(String pattern) {
        return switch (pattern) {
            case "UUID" -> "UUIDs";
            case "timestamp" -> "timestamps";
            case "hex id" -> "hex ids";
            case "token" -> "random tokens";
            case "numeric id" -> "numeric ids";
            default -> pattern;
        };
    }
}
