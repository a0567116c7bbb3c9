package io.mapleak.report;

import static io.mapleak.testing.HprofWriter.FLOAT;
import static io.mapleak.testing.HprofWriter.INT;
import static io.mapleak.testing.HprofWriter.OBJECT;

import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A dump written to order whose strings are markup: a JDK 17 {@code HashMap} in a static field of a class whose
 * name and field name hold HTML, keyed by strings such as {@code <script>alert(1)</script>} and
 * {@value #ENTRIES} more, with one value heavy enough (1.5 MB of a tiny heap) that the map, which nothing bounds,
 * is the first suspect. Public for the triage index's escaping test.
 */
public final class HostileDump {
    static final String SCRIPT_KEY = "<script>alert(1)</script>";
    static final String IMG_KEY = "\"><img src=x onerror=alert(1)>";
    public static final String HOLDER = "t.Reg<b>istry";
    public static final String FIELD = "SESSIONS</title><script>alert(2)</script>";
    /** Entries besides the two hostile keys: enough that the map is a map that grows, not one large value. */
    static final int ENTRIES = 1200;
    static final List<String> KEYS = keys();
    static final int TABLE = 2048;
    static final int HEAVY_VALUE_BYTES = 1_500_000;

    private HostileDump() {
    }

    private static List<String> keys() {
        List<String> keys = new java.util.ArrayList<>(List.of(SCRIPT_KEY, IMG_KEY));
        for (int i = 1; i <= ENTRIES; i++) {
            keys.add("k-" + i);
        }
        return List.copyOf(keys);
    }

    public static Path write(Path file) throws IOException {
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap h = w.heap().withJdkBasics();
        long abstractMap = h.newClass("java.util.AbstractMap").field("keySet", OBJECT).field("values", OBJECT)
                .define();
        long hashMap = h.newClass("java.util.HashMap").superclass(abstractMap).field("table", OBJECT)
                .field("entrySet", OBJECT).field("size", INT).field("modCount", INT).field("threshold", INT)
                .field("loadFactor", FLOAT).define();
        long node = h.newClass("java.util.HashMap$Node").field("hash", INT).field("key", OBJECT)
                .field("value", OBJECT).field("next", OBJECT).define();
        long nodeArray = h.newClass("java.util.HashMap$Node[]").define();
        long map = h.newId();
        h.newClass(HOLDER).staticField(FIELD, Value.ofObject(map)).define();

        // Bins as HashMap places them: the spread hash of String.hashCode(), chained by next.
        long[] bins = new long[TABLE];
        for (int i = 0; i < KEYS.size(); i++) {
            String key = KEYS.get(i);
            int hash = key.hashCode() ^ (key.hashCode() >>> 16);
            long value = h.primitiveArray(new byte[i == 0 ? HEAVY_VALUE_BYTES : i == 1 ? HEAVY_VALUE_BYTES / 10 : 100]);
            Map<String, Value> fields = new HashMap<>();
            fields.put("hash", Value.ofInt(hash));
            fields.put("key", Value.ofObject(h.string(key)));
            fields.put("value", Value.ofObject(value));
            fields.put("next", Value.ofObject(bins[hash & (TABLE - 1)]));
            bins[hash & (TABLE - 1)] = h.instance(node, fields);
        }
        long table = h.objectArray(nodeArray, bins);
        h.at(map).instance(hashMap, Map.of("table", Value.ofObject(table), "size", Value.ofInt(KEYS.size()),
                "modCount", Value.ofInt(KEYS.size()), "threshold", Value.ofInt(TABLE * 3 / 4), "loadFactor",
                Value.ofFloat(0.75f)));
        h.stickyClassRoots();
        return h.write().writeTo(file);
    }
}
