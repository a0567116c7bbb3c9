package io.mapleak.detect;

import io.mapleak.heap.ClassInfo;
import io.mapleak.maps.MapView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mutated-keys}: entries whose key's current hash (recomputed for content-hashed key types) no longer
 * matches the hash stored in the entry: get() and remove() look in another bin, so the entry can never be found
 * or removed.
 */
final class MutatedKeysDetector implements Detector {
    @Override
    public String id() {
        return "mutated-keys";
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        if (m.size() == 0) {
            return;
        }
        String storage = storageClass(ctx, m);
        if (KeyHashes.stored(storage, 0) == null) {
            return;
        }
        int sample = (int) ctx.thresholds.getLong("mutated.sample");
        int[] checked = {0};
        int[] mismatched = {0};
        Map<String, Object> example = new LinkedHashMap<>();
        m.entries((node, key, value, hash, known, bin) -> {
            if (!known || key == 0) {
                return true;
            }
            Integer h;
            try {
                h = KeyHashes.hashOf(ctx.index, ctx.index.indexOf(key), 0);
            } catch (RuntimeException e) {
                h = null;
            }
            if (h == null) {
                return true; // a key type whose hash we cannot recompute: no verdict
            }
            checked[0]++;
            int expected = KeyHashes.stored(storage, h);
            if (expected != hash) {
                mismatched[0]++;
                if (example.isEmpty()) {
                    example.put("key", ctx.show(key));
                    example.put("keyClass", ctx.className(key));
                    example.put("storedHash", KeyHashes.hex(hash));
                    example.put("currentHash", KeyHashes.hex(expected));
                    example.put("bin", bin);
                }
            }
            return checked[0] < sample;
        });
        if (mismatched[0] == 0) {
            return;
        }
        Map<String, Object> e = Evidence.basics(ctx, m);
        e.put("entriesChecked", checked[0]);
        e.put("entriesAffected", mismatched[0]);
        e.put("example", example);
        String advice = String.format("%d entries of %s have keys (%s) whose hashCode changed after they were put: "
                + "lookups search another bin, so these entries can never be found or removed and the map keeps "
                + "them forever. Make keys immutable (records of final fields, List.copyOf, String); if a key must "
                + "change, remove the entry first, change the key, then put it back.", mismatched[0],
                ctx.ownerLabel(m.object()), example.get("keyClass"));
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, 0, Finding.Category.BROKEN));
    }

    /** The JDK class whose hash rules apply: the storage map's class or its nearest JDK superclass. */
    private static String storageClass(DetectContext ctx, MapView m) {
        for (ClassInfo c = ctx.index.classOf(m.storage()); c != null;
                c = c.superIndex() >= 0 ? ctx.index.classInfo(c.superIndex()) : null) {
            if (KeyHashes.stored(c.name(), 0) != null) {
                return c.name();
            }
        }
        return "";
    }
}
