package io.mapleak.detect;

import io.mapleak.heap.ClassInfo;
import io.mapleak.maps.MapView;
import java.util.List;

/**
 * {@code mutated-keys}: entries whose key's current hash (recomputed for content-hashed key types) no longer
 * matches the hash stored in the entry: get() and remove() look in another bin, so the entry can never be found
 * or removed.
 */
final class MutatedKeysDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("mutated-keys", "Keys changed after insertion",
            Finding.Category.BROKEN, DetectorInfo.Role.SPECIFIC_LEAK, MutatedKeysEvidence.class, 10, 15);

    @Override
    public DetectorInfo info() {
        return INFO;
    }

    @Override
    public String title(Finding f, Subject s) {
        return "Keys changed after insertion in " + s.owner();
    }

    @Override
    public String clause(Finding f, Subject s) {
        return "some keys changed after insertion and can never be removed";
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        if (m.size() == 0 || !mutableKeys(ctx, m)) {
            return;
        }
        String storage = storageClass(ctx, m);
        if (KeyHashes.stored(storage, 0) == null) {
            return;
        }
        int sample = (int) ctx.thresholds.getLong("mutated.sample");
        int[] checked = {0};
        int[] mismatched = {0};
        MutatedKeysEvidence.Example[] example = {null};
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
                if (example[0] == null) {
                    example[0] = new MutatedKeysEvidence.Example(ctx.show(key), ctx.className(key),
                            KeyHashes.hex(hash), KeyHashes.hex(expected), bin);
                }
            }
            return checked[0] < sample;
        });
        if (mismatched[0] == 0) {
            return;
        }
        MutatedKeysEvidence e = new MutatedKeysEvidence(m.size(), checked[0], mismatched[0], example[0]);
        String advice = String.format("%d entries of %s have keys (%s) whose hashCode changed after they were put: "
                + "lookups search another bin, so these entries can never be found or removed and the map keeps "
                + "them forever. Make keys immutable (records of final fields, List.copyOf, String); if a key must "
                + "change, remove the entry first, change the key, then put it back.", mismatched[0],
                ctx.ownerLabel(m.object()), example[0].keyClass());
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, 0));
    }

    /**
     * Key classes whose content-defined hash can change while the key sits in a map. Strings, boxed numbers and
     * UUIDs are immutable, so their stored hashes cannot go stale; a decoder that records no key classes is
     * checked in full.
     */
    static final java.util.Set<String> MUTABLE_CONTENT_HASHED = java.util.Set.of("java.util.ArrayList",
            "java.util.Arrays$ArrayList", "java.util.LinkedList", "java.util.HashSet", "java.util.Vector");

    private static boolean mutableKeys(DetectContext ctx, MapView m) {
        int[] classes = m.keyClasses();
        if (classes.length == 0) {
            return m.size() <= 10_000;
        }
        for (int c : classes) {
            if (c < 0 || MUTABLE_CONTENT_HASHED.contains(ctx.index.classInfo(c).name())) {
                return true;
            }
        }
        return false;
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
