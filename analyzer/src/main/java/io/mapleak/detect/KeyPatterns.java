package io.mapleak.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recognises keys that never repeat: UUIDs (as strings or {@code java.util.UUID}), timestamps (epoch seconds or
 * milliseconds as numbers or digit strings, ISO-8601 strings, {@code Date}/{@code Instant}), long hex or random
 * alphanumeric tokens (request and session ids, also inside a fixed prefix and suffix such as {@code node0…​.node0}),
 * and numbers or prefixed numbers that keep increasing ({@code order-10231}). Works on key texts as
 * {@link io.mapleak.maps.ValueText} renders them plus class names.
 */
final class KeyPatterns {
    static final long EPOCH_MS_MIN = 946_684_800_000L; // 2000-01-01
    static final long EPOCH_MS_MAX = 4_102_444_800_000L; // 2100-01-01
    /** Patterns of random ids, which a fixed prefix or suffix may surround. */
    static final Set<String> RANDOM = Set.of("UUID", "hex id", "token");
    /** The shortest random part a token has: 64 random bits in base 36 take 12 or 13 characters. */
    static final int MIN_TOKEN = 12;

    private KeyPatterns() {
    }

    /**
     * The prefix and suffix the sampled string keys share (e.g. a servlet container's worker name around its
     * random session ids), all of them or a quorum (see {@link #affixes(List, List, double)}); empty strings where
     * they share none or the keys are not strings.
     */
    record Affixes(String prefix, String suffix) {
        static final Affixes NONE = new Affixes("", "");

        boolean present() {
            return !prefix.isEmpty() || !suffix.isEmpty();
        }

        String strip(String s) {
            return s.length() >= prefix.length() + suffix.length() && s.startsWith(prefix) && s.endsWith(suffix)
                    ? s.substring(prefix.length(), s.length() - suffix.length()) : s;
        }

        String describe() {
            return "\"" + prefix + "…" + suffix + "\"";
        }
    }

    /** The common prefix and suffix of the sampled string keys (at least two of them). */
    static Affixes affixes(List<String> classes, List<String> texts) {
        return affixes(classes, texts, 1.0);
    }

    /**
     * The longest prefix and suffix that at least {@code share} of the sampled keys carry (a map of generated class
     * names also holds a few the library put there itself, such as {@code int}, which share nothing with the rest;
     * with a share of 1, what every key shares). Empty strings where no such affix exists, fewer than two keys are
     * strings, or fewer than that share.
     */
    static Affixes affixes(List<String> classes, List<String> texts, double share) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (classes.get(i).equals("java.lang.String") && texts.get(i).length() >= 2) {
                strings.add(texts.get(i).substring(1, texts.get(i).length() - 1));
            } else if (share >= 1.0) {
                return Affixes.NONE;
            }
        }
        if (strings.size() < 2) {
            return Affixes.NONE;
        }
        int quorum = (int) Math.max(2, Math.min(texts.size(), Math.ceil(share * texts.size())));
        if (strings.size() < quorum) {
            return Affixes.NONE;
        }
        // The longest prefix a quorum shares, then the suffix those keys share with each other while a quorum still
        // carries both.
        String prefix = quorumAffix(strings, quorum, false);
        List<String> prefixed = new ArrayList<>();
        for (String s : strings) {
            if (s.startsWith(prefix)) {
                prefixed.add(s.substring(prefix.length()));
            }
        }
        String suffix = quorumAffix(prefixed, quorum, true);
        return new Affixes(prefix, suffix);
    }

    /**
     * The longest start (or end, with {@code tail}) that {@code quorum} of {@code strings} share: for a few strings
     * spread over them, the quorum-th longest common start with the others (a string outside the quorum finds a
     * short one; one inside, the quorum's). With every string in the quorum, what all of them share; empty when
     * there are fewer strings than the quorum.
     */
    private static String quorumAffix(List<String> strings, int quorum, boolean tail) {
        String best = "";
        for (int r = 0; r < 8 && strings.size() >= quorum && quorum > 0; r++) {
            String ref = strings.get((int) ((long) r * strings.size() / 8));
            int[] lengths = new int[strings.size()];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = tail ? commonTail(ref, strings.get(i)) : common(ref, strings.get(i));
            }
            java.util.Arrays.sort(lengths);
            int length = lengths[lengths.length - quorum];
            if (length > best.length()) {
                best = tail ? ref.substring(ref.length() - length) : ref.substring(0, length);
            }
        }
        return best;
    }

    private static int common(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    private static int commonTail(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(a.length() - 1 - i) == b.charAt(b.length() - 1 - i)) {
            i++;
        }
        return i;
    }

    static String classify(String cls, String text) {
        return classify(cls, text, Affixes.NONE);
    }

    /**
     * The pattern one key matches, or null. {@code text} is the key's rendering, {@code cls} its class; a random
     * id is also recognised between the {@code affixes} the sampled keys share.
     */
    static String classify(String cls, String text, Affixes affixes) {
        switch (cls) {
            case "java.util.UUID": return "UUID";
            case "java.util.Date":
            case "java.time.Instant":
            case "java.sql.Timestamp":
            case "java.time.LocalDateTime":
                return "timestamp";
            default: break;
        }
        if (cls.equals("java.lang.Long") || cls.equals("java.lang.Integer")) {
            String digits = text.endsWith("L") ? text.substring(0, text.length() - 1) : text;
            try {
                long v = Long.parseLong(digits);
                if (v >= EPOCH_MS_MIN && v <= EPOCH_MS_MAX || v >= EPOCH_MS_MIN / 1000 && v <= EPOCH_MS_MAX / 1000) {
                    return "timestamp";
                }
            } catch (NumberFormatException e) {
                return null;
            }
            return null; // increasing numbers are judged over all keys, see sequential()
        }
        if (!cls.equals("java.lang.String") || text.length() < 2) {
            return null;
        }
        String s = text.substring(1, text.length() - 1);
        String whole = wholeString(s);
        if (whole != null || !affixes.present()) {
            return whole;
        }
        String middle = affixes.strip(s);
        return isUuid(middle) ? "UUID" : isHexId(middle) ? "hex id" : isToken(middle) ? "token" : null;
    }

    private static String wholeString(String s) {
        if (isUuid(s)) {
            return "UUID";
        }
        if (s.length() >= 10 && s.chars().allMatch(Character::isDigit)) {
            try {
                long v = Long.parseLong(s.length() > 18 ? s.substring(0, 18) : s);
                if (v >= EPOCH_MS_MIN && v <= EPOCH_MS_MAX || v >= EPOCH_MS_MIN / 1000 && v <= EPOCH_MS_MAX / 1000) {
                    return "timestamp";
                }
            } catch (NumberFormatException e) {
                // longer than a long: an id
            }
            return "numeric id";
        }
        if (s.length() >= 19 && s.charAt(4) == '-' && s.charAt(7) == '-' && (s.charAt(10) == 'T'
                || s.charAt(10) == ' ') && Character.isDigit(s.charAt(0))) {
            return "timestamp";
        }
        if (isHexId(s)) {
            return "hex id";
        }
        if (s.length() >= 20 && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_'
                || c == '+' || c == '/' || c == '=') && s.chars().anyMatch(Character::isDigit)
                && s.chars().anyMatch(Character::isUpperCase) && s.chars().anyMatch(Character::isLowerCase)) {
            return "token";
        }
        if (isToken(s)) {
            return "token";
        }
        return null;
    }

    private static boolean isHexId(String s) {
        return s.length() >= 16 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /**
     * Letters and digits as a random generator mixes them: at least {@link #MIN_TOKEN} characters of {@code
     * [A-Za-z0-9_-]}, several digits, and letters and digits alternating often (a word with a number after it, such
     * as {@code applicationContext1}, alternates once).
     */
    static boolean isToken(String s) {
        if (s.length() < MIN_TOKEN) {
            return false;
        }
        int digits = 0;
        int switches = 0;
        int last = 0; // 1 letter, 2 digit
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int kind;
            if (c >= '0' && c <= '9') {
                kind = 2;
                digits++;
            } else if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                kind = 1;
            } else if (c == '-' || c == '_') {
                continue;
            } else {
                return false;
            }
            if (last != 0 && kind != last) {
                switches++;
            }
            last = kind;
        }
        return digits >= 2 && digits < s.length() && switches * 6 >= s.length();
    }

    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * How much wider than the map's size the range of a counter's ids may be: ids handed out by a counter fill
     * their range, less what was removed; random numbers (account numbers, hashed ids) spread far wider.
     */
    static final int COUNTER_RANGE_PER_ENTRY = 4;

    /** Numbers (or one prefix plus a number) handed out by a counter: the prefix and the range the sample spans. */
    record Sequence(String prefix, long min, long max) {
    }

    /**
     * Whether the keys are numbers (or one prefix plus a number) spread densely over a range, as ids handed
     * out by a counter are; null if not. {@code mapSize} is the number of entries the keys were sampled from.
     */
    static Sequence sequential(List<String> classes, List<String> texts, long mapSize) {
        Map<String, List<Long>> byPrefix = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            String cls = classes.get(i);
            String prefix;
            String digits;
            if (cls.equals("java.lang.Long") || cls.equals("java.lang.Integer")) {
                prefix = "";
                digits = t.endsWith("L") ? t.substring(0, t.length() - 1) : t;
            } else if (cls.equals("java.lang.String") && t.length() > 2) {
                String s = t.substring(1, t.length() - 1);
                int end = s.length();
                int start = end;
                while (start > 0 && Character.isDigit(s.charAt(start - 1))) {
                    start--;
                }
                if (start == end || end - start > 18) {
                    continue;
                }
                prefix = s.substring(0, start);
                digits = s.substring(start);
            } else {
                continue;
            }
            try {
                byPrefix.computeIfAbsent(prefix, k -> new ArrayList<>()).add(Long.parseLong(digits));
            } catch (NumberFormatException e) {
                // not a number after all
            }
        }
        List<String> prefixes = new ArrayList<>(byPrefix.keySet());
        prefixes.sort(null);
        for (String prefix : prefixes) {
            List<Long> nums = byPrefix.get(prefix);
            if (nums.size() < texts.size() * 0.8) {
                continue;
            }
            long min = nums.stream().mapToLong(Long::longValue).min().orElse(0);
            long max = nums.stream().mapToLong(Long::longValue).max().orElse(0);
            long distinct = nums.stream().distinct().count();
            // A sample of a counter's ids: all distinct, and the range not much wider than the whole map would fill.
            long range = max - min + 1;
            if (distinct == nums.size() && range >= nums.size()
                    && range <= COUNTER_RANGE_PER_ENTRY * Math.max(mapSize, nums.size())) {
                return new Sequence(prefix, min, max);
            }
        }
        return null;
    }
}
