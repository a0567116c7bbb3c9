package io.mapleak.graph;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Instance;
import io.mapleak.heap.ObjectReader.Link;
import io.mapleak.heap.ThreadInfo;
import io.mapleak.hprof.BasicType;
import io.mapleak.hprof.GcRootKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Names paths in source terms: {@code static com.acme.Registry.SESSIONS}, {@code .table}, {@code [17]},
 * {@code thread "worker-3" (com.acme.Worker.run, line 42)}, {@code jni global}; and finds an object's owner, the
 * field that directly holds it once arrays and collection internals are walked past. Reads holders' records on
 * demand (a few per path).
 */
public final class PathNamer {
    /** Arrays longer than this are searched only this far for the element that holds the next step. */
    private static final int MAX_ARRAY_SCAN = 1 << 22;

    private final HeapIndex index;
    private final Map<Integer, Integer> bestRoot;
    private final Map<Integer, ThreadInfo> threadsBySerial;
    private final Map<Integer, Integer> rootRank;
    /**
     * Text of a map entry's key by its object id (0: null), for the step from an entry to its value; null when
     * paths name no keys.
     */
    private final LongFunction<String> keyText;

    public PathNamer(HeapIndex index) {
        this.index = index;
        this.rootRank = new HashMap<>();
        this.keyText = null;
        this.bestRoot = new HashMap<>();
        this.threadsBySerial = new HashMap<>();
        GcRootKind[] order = {GcRootKind.STICKY_CLASS, GcRootKind.THREAD_OBJECT, GcRootKind.JAVA_FRAME,
            GcRootKind.JNI_LOCAL, GcRootKind.NATIVE_STACK, GcRootKind.THREAD_BLOCK, GcRootKind.JNI_GLOBAL,
            GcRootKind.MONITOR_USED, GcRootKind.UNKNOWN};
        for (int i = 0; i < order.length; i++) {
            rootRank.put(order[i].ordinal(), i);
        }
        for (int r = 0; r < index.rootCount(); r++) {
            int o = index.rootObject(r);
            if (o < 0) {
                continue;
            }
            Integer current = bestRoot.get(o);
            if (current == null || rank(r) < rank(current)) {
                bestRoot.put(o, r);
            }
        }
        for (ThreadInfo t : index.threads()) {
            threadsBySerial.put(t.serial(), t);
        }
    }

    private PathNamer(PathNamer base, LongFunction<String> keyText) {
        this.index = base.index;
        this.bestRoot = base.bestRoot;
        this.threadsBySerial = base.threadsBySerial;
        this.rootRank = base.rootRank;
        this.keyText = keyText;
    }

    /**
     * This namer, but the step from a map entry to its value names the entry's key: {@code .value (key "tenant-7")}
     * rather than a bare {@code .value}, so that two maps held in one outer map read apart. {@code keyText} gives
     * the text of a key by its object id (0 for null); it decides what a report may show of the dump's contents.
     */
    public PathNamer namingKeys(LongFunction<String> keyText) {
        return new PathNamer(this, keyText);
    }

    private int rank(int root) {
        return rootRank.get(index.rootKind(root).ordinal());
    }

    /** One step of a path: the object reached and how (the label), with its class and retained size. */
    public record Step(int object, String label, String className, long retainedBytes, long shallowBytes) {
    }

    /** Labels for every step of {@code path} (from a GC-rooted object down), with retained sizes from {@code tree}. */
    public List<Step> name(int[] path, DominatorTree tree) {
        List<Step> steps = new ArrayList<>(path.length);
        for (int i = 0; i < path.length; i++) {
            int o = path[i];
            String label = i == 0 ? rootLabel(o) : edgeLabel(path[i - 1], o);
            steps.add(new Step(o, label, index.classOf(o).name(), tree == null ? -1 : tree.retainedSize(o),
                    index.shallowSize(o)));
        }
        return steps;
    }

    /**
     * The steps people read: from the last static field on the path, if there is one (how the class itself is
     * reached, through its loader or an instance, says nothing about who holds the object), else all of them.
     */
    public List<Step> readable(int[] path, DominatorTree tree) {
        List<Step> steps = name(path, tree);
        for (int i = steps.size() - 1; i > 0; i--) {
            if (steps.get(i).label().startsWith("static ")) {
                return steps.subList(i, steps.size());
            }
        }
        return steps;
    }

    /** How a GC-rooted object is rooted, in words. */
    public String rootLabel(int object) {
        Integer r = bestRoot.get(object);
        if (r == null) {
            ClassInfo c = index.mirroredClass(object);
            if (c != null) {
                return "class " + c.name();
            }
            return index.facts().truncated() ? "(its holder lies past the cut) " + index.classOf(object).name()
                    : "root";
        }
        GcRootKind kind = index.rootKind(r);
        ThreadInfo t = threadsBySerial.get(index.rootThread(r));
        String thread = t != null ? "thread \"" + t.name() + "\"" : "thread #" + index.rootThread(r);
        switch (kind) {
            case STICKY_CLASS: {
                ClassInfo c = index.mirroredClass(object);
                return "class " + (c != null ? c.name() : index.classOf(object).name());
            }
            case THREAD_OBJECT:
                return thread;
            case JAVA_FRAME:
            case JNI_LOCAL: {
                int frame = index.rootFrame(r);
                String where = "";
                if (t != null && frame >= 0 && frame < t.frames().size()) {
                    ThreadInfo.Frame f = t.frames().get(frame);
                    where = " (" + f.className() + "." + f.method()
                            + (f.line() > 0 ? ", line " + f.line() : "") + ")";
                }
                return (kind == GcRootKind.JNI_LOCAL ? "jni local in " : "") + thread + where;
            }
            case NATIVE_STACK:
                return "native stack of " + thread;
            case THREAD_BLOCK:
                return "thread block of " + thread;
            default:
                return kind.label();
        }
    }

    /** How {@code from} refers to {@code to}: {@code .field}, {@code [i]}, {@code static C.F}, {@code <class>}. */
    public String edgeLabel(int from, int to) {
        Link link = index.reader().findLink(from, to, MAX_ARRAY_SCAN);
        if (link == null) {
            return "<reference>";
        }
        switch (link.kind()) {
            case STATIC:
                return "static " + link.declaringClass() + "." + link.field();
            case ARRAY_ELEMENT:
                return "[" + link.arrayIndex() + "]";
            case CLASS_INTERNAL:
                return link.field();
            default:
                String key = keyOf(from, link);
                return "." + link.field() + (key == null ? "" : " (key " + key + ")");
        }
    }

    /**
     * The text of the key under which {@code entry} holds {@code value}, when {@code entry} is a collection's entry
     * (a node of a hash table or a tree map, a weak map's entry) and {@code value} its value; null otherwise or when
     * this namer names no keys.
     */
    public String keyOf(int entry, int value) {
        Link link = keyText == null ? null : index.reader().findLink(entry, value, MAX_ARRAY_SCAN);
        return link == null || link.kind() != Link.Kind.FIELD ? null : keyOf(entry, link);
    }

    /**
     * The text of {@code entry}'s key (its {@code key} field, else a weak entry's referent: {@code cleared} when
     * that is gone) when {@code link} is its value field; null otherwise or when this namer names no keys.
     */
    private String keyOf(int entry, Link link) {
        if (keyText == null || !(link.field().equals("value") || link.field().equals("val"))
                || index.mirroredClass(entry) != null || !isCollectionInternal(index.classOf(entry))) {
            return null;
        }
        Instance i = index.reader().instance(entry);
        try {
            if (i != null && i.type("key") == BasicType.OBJECT) {
                return keyText.apply(i.ref("key"));
            }
            if (i != null && i.type("referent") == BasicType.OBJECT) {
                long key = i.ref("referent");
                return key == 0 ? "cleared" : keyText.apply(key);
            }
        } catch (IllegalArgumentException e) {
            return null; // the entry's record is cut short (a truncated dump): the step goes unnamed
        }
        return null;
    }

    /** Who holds an object: the owner label, the kind of root, and the named path. */
    public record Owner(String label, String root, List<String> path) {
    }

    /**
     * The field that directly holds the last object of {@code path}, walking up past arrays and collection
     * internals ({@code Foo.items} rather than {@code java.util.ArrayList.elementData}); for objects held only
     * by a root, the root's words.
     */
    public Owner owner(int[] path) {
        if (path.length == 0) {
            return new Owner("unreachable", "other", List.of());
        }
        List<String> labels = new ArrayList<>();
        for (Step s : readable(path, null)) {
            labels.add(s.label());
        }
        String label = null;
        boolean isStatic = false;
        for (int i = path.length - 1; i >= 1 && label == null; i--) {
            int holder = path[i - 1];
            ClassInfo mirrored = index.mirroredClass(holder);
            if (mirrored == null && isCollectionInternal(index.classOf(holder))) {
                continue;
            }
            Link link = index.reader().findLink(holder, path[i], MAX_ARRAY_SCAN);
            if (link != null && (link.kind() == Link.Kind.STATIC || link.kind() == Link.Kind.FIELD)) {
                label = link.declaringClass() + "." + link.field();
                isStatic = link.kind() == Link.Kind.STATIC;
            }
        }
        if (label == null) {
            label = labels.get(0);
        }
        boolean staticOnPath = labels.get(0).startsWith("static ");
        return new Owner(label, isStatic || staticOnPath ? "static-field" : rootKind(path), runs(labels));
    }

    /** Steps repeated this many times in a row or more are written once, with the count. */
    public static final int RUN = 3;

    /** A step taken {@code times} times in a row, as one: {@code .next (4,998 times)}. */
    public static String run(String label, int times) {
        return String.format(java.util.Locale.ROOT, "%s (%,d times)", label, times);
    }

    /**
     * {@code labels} with each run of {@link #RUN} or more equal steps as one, {@code .next (4,998 times)}: a path
     * down a linked list (a queue's nodes, a chain of wrappers) is otherwise as long as the list.
     */
    static List<String> runs(List<String> labels) {
        List<String> out = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); ) {
            int j = i + 1;
            while (j < labels.size() && labels.get(j).equals(labels.get(i))) {
                j++;
            }
            if (j - i >= RUN) {
                out.add(run(labels.get(i), j - i));
            } else {
                out.addAll(labels.subList(i, j));
            }
            i = j;
        }
        return out;
    }

    /**
     * The field that holds {@code object}, as "Decl.field", for grouping many maps by owner (no naming of the other
     * steps): found at the first holder up the strong path that is not a collection's internals (bins, chains,
     * entries, arrays); when that holder does not hold it in a field, or only a root holds it, the label of the
     * path's root ({@link #rootLabel}). {@code object} must have a strong path. Walks up the search's parents only as
     * far as it must, rather than building the whole path to the root: grouping millions of maps asks this once a map.
     */
    public String ownerOrRootLabel(StrongPaths paths, int object) {
        int child = object;
        for (int holder = paths.parent(child); holder >= 0; child = holder, holder = paths.parent(child)) {
            if (index.mirroredClass(holder) == null && isCollectionInternal(index.classOf(holder))) {
                continue;
            }
            Link link = index.reader().findLink(holder, child, MAX_ARRAY_SCAN);
            if (link != null && (link.kind() == Link.Kind.STATIC || link.kind() == Link.Kind.FIELD)) {
                return link.declaringClass() + "." + link.field();
            }
            break;
        }
        while (paths.parent(child) >= 0) {
            child = paths.parent(child);
        }
        return rootLabel(child);
    }

    /**
     * A key for "the same map" across dumps of one program: the path from its last static field (or its root) as
     * declaring classes and field names, with every stretch inside arrays and collection internals (bins, chains,
     * tree nodes, entry objects) as one {@code []}, and digits in thread names as {@code #}. Object ids, array
     * indices, bin positions and line numbers, which change from dump to dump, are left out. Reads the holder of
     * each step once.
     */
    public String ownerKey(int[] path) {
        if (path.length == 0) {
            return "(unreachable)";
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = path.length - 1; i >= 1; i--) {
            Link link = index.reader().findLink(path[i - 1], path[i], MAX_ARRAY_SCAN);
            if (link != null && link.kind() == Link.Kind.STATIC) {
                start = i;
                break;
            }
        }
        if (start == 0) {
            parts.add(rootLabel(path[0]).replaceAll("[0-9]+", "#").replaceAll(", line #", ""));
        }
        for (int i = Math.max(1, start); i < path.length; i++) {
            int holder = path[i - 1];
            ClassInfo mirrored = index.mirroredClass(holder);
            if (mirrored == null && isCollectionInternal(index.classOf(holder))) {
                if (!parts.isEmpty() && parts.get(parts.size() - 1).equals("[]")) {
                    continue;
                }
                parts.add("[]");
                continue;
            }
            Link link = index.reader().findLink(holder, path[i], MAX_ARRAY_SCAN);
            if (link == null) {
                parts.add("?");
            } else if (link.kind() == Link.Kind.STATIC) {
                parts.add("static " + link.declaringClass() + "." + link.field());
            } else if (link.kind() == Link.Kind.FIELD) {
                parts.add(link.declaringClass() + "." + link.field());
            } else if (link.kind() == Link.Kind.ARRAY_ELEMENT) {
                if (!parts.isEmpty() && parts.get(parts.size() - 1).equals("[]")) {
                    continue;
                }
                parts.add("[]");
            } else {
                parts.add(link.field());
            }
        }
        return String.join(" ", parts);
    }

    /**
     * {@code Class.method (line N)} of the running call whose local variable roots the path, or null when the path
     * starts elsewhere (a static field, a thread object, a JNI handle) or the thread's stack does not name the frame.
     */
    public String localVariableOf(int[] path) {
        Integer r = path.length == 0 ? null : bestRoot.get(path[0]);
        if (r == null || index.rootKind(r) != GcRootKind.JAVA_FRAME) {
            return null;
        }
        ThreadInfo t = threadsBySerial.get(index.rootThread(r));
        int frame = index.rootFrame(r);
        if (t == null || frame < 0 || frame >= t.frames().size()) {
            return null;
        }
        ThreadInfo.Frame f = t.frames().get(frame);
        return f.className() + "." + f.method() + (f.line() > 0 ? " (line " + f.line() + ")" : "");
    }

    /** The report contract's root kinds: static-field, thread, jni, system-class, other. */
    private String rootKind(int[] path) {
        Integer r = bestRoot.get(path[0]);
        if (r == null) {
            return "other";
        }
        switch (index.rootKind(r)) {
            case STICKY_CLASS:
                if (path.length > 1 && index.reader().findLink(path[0], path[1], 16) != null
                        && index.reader().findLink(path[0], path[1], 16).kind() == Link.Kind.STATIC) {
                    return "static-field";
                }
                return "system-class";
            case THREAD_OBJECT:
            case JAVA_FRAME:
            case JNI_LOCAL:
            case NATIVE_STACK:
            case THREAD_BLOCK:
                return "thread";
            case JNI_GLOBAL:
                return "jni";
            default:
                return "other";
        }
    }

    /**
     * Whether a class is part of a collection's machinery rather than application state: arrays, and the
     * collection classes and their nodes in {@code java.util}, Guava and Caffeine.
     */
    public static boolean isCollectionInternal(ClassInfo c) {
        if (c.isArray()) {
            return true;
        }
        String n = c.name();
        // java.util's subpackages that hold no collections: LogManager$LogNode, a node of the logger tree, owns the
        // map of its children like any application object
        if (n.startsWith("java.util.logging.") || n.startsWith("java.util.jar.") || n.startsWith("java.util.zip.")
                || n.startsWith("java.util.regex.") || n.startsWith("java.util.prefs.")) {
            return false;
        }
        if (!(n.startsWith("java.util.") || n.startsWith("com.google.common.collect.")
                || n.startsWith("com.google.common.cache.") || n.startsWith("com.github.benmanes.caffeine."))) {
            return false;
        }
        String simple = n.substring(n.lastIndexOf('.') + 1);
        for (String word : new String[] {"Map", "List", "Set", "Queue", "Deque", "Vector", "Hashtable", "Properties",
            "Node", "Entry", "Bin", "Segment", "Cell", "Collection", "Table", "Stack", "Cache", "Index", "Collections",
            "Multimap", "Array"}) {
            if (simple.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
