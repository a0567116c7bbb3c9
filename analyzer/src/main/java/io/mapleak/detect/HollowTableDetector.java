package io.mapleak.detect;

import io.mapleak.hprof.BasicType;
import io.mapleak.maps.MapKind;
import io.mapleak.maps.MapView;
import java.util.List;

/**
 * {@code hollow-table}: a hash table sized for far more entries than it holds. Java's hash tables grow and never
 * shrink: after bulk removal or {@code clear()} the table keeps its size, mostly empty slots.
 */
final class HollowTableDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("hollow-table", "Table that never shrinks",
            Finding.Category.WASTE, DetectorInfo.Role.WASTE, HollowTableEvidence.class, 70, 0);

    @Override
    public DetectorInfo info() {
        return INFO;
    }

    @Override
    public String title(Finding f, Subject s) {
        return s.mapClass() + " table that never shrinks: " + s.owner();
    }

    @Override
    public String clause(Finding f, Subject s) {
        return "wastes " + EvidenceReader.bytes(f.bytesAtStake()) + " in empty table slots";
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        if (m.kind() != MapKind.HASH_TABLE && m.kind() != MapKind.WEAK_KEYED && m.kind() != MapKind.IDENTITY
                && m.kind() != MapKind.CACHE) {
            return;
        }
        if (m.capacity() < ctx.thresholds.get("hollow.capacity")
                || m.size() > ctx.thresholds.get("hollow.fill") * m.capacity()) {
            return;
        }
        long wasted = wastedBytes(ctx, m);
        if (wasted < ctx.thresholds.get("hollow.wastedBytes")) {
            return;
        }
        long compacted = compactedTableBytes(ctx, m);
        HollowTableEvidence e = new HollowTableEvidence(m.size(), m.capacity(),
                Float.isNaN(m.loadFactor()) ? null : m.loadFactor(), m.modCount(), wasted, compacted);
        String churn = m.modCount() > 0 ? String.format(" It has seen %,d changes (modCount) for %,d entries now: "
                + "entries came and went.", m.modCount(), m.size()) : "";
        String advice = String.format("%s has %,d slots for %,d entries, wasting %s; hash tables never shrink after "
                + "removals or clear().%s Replace it with a right-sized copy after bulk removal (map = new "
                + "HashMap<>(map); a table for %,d entries takes %s), or create a new map instead of calling "
                + "clear() when it is emptied.", ctx.ownerLabel(m.object()), m.capacity(), m.size(),
                EvidenceReader.bytes(wasted), churn, m.size(), EvidenceReader.bytes(compacted));
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, wasted));
    }

    /** Bytes of table slots that hold nothing. */
    static long wastedBytes(DetectContext ctx, MapView m) {
        long slotBytes = ctx.index.layout().referenceBytes() * (m.kind() == MapKind.IDENTITY ? 2L : 1L);
        long empty = m.capacity() - m.consistency().binsUsed();
        return Math.max(0, empty) * slotBytes;
    }

    /** The table a fresh copy of the map would allocate for its current entries. */
    static long compactedTableBytes(DetectContext ctx, MapView m) {
        float lf = Float.isNaN(m.loadFactor()) || m.loadFactor() <= 0 ? 0.75f : m.loadFactor();
        long needed = (long) Math.ceil(m.size() / lf);
        long slots = 1;
        while (slots < needed) {
            slots <<= 1;
        }
        slots = Math.max(slots, 16);
        return ctx.index.layout().arraySize(BasicType.OBJECT, m.kind() == MapKind.IDENTITY ? 2 * slots : slots);
    }
}
