package io.mapleak.detect;

import io.mapleak.maps.MapView;
import java.util.List;

/**
 * {@code concurrent-corruption}: a map that is not thread-safe whose internals are inconsistent (size against
 * reachable entries, looping chains, entries in the wrong bin, a linked order that disagrees with the table).
 * Always reported, whatever its size. A map whose walk met references to objects the dump does not hold (a
 * truncated dump cut through it, or a damaged file) is not judged: what is missing is missing, not corrupt.
 */
final class ConcurrentCorruptionDetector implements Detector {
    static final DetectorInfo INFO = new DetectorInfo("concurrent-corruption", "Map damaged by unsynchronised writes",
            Finding.Category.BROKEN, DetectorInfo.Role.DAMAGE, CorruptionEvidence.class, 0, 100);

    @Override
    public DetectorInfo info() {
        return INFO;
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        var c = m.consistency();
        if (m.threadSafe() || !c.corrupt() || m.missingObjects() > 0) {
            return;
        }
        int[] path = ctx.paths.pathTo(m.object());
        CorruptionEvidence e = new CorruptionEvidence(m.size(), m.entriesReached(), c.sizeMismatch(), c.loops(),
                c.misplacedEntries(), c.linkedOrderMismatch(), c.problems(),
                path.length == 0 ? List.of() : ctx.namer.owner(path).path());
        String advice = String.format("%s (%s) is damaged: %s. Non-thread-safe maps corrupt themselves when threads "
                + "write them without a lock: lost entries, wrong sizes, and chains that loop forever (a thread "
                + "spinning in get() or put()). Use ConcurrentHashMap, or guard every access to this map with one "
                + "lock (Collections.synchronizedMap is enough if iteration is also synchronized).",
                ctx.ownerLabel(m.object()), m.implementation(), String.join("; ", c.problems()));
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, ctx.retained(m.object())));
    }

    @Override
    public String title(Finding f, Subject s) {
        return s.mapClass() + " damaged by unsynchronised writes: " + s.owner();
    }

    @Override
    public String clause(Finding f, Subject s) {
        List<String> problems = ((CorruptionEvidence) f.evidence()).problems();
        return "its internals are damaged (" + (problems.isEmpty() ? "inconsistent" : problems.get(0)) + ")";
    }
}
