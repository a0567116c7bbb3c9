package io.mapleak.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recognises keys that never repeat: UUIDs (as strings or {@code java.util.UUID}), timestamps (epoch seconds or
 * milliseconds as numbers or digit strings, ISO-8601 strings, {@code Date}/{@code Instant}), long hex or
 * base64 tokens (request and session ids), and numbers or prefixed numbers that keep increasing
 * ({@code order-10231}). Works on key texts as {@link io.mapleak.maps.ValueText} renders them plus class names.
 */
final class KeyPatterns {
    static final long EPOCH_MS_MIN = 946_684_800_000L; // 2000-01-01
    static final long EPOCH_MS_MAX = 4_102_444_800_000L; // 2100-01-01

    private KeyPatterns() {
    }

    /** The pattern one key matches, or null. {@code text} is the key's rendering, {@code cls} its class. */
    static String classify(String cls, String text) {
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
        if (s.length() >= 16 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return "hex id";
        }
        if (s.length() >= 20 && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_'
                || c == '+' || c == '/' || c == '=') && s.chars().anyMatch(Character::isDigit)
                && s.chars().anyMatch(Character::isUpperCase) && s.chars().anyMatch(Character::isLowerCase)) {
            return "token";
        }
        return null;
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

    /**
     * Whether the keys are numbers (or one prefix plus a number) spread densely over a range, as ids handed
     * out by a counter are; returns the pattern's description or null. {@code mapSize} is the number of entries
     * the keys were sampled from; with {@code redact} the description leaves out the prefix and the range, which
     * are key contents.
     */
    static String sequential(List<String> classes, List<String> texts, long mapSize, boolean redact) {
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
        for (var e : byPrefix.entrySet()) {
            List<Long> nums = e.getValue();
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
                if (redact) {
                    return e.getKey().isEmpty() ? "increasing numbers" : "increasing ids with a common prefix";
                }
                return e.getKey().isEmpty() ? "increasing numbers (" + min + " to " + max + ")"
                        : "increasing ids \"" + e.getKey() + "N\" (" + min + " to " + max + ")";
            }
        }
        return null;
    }
}
