package io.mapleak.maps;

import com.carrotsearch.hppc.IntHashSet;
import io.mapleak.heap.Instance;
import io.mapleak.heap.ObjectReader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code java.util.HashMap} and {@code LinkedHashMap} (insertion- or access-ordered), JDK 6 to 25: a table of
 * bins, each a chain of nodes linked by {@code next} ({@code HashMap$Entry} up to JDK 7, {@code HashMap$Node} and
 * {@code TreeNode} from JDK 8; a tree bin keeps its {@code next} list complete). A node's stored hash selects its
 * bin as {@code hash & (capacity - 1)}. A linked map's order list ({@code head}/{@code after} from JDK 8, a
 * circular list through the {@code header} sentinel before) must hold exactly the table's nodes.
 */
final class HashMapDecoder implements MapDecoder {
    /** Chains longer than this are checked for loops with a set; shorter ones by scanning what was seen. */
    static final int SHORT_CHAIN = 8;

    @Override
    public MapView decode(MapContext ctx, int object) {
        Instance m = ctx.instance(object);
        if (m == null || !m.has("table")) {
            return null;
        }
        long size = ctx.intOr(m, "size", -1);
        int table = ctx.ref(m, "table");
        long capacity = table >= 0 ? ctx.arrayLength(table) : 0;
        boolean linked = m.has("head") || m.has("header");
        WalkStats stats = new WalkStats();
        IntHashSet nodes = linked ? new IntHashSet() : null;
        walkTable(ctx, table, "value", stats, nodes, null);
        Map<String, Object> settings = new LinkedHashMap<>();
        if (linked) {
            settings.put("accessOrder", ctx.boolOr(m, "accessOrder", false));
            checkLinkedOrder(ctx, m, nodes, stats);
        }
        return new MapView(object, object, ctx.className(object), MapKind.HASH_TABLE, false, size, stats.entries,
                capacity, ctx.floatOr(m, "loadFactor", Float.NaN), ctx.intOr(m, "threshold", -1),
                ctx.intOr(m, "modCount", -1), false, stats.result(size), settings,
                ctx.hashMapWalker).withKeyClasses(stats.keyClasses());
    }

    /**
     * Walks every bin of a chained hash table. {@code valueField} is "value" ({@code HashMap}) or "val"
     * ({@code ConcurrentHashMap}). Returns false if the sink stopped the walk.
     */
    static boolean walkTable(MapContext ctx, int table, String valueField, WalkStats stats, IntHashSet nodes,
            EntrySink sink) {
        return walkTable(ctx, table, valueField, true, stats, nodes, sink);
    }

    /**
     * {@link #walkTable(MapContext, int, String, WalkStats, IntHashSet, EntrySink)}; {@code placedByMask}: whether an
     * entry's bin is its hash masked by the table's length when that is a power of two (false for tables that place
     * entries otherwise, and check that themselves).
     */
    static boolean walkTable(MapContext ctx, int table, String valueField, boolean placedByMask, WalkStats stats,
            IntHashSet nodes, EntrySink sink) {
        MapContext.Slots slots = ctx.slots(table);
        int n = slots.length();
        int mask = n > 0 && (n & (n - 1)) == 0 && placedByMask ? n - 1 : -1;
        NodeFields read = NodeFields.forWalk(ctx, valueField, n, sink == null);
        int readTo = 0;
        for (int bin = 0; bin < n; bin++) {
            if (read != null && bin == readTo) {
                readTo = read.readFrom(ctx, table, readTo, n);
            }
            long slot = slots.get(bin);
            if (slot != 0 && !walkChain(ctx, slot, bin, mask, valueField, stats, nodes, sink, read)) {
                return false;
            }
        }
        return true;
    }

    /** One bin's chain; {@code mask} -1 skips the placement check (tables whose length is not a power of two). */
    static boolean walkChain(MapContext ctx, long first, int bin, int mask, String valueField, WalkStats stats,
            IntHashSet nodes, EntrySink sink) {
        return walkChain(ctx, first, bin, mask, valueField, stats, nodes, sink, null);
    }

    /** {@link #walkChain(MapContext, long, int, int, String, WalkStats, IntHashSet, EntrySink)}, taking the fields
     *  of the nodes {@code read} holds from it (null: every node from the dump); {@code first} must then be the id
     *  in the table's slot {@code bin}. */
    static boolean walkChain(MapContext ctx, long first, int bin, int mask, String valueField, WalkStats stats,
            IntHashSet nodes, EntrySink sink, NodeFields read) {
        int length = 0;
        int[] recent = stats.recent; // the first SHORT_CHAIN nodes; written before each is read
        IntHashSet seen = null;
        boolean tree = false;
        int k = read == null ? -1 : read.head(bin);
        for (long id = first; id != 0; ) {
            int node = k >= 0 ? read.node(k) : ctx.object(id);
            if (node < 0) {
                stats.problem("bin " + bin + " links to an object that is not in the dump");
                break;
            }
            if (length < SHORT_CHAIN) {
                for (int i = 0; i < length; i++) {
                    if (recent[i] == node) {
                        return loop(stats, bin, length);
                    }
                }
                recent[length] = node;
            } else {
                if (seen == null) {
                    seen = new IntHashSet();
                    for (int r : recent) {
                        seen.add(r);
                    }
                }
                if (!seen.add(node)) {
                    return loop(stats, bin, length);
                }
            }
            int cls = ctx.index.classIndexOf(node);
            int[] layout = ctx.nodeLayout(cls, valueField);
            if (layout[5] != 0 || ctx.index.isMirror(node)) {
                stats.problem("bin " + bin + " holds a " + ctx.className(node) + ", not a map node");
                break;
            }
            if (layout[4] != 0) {
                tree = true;
            }
            ObjectReader reader = ctx.index.reader();
            long fields = k >= 0 ? -1 : reader.fieldsAt(node);
            boolean hashKnown = layout[0] >= 0;
            int hash = !hashKnown ? 0 : k >= 0 ? read.hash(k) : reader.intAtFields(fields, layout[0]);
            long key = layout[1] < 0 ? 0 : k >= 0 ? read.key(k) : reader.idAtFields(fields, layout[1]);
            if (hashKnown && mask >= 0 && (hash & mask) != bin) {
                stats.misplaced++;
                if (stats.misplaced <= 3) {
                    stats.problem(String.format("an entry with hash 0x%08x sits in bin %d; its hash selects bin %d",
                            hash, bin, hash & mask));
                }
            }
            length++;
            stats.entries++;
            if (sink == null) {
                stats.key(ctx, key);
            }
            if (nodes != null) {
                nodes.add(node);
            }
            if (sink != null && !sink.entry(node, key,
                    layout[2] < 0 ? 0 : k >= 0 ? read.value(k) : reader.idAtFields(fields, layout[2]),
                    hash, hashKnown, bin)) {
                stats.bin(length);
                return false;
            }
            id = k >= 0 ? read.next(k) : layout[3] < 0 ? 0 : reader.idAtFields(fields, layout[3]);
            k = k >= 0 ? read.child(k) : -1;
        }
        stats.bin(length);
        if (tree) {
            stats.treeBins++;
        }
        return true;
    }

    private static boolean loop(WalkStats stats, int bin, int length) {
        stats.loops++;
        stats.bin(length);
        stats.problem("the chain in bin " + bin + " loops back on itself after " + length + " nodes");
        return true;
    }

    /**
     * Compares a linked map's order list with the nodes found in its table. The list's links of the table's nodes are
     * read first, in file order: an access-ordered map's list (an LRU cache's) has nothing to do with where its nodes
     * lie, so following it node by node would read the dump at random. Nodes the list reaches that the table does not
     * hold are read as they are met.
     */
    private static void checkLinkedOrder(MapContext ctx, Instance m, IntHashSet tableNodes, WalkStats stats) {
        int sentinel = -1;
        long id;
        if (m.has("head")) {
            id = ctx.refId(m, "head");
        } else {
            sentinel = ctx.ref(m, "header");
            id = ctx.refId(ctx.instance(sentinel), "after");
        }
        int[] nodes = tableNodes.toArray();
        java.util.Arrays.sort(nodes); // object order: file order in the usual dump
        long[] afters = new long[nodes.length];
        ObjectReader reader = ctx.index.reader();
        int idSize = ctx.index.idSize();
        long[] positions = new long[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            positions[i] = reader.fieldsAt(nodes[i]);
        }
        NodeFields.inRuns(reader, nodes.length, positions, 0, (i, fields, run, runAt) ->
                afters[i] = NodeFields.id(reader, idSize, run, runAt, fields, ctx.afterOffset(nodes[i])));
        long limit = stats.entries + 16;
        long count = 0;
        long strangers = 0;
        while (id != 0 && count <= limit) {
            int node = ctx.object(id);
            if (node < 0 || node == sentinel) {
                break;
            }
            int at = java.util.Arrays.binarySearch(nodes, node);
            if (at < 0) {
                strangers++;
            }
            count++;
            id = at >= 0 ? afters[at] : ctx.refId(ctx.instance(node), "after");
        }
        if (count != stats.entries || strangers > 0) {
            stats.linkedOrderMismatch = true;
            stats.problem(count > limit ? "the linked order list loops"
                    : String.format("the linked order list holds %,d entries (%,d not in the table), the table %,d",
                            count, strangers, stats.entries));
        }
    }
}
