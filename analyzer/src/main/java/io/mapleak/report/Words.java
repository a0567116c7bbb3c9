package io.mapleak.report;

import java.util.Locale;

/** Numbers in words for people: counts with their noun in the right number ("1 suspect", "2 suspects"). */
public final class Words {
    private Words() {
    }

    /** {@code n} grouped by thousands, then {@code one} or {@code many}. */
    public static String count(long n, String one, String many) {
        return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }
}
