package io.mapleak.capture;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much heap a JVM uses, read from the output of {@code jcmd PID GC.heap_info}: the one live, cheap source the
 * attach connection offers (the {@code sun.gc.*} performance counters are sampled at GC time only, and read 0 for
 * ZGC). Its wording differs per collector and JDK, so this reads the outermost lines that state a use, above the
 * Metaspace lines, and adds them up:
 *
 * <pre>
 *  garbage-first heap   total 65536K, used 4388K [...]            G1 (JDK 25: "total reserved .., committed .., used ..")
 *  def new generation   total 19648K, used 4701K [...]            Serial: one line per generation (JDK 25: DefNew, Tenured)
 *  PSYoungGen      total 18944K, used 4974K [...]                 Parallel: likewise
 *  ZHeap           used 6M, capacity 64M, max capacity 64M        ZGC
 *  65536K max, 65536K soft max, 65536K committed, 4857K used      Shenandoah (under "Shenandoah Heap")
 *  space 65536K,   6% used [...]                                  Epsilon: only a percentage
 * </pre>
 */
final class HeapInfo {
    private static final Pattern USED_N = Pattern.compile("\\bused (\\d+)([KMG])\\b");
    private static final Pattern N_USED = Pattern.compile("\\b(\\d+)([KMG]) used\\b");
    private static final Pattern PERCENT_USED = Pattern.compile("\\bspace (\\d+)([KMG]),\\s+(\\d+)% used\\b");
    private static final Pattern METASPACE = Pattern.compile("^\\s*Metaspace\\b");

    private HeapInfo() {
    }

    /** The heap in use, in bytes, or empty when the output has no line this can read. */
    static OptionalLong usedBytes(String heapInfo) {
        int bestIndent = Integer.MAX_VALUE;
        long sum = 0;
        for (String line : heapInfo.split("\\R")) {
            if (METASPACE.matcher(line).find()) {
                break; // Metaspace and class space are not heap
            }
            long used = used(line);
            if (used < 0) {
                continue;
            }
            int indent = indent(line);
            if (indent < bestIndent) {
                bestIndent = indent;
                sum = 0;
            }
            if (indent == bestIndent) {
                sum += used; // Serial and Parallel: one line per generation, on the same level
            }
        }
        return bestIndent == Integer.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(sum);
    }

    private static long used(String line) {
        Matcher m = USED_N.matcher(line);
        if (m.find()) {
            return bytes(m.group(1), m.group(2));
        }
        m = N_USED.matcher(line);
        if (m.find()) {
            return bytes(m.group(1), m.group(2));
        }
        m = PERCENT_USED.matcher(line);
        if (m.find()) {
            return bytes(m.group(1), m.group(2)) / 100 * Long.parseLong(m.group(3));
        }
        return -1;
    }

    private static long bytes(String number, String unit) {
        long n = Long.parseLong(number);
        return switch (unit) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            default -> n << 30;
        };
    }

    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
