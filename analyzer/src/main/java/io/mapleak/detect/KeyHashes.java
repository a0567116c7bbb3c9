package io.mapleak.detect;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Instance;
import io.mapleak.hprof.BasicType;

/**
 * Recomputes {@code hashCode()} from an object's current contents, for classes whose hash is defined by their
 * content: {@code String}, boxed primitives, {@code UUID}, and lists ({@code ArrayList}, {@code Arrays$ArrayList},
 * immutable lists) of those, nested a few levels. Returns null for anything else (identity hashes, user classes).
 */
final class KeyHashes {
    private static final int MAX_DEPTH = 4;
    private static final int MAX_LIST = 10_000;

    private KeyHashes() {
    }

    static Integer hashOf(HeapIndex index, int object, int depth) {
        if (object < 0 || depth > MAX_DEPTH || index.isMirror(object)) {
            return null;
        }
        ClassInfo c = index.classOf(object);
        String name = c.name();
        if (c.isArray()) {
            return null;
        }
        Instance i = index.reader().instance(object);
        switch (name) {
            case "java.lang.String": return stringHash(index, object, i);
            case "java.lang.Integer": return i.getInt("value");
            case "java.lang.Long": {
                long v = i.getLong("value");
                return (int) (v ^ (v >>> 32));
            }
            case "java.lang.Short": return (int) i.getShort("value");
            case "java.lang.Byte": return (int) i.getByte("value");
            case "java.lang.Character": return (int) i.getChar("value");
            case "java.lang.Boolean": return i.getBoolean("value") ? 1231 : 1237;
            case "java.lang.Double": {
                long bits = Double.doubleToLongBits(i.getDouble("value"));
                return (int) (bits ^ (bits >>> 32));
            }
            case "java.lang.Float": return Float.floatToIntBits(i.getFloat("value"));
            case "java.util.UUID": {
                long hilo = i.getLong("mostSigBits") ^ i.getLong("leastSigBits");
                return ((int) (hilo >> 32)) ^ (int) hilo;
            }
            case "java.util.ArrayList": return listHash(index, i.refIndex("elementData"), i.getInt("size"), depth);
            case "java.util.Arrays$ArrayList": return listHash(index, i.refIndex("a"), -1, depth);
            case "java.util.ImmutableCollections$ListN": return listHash(index, i.refIndex("elements"), -1, depth);
            default: return null;
        }
    }

    private static Integer listHash(HeapIndex index, int array, int size, int depth) {
        if (array < 0) {
            return null;
        }
        int length = index.reader().arrayLength(array);
        int n = size >= 0 ? Math.min(size, length) : length;
        if (n > MAX_LIST) {
            return null;
        }
        long[] ids = index.reader().objectArray(array, 0, n);
        int h = 1;
        for (long id : ids) {
            int e = 0;
            if (id != 0) {
                Integer eh = hashOf(index, index.indexOf(id), depth + 1);
                if (eh == null) {
                    return null;
                }
                e = eh;
            }
            h = 31 * h + e;
        }
        return h;
    }

    /** The cached {@code hash} when set (strings are immutable), else computed from the characters. */
    private static Integer stringHash(HeapIndex index, int object, Instance i) {
        if (i.type("hash") == BasicType.INT && i.getInt("hash") != 0) {
            return i.getInt("hash");
        }
        String s = index.reader().string(object, Integer.MAX_VALUE);
        return s == null ? null : s.hashCode();
    }

    /** What a map stores for a key of hash code {@code h}, by the map's implementation. */
    static Integer stored(String storageClass, int h) {
        switch (storageClass) {
            case "java.util.HashMap":
            case "java.util.LinkedHashMap":
                return h ^ (h >>> 16);
            case "java.util.concurrent.ConcurrentHashMap":
                return (h ^ (h >>> 16)) & 0x7fffffff;
            case "java.util.Hashtable":
            case "java.util.Properties":
                return h;
            case "java.util.WeakHashMap": {
                int x = h ^ (h >>> 20) ^ (h >>> 12);
                return x ^ (x >>> 7) ^ (x >>> 4);
            }
            default:
                return null;
        }
    }

    static String hex(int v) {
        return String.format("0x%08x", v);
    }

}
