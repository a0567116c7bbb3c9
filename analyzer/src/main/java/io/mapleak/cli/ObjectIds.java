package io.mapleak.cli;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Hex;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Object ids as users type them: {@code 0x7f0a3c218} (as every report writes them), hex with letters
 * ({@code 7f0a3c218}), or digits alone, which could be decimal or hex: the one the dump has an object for is used,
 * and stderr says which reading was taken.
 */
final class ObjectIds {
    private ObjectIds() {
    }

    /** The object {@code text} names in {@code index}, or a {@link UsageError} saying why there is none. */
    static int resolve(HeapIndex index, String text, String what, PrintWriter err) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        boolean prefixed = t.startsWith("0x");
        String digits = prefixed ? t.substring(2) : t;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0) || digits.length() > 16) {
            throw new UsageError(what + " must be an object id like 0x7f0a3c218 (as mapleak's reports write them), "
                    + "not '" + text + "'");
        }
        long hex = Long.parseUnsignedLong(digits, 16);
        if (prefixed || !digits.chars().allMatch(Character::isDigit)) {
            int o = index.indexOf(hex);
            if (o < 0) {
                throw new UsageError("no object " + Hex.id(hex) + " in this dump (" + what + ")");
            }
            return o;
        }
        long decimal;
        try {
            decimal = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            decimal = -1;
        }
        int asDecimal = decimal > 0 ? index.indexOf(decimal) : -1;
        int asHex = index.indexOf(hex);
        if (asDecimal >= 0 && asHex >= 0 && asDecimal != asHex) {
            throw new UsageError(what + " '" + text + "' is an object id read as decimal (" + Hex.id(decimal)
                    + ") and as hex (" + Hex.id(hex) + "); write 0x" + digits + " for hex");
        }
        if (asDecimal >= 0) {
            err.printf("mapleak: reading %s as the decimal id %s%n", text, Hex.id(decimal));
            return asDecimal;
        }
        if (asHex >= 0) {
            err.printf("mapleak: reading %s as the hex id %s%n", text, Hex.id(hex));
            return asHex;
        }
        throw new UsageError("no object " + text + " in this dump, read as decimal (" + Hex.id(decimal) + ") or as hex ("
                + Hex.id(hex) + ") (" + what + ")");
    }
}
