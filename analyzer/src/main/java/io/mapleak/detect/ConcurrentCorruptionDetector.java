package io.mapleak.detect;

import io.mapleak.maps.MapView;
import java.util.List;
import java.util.Map;

/**
 * {@code concurrent-corruption}: a map that is not thread-safe whose internals are inconsistent (size against
 * reachable entries, looping chains, entries in the wrong bin, a linked order that disagrees with the table).
 * Always reported, whatever its size.
 */
final class ConcurrentCorruptionDetector implements Detector {
    @Override
    public String id() {
        return "concurrent-corruption";
    }

    @Override
    public void examine(DetectContext ctx, MapView m, List<Finding> out) {
        var c = m.consistency();
        if (m.threadSafe() || !c.corrupt()) {
            return;
        }
        Map<String, Object> e = Evidence.basics(ctx, m);
        e.put("storedSize", m.size());
        e.put("entriesReached", m.entriesReached());
        e.put("sizeMismatch", c.sizeMismatch());
        e.put("loops", c.loops());
        e.put("misplacedEntries", c.misplacedEntries());
        e.put("linkedOrderMismatch", c.linkedOrderMismatch());
        e.put("problems", c.problems());
        int[] path = ctx.paths.pathTo(m.object());
        e.put("path", path.length == 0 ? List.of() : ctx.namer.owner(path).path());
        String advice = String.format("%s (%s) is damaged: %s. Non-thread-safe maps corrupt themselves when threads "
                + "write them without a lock: lost entries, wrong sizes, and chains that loop forever (a thread "
                + "spinning in get() or put()). Use ConcurrentHashMap, or guard every access to this map with one "
                + "lock (Collections.synchronizedMap is enough if iteration is also synchronized).",
                ctx.ownerLabel(m.object()), m.implementation(), String.join("; ", c.problems()));
        out.add(new Finding(id(), new int[] {m.object()}, e, advice, ctx.retained(m.object()),
                Finding.Category.BROKEN));
    }
}
