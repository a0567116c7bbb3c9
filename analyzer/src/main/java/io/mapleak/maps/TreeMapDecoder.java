package io.mapleak.maps;

import com.carrotsearch.hppc.IntHashSet;
import io.mapleak.heap.Instance;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java.util.TreeMap} and its subclasses, JDK 7 to 25: a red-black tree from {@code root} of
 * {@code TreeMap$Entry}s ({@code key, value, left, right, parent, color}), {@code size}, {@code modCount},
 * {@code comparator}. Entries are walked in key order without recursion (a damaged tree may be as deep as it is
 * large); a set of visited entries stops at links back into the tree, counted as loops. A child whose
 * {@code parent} link names another entry is counted as misplaced. Capacity is the size: a tree has no slack.
 */
final class TreeMapDecoder implements MapDecoder {

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null || !m.has("root")) {
            return null;
        }
        long size = ctx.intOr(m, "size", -1);
        long root = ctx.refId(m, "root");
        WalkStats stats = new WalkStats();
        walk(ctx, root, stats, null);
        Map<String, Object> settings = new LinkedHashMap<>();
        int comparator = ctx.ref(m, "comparator");
        if (comparator >= 0) {
            settings.put("comparator", ctx.className(comparator));
        }
        return new MapView(object, object, ctx.className(object), MapKind.TREE, false, size, stats.entries, size,
                Float.NaN, -1, ctx.intOr(m, "modCount", -1), false, stats.result(size), settings,
                (self, sink) -> walk(ctx, root, new WalkStats(), sink)).withKeyClasses(stats.keyClasses());
    }

    /** In-order walk from {@code rootId}; the stack holds the entries whose left subtree is being walked. */
    private static void walk(MapContext ctx, long rootId, WalkStats stats, EntrySink sink) {
        IntHashSet visited = new IntHashSet();
        Deque<Instance> stack = new ArrayDeque<>();
        long next = rootId;
        long parent = 0;
        while (true) {
            while (next != 0) {
                Instance n = enter(ctx, next, parent, visited, stats);
                if (n == null) {
                    break;
                }
                stack.push(n);
                parent = next;
                next = ctx.refId(n, "left");
            }
            if (stack.isEmpty()) {
                return;
            }
            Instance n = stack.pop();
            stats.entries++;
            stats.bin(1); // no bins: each entry is a place of its own
            if (sink == null) {
                stats.key(ctx, ctx.refId(n, "key"));
            } else if (!sink.entry(n.object(), ctx.refId(n, "key"), ctx.refId(n, "value"), 0, false, -1)) {
                return;
            }
            parent = ctx.index().id(n.object());
            next = ctx.refId(n, "right");
        }
    }

    /** The entry {@code id} reached from the entry {@code parent} (0 for the root), or null where the walk stops. */
    private static Instance enter(MapContext ctx, long id, long parent, IntHashSet visited, WalkStats stats) {
        int node = ctx.object(id);
        if (node < 0) {
            stats.problem("a tree link points to an object that is not in the dump");
            return null;
        }
        if (!visited.add(node)) {
            stats.loops++;
            stats.problem("a tree link leads back to an entry already reached");
            return null;
        }
        Instance n = ctx.instance(node);
        if (n == null || !n.has("left") || !n.has("right")) {
            stats.problem("a tree link points to a " + ctx.className(node) + ", not a tree entry");
            return null;
        }
        if (ctx.refId(n, "parent") != parent) {
            stats.misplaced++;
            if (stats.misplaced <= 3) {
                stats.problem("an entry's parent link does not name the entry that links to it");
            }
        }
        return n;
    }
}
