package io.mapleak.rank;

import static io.mapleak.testing.HprofWriter.FLOAT;
import static io.mapleak.testing.HprofWriter.INT;
import static io.mapleak.testing.HprofWriter.OBJECT;

import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A JDK 17 heap written to order for ranking tests: {@code java.util.HashMap}s laid out as the JVM lays them out
 * (a power-of-two table of {@code HashMap$Node} chains, each node in the bin its spread hash selects), string keys,
 * byte arrays as weight, application classes with reference fields, and roots (static fields, a thread's frame).
 * Every object id it writes is kept in {@link #written}, so a test can add up exactly what a structure holds.
 */
final class SyntheticHeap {
    final HprofWriter writer = new HprofWriter(HprofWriter.V102, 8);
    final HprofWriter.Heap h = writer.heap().withJdkBasics();
    final long hashMap;
    final long node;
    final long nodeArray;
    /** Ids of objects written through this class, in order (maps with their tables and nodes, keys, values). */
    final List<Long> written = new ArrayList<>();
    private final Map<String, Long> classes = new HashMap<>();

    SyntheticHeap() {
        long abstractMap = h.newClass("java.util.AbstractMap").field("keySet", OBJECT).field("values", OBJECT)
                .define();
        hashMap = h.newClass("java.util.HashMap").superclass(abstractMap).field("table", OBJECT)
                .field("entrySet", OBJECT).field("size", INT).field("modCount", INT).field("threshold", INT)
                .field("loadFactor", FLOAT).define();
        node = h.newClass("java.util.HashMap$Node").field("hash", INT).field("key", OBJECT).field("value", OBJECT)
                .field("next", OBJECT).define();
        nodeArray = h.newClass("java.util.HashMap$Node[]").define();
    }

    /** A class with the given reference fields (defined once per name). */
    long type(String name, String... referenceFields) {
        return classes.computeIfAbsent(name, n -> {
            var b = h.newClass(n);
            for (String f : referenceFields) {
                b.field(f, OBJECT);
            }
            return b.define();
        });
    }

    /** An instance of {@code type} with reference fields set; kept in {@link #written}. */
    long object(long type, Map<String, Long> refs) {
        Map<String, Value> fields = new HashMap<>();
        refs.forEach((k, v) -> fields.put(k, Value.ofObject(v)));
        return keep(h.instance(type, fields));
    }

    long bytes(int length) {
        return keep(h.primitiveArray(new byte[length]));
    }

    /** A string, and its byte[] value. */
    long string(String text) {
        long id = h.string(text);
        written.add(id);
        written.add(id + 16); // HprofWriter.string allocates the value right after the string
        return id;
    }

    /**
     * A HashMap of {@code keys} (string texts, hashed as String.hashCode) to {@code values} (object ids), with a
     * table sized as HashMap grows it (load factor 0.75).
     */
    long map(List<String> keys, List<Long> values) {
        int table = 16;
        while (table * 3 / 4 < keys.size()) {
            table *= 2;
        }
        long[] bins = new long[table];
        for (int i = 0; i < keys.size(); i++) {
            int hc = keys.get(i).hashCode();
            int hash = hc ^ (hc >>> 16);
            long key = string(keys.get(i));
            Map<String, Value> fields = new HashMap<>();
            fields.put("hash", Value.ofInt(hash));
            fields.put("key", Value.ofObject(key));
            fields.put("value", Value.ofObject(values.get(i)));
            fields.put("next", Value.ofObject(bins[hash & (table - 1)]));
            bins[hash & (table - 1)] = keep(h.instance(node, fields));
        }
        long tableId = keep(h.objectArray(nodeArray, bins));
        return keep(h.instance(hashMap, Map.of("table", Value.ofObject(tableId), "size", Value.ofInt(keys.size()),
                "modCount", Value.ofInt(keys.size()), "threshold", Value.ofInt(table * 3 / 4), "loadFactor",
                Value.ofFloat(0.75f))));
    }

    /** A class whose static field {@code field} holds {@code object} (a GC root through the class). */
    void staticField(String className, String field, long object) {
        h.newClass(className).staticField(field, Value.ofObject(object)).define();
    }

    /** A thread (serial 1, named {@code name}) whose frame 0 holds {@code object} as a local variable. */
    void threadLocalVariable(String name, long object) {
        long threadClass = type("java.lang.Thread", "name");
        long thread = h.instance(threadClass, Map.of("name", Value.ofObject(h.string(name))));
        h.add(w -> w.rootThreadObject(thread, 1, 1).rootJavaFrame(object, 1, 0));
    }

    /**
     * A thread (serial 1, named {@code name}) whose one frame, {@code frameClass.method} at {@code line}, holds
     * {@code object} as a local variable; its stack trace (serial 1) names the frame.
     */
    void threadLocalVariable(String name, long object, String frameClass, String method, int line) {
        type(frameClass);
        long methodName = h.name(method);
        int serial = h.classSerial(frameClass);
        h.top(w -> w.stackFrame(0x5000, methodName, methodName, methodName, serial, line).stackTrace(1, 1, 0x5000));
        threadLocalVariable(name, object);
    }

    Path write(Path file) throws IOException {
        h.stickyClassRoots();
        return h.write().writeTo(file);
    }

    private long keep(long id) {
        written.add(id);
        return id;
    }
}
