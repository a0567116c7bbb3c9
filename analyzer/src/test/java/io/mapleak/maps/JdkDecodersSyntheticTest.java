package io.mapleak.maps;

import static io.mapleak.testing.HprofWriter.BOOLEAN;
import static io.mapleak.testing.HprofWriter.FLOAT;
import static io.mapleak.testing.HprofWriter.INT;
import static io.mapleak.testing.HprofWriter.LONG;
import static io.mapleak.testing.HprofWriter.OBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK map families on dumps written to order with JDK 17's field names (and JDK 8's where they differ): each
 * map's stored size, entries reached, capacity, kind, consistency facts and exact entries, sentinels read as null,
 * and which maps {@code findAll} lists.
 */
class JdkDecodersSyntheticTest {
    @TempDir
    static Path dir;

    private static HeapIndex index;
    private static final Map<String, Long> ids = new LinkedHashMap<>();

    @BeforeAll
    static void writeJdk17Dump() throws Exception {
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap h = w.heap().withJdkBasics();
        Jdk17 jdk = new Jdk17(h);
        jdk.weakHashMaps();
        jdk.threadLocalMaps();
        jdk.enumMap();
        jdk.treeMaps();
        jdk.identityHashMap();
        jdk.hashtables();
        jdk.immutables();
        jdk.skipList();
        jdk.views();
        h.stickyClassRoots();
        Path file = h.write().writeTo(dir.resolve("jdk17-maps.hprof"));
        index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults());
    }

    @AfterAll
    static void close() throws Exception {
        index.close();
    }

    // ------------------------------------------------------------------ WeakHashMap

    @Test
    void weakHashMapCountsClearedKeysAsStaleAndReadsTheNullKeySentinelAsNull() {
        MapView v = decode("weakHashMap");
        assertThat(v.kind()).isEqualTo(MapKind.WEAK_KEYED);
        assertThat(v.size()).isEqualTo(3);
        assertThat(v.entriesReached()).isEqualTo(3);
        assertThat(v.capacity()).isEqualTo(4);
        assertThat(v.loadFactor()).isEqualTo(0.75f);
        assertThat(v.threshold()).isEqualTo(3);
        assertThat(v.modCount()).isEqualTo(5);
        assertThat(v.threadSafe()).isFalse();
        assertThat(v.consistency().staleEntries()).isEqualTo(1);
        assertThat(classNames(v.keyClasses())).as("stale and null keys have no class")
                .containsExactly("java.lang.String");
        assertThat(v.consistency().binsUsed()).isEqualTo(2);
        assertThat(v.consistency().longestBin()).isEqualTo(2);
        assertThat(v.consistency().corrupt()).isFalse();
        assertThat(entries(v)).containsExactly("\"a\"=\"x\"", "null=\"stale\"", "null=\"nullkey\"");
        assertThat(walk(v)).extracting(Entry::bin).containsExactly(1, 2, 2);
        assertThat(walk(v)).extracting(Entry::hash).containsExactly(1, 2, 6);
        assertThat(walk(v)).allMatch(Entry::hashKnown);
    }

    @Test
    void weakHashMapSubclassIsDecodedWithItsSuperclassSentinel() {
        MapView v = decode("weakSubclass");
        assertThat(v.implementation()).isEqualTo("t.SessionCache");
        assertThat(v.kind()).isEqualTo(MapKind.WEAK_KEYED);
        assertThat(entries(v)).containsExactly("null=\"only\"");
        assertThat(v.consistency().staleEntries()).isZero();
    }

    // ------------------------------------------------------------------ ThreadLocalMap

    @Test
    void threadLocalMapWalksSlotsInOrderAndCountsStaleEntries() {
        MapView v = decode("threadLocalMap");
        assertThat(v.kind()).isEqualTo(MapKind.THREAD_LOCAL);
        assertThat(v.size()).isEqualTo(6);
        assertThat(v.entriesReached()).isEqualTo(6);
        assertThat(v.capacity()).isEqualTo(16);
        assertThat(v.threshold()).isEqualTo(10);
        assertThat(v.modCount()).isEqualTo(-1);
        assertThat(v.consistency().staleEntries()).isEqualTo(1);
        assertThat(v.consistency().misplacedEntries()).isZero();
        assertThat(v.consistency().corrupt()).isFalse();
        List<Entry> e = walk(v);
        assertThat(e).extracting(Entry::bin).containsExactly(0, 3, 7, 8, 14, 15);
        assertThat(e).extracting(Entry::key).containsExactly(ids.get("tl5"), 0L, ids.get("tl1"), ids.get("tl2"),
                ids.get("tl3"), ids.get("tl4"));
        assertThat(e).extracting(x -> text(x.value())).containsExactly("\"v5\"", "\"leaked\"", "\"v1\"", "\"v2\"",
                "\"v3\"", "\"v4\"");
        assertThat(e).noneMatch(Entry::hashKnown);
    }

    @Test
    void threadLocalEntryBeyondAnEmptySlotFromItsHomeIsMisplaced() {
        MapView v = decode("brokenThreadLocalMap");
        assertThat(v.entriesReached()).isEqualTo(1);
        assertThat(v.consistency().misplacedEntries()).isEqualTo(1);
        assertThat(v.consistency().corrupt()).isTrue();
        assertThat(v.consistency().problems()).anyMatch(p -> p.contains("home slot 7"));
    }

    // ------------------------------------------------------------------ EnumMap

    @Test
    void enumMapSkipsAbsentSlotsAndReadsTheNullSentinelAsNull() {
        MapView v = decode("enumMap");
        assertThat(v.kind()).isEqualTo(MapKind.ENUM);
        assertThat(v.size()).isEqualTo(2);
        assertThat(v.entriesReached()).isEqualTo(2);
        assertThat(v.capacity()).isEqualTo(3);
        assertThat(v.loadFactor()).isNaN();
        assertThat(v.settings()).containsEntry("keyType", "t.Color");
        assertThat(entries(v)).containsExactly("Color.RED=\"r\"", "Color.BLUE=null");
        assertThat(walk(v)).extracting(Entry::bin).containsExactly(0, 2);
    }

    // ------------------------------------------------------------------ TreeMap

    @Test
    void treeMapWalksInKeyOrder() {
        MapView v = decode("treeMap");
        assertThat(v.kind()).isEqualTo(MapKind.TREE);
        assertThat(v.size()).isEqualTo(5);
        assertThat(v.entriesReached()).isEqualTo(5);
        assertThat(v.capacity()).isEqualTo(5);
        assertThat(v.modCount()).isEqualTo(7);
        assertThat(v.settings()).containsEntry("comparator", "t.ByLength");
        assertThat(v.consistency().binsUsed()).as("a tree's places are its entries").isEqualTo(5);
        assertThat(classNames(v.keyClasses())).containsExactly("java.lang.String");
        assertThat(v.consistency().corrupt()).isFalse();
        assertThat(entries(v)).containsExactly("\"a\"=\"1\"", "\"b\"=\"2\"", "\"c\"=\"3\"", "\"d\"=\"4\"",
                "\"e\"=\"5\"");
        assertThat(walk(v)).extracting(Entry::bin).containsOnly(-1);
        assertThat(walk(v)).extracting(Entry::node).doesNotContain(-1);
    }

    @Test
    void treeMapWithACycleAndAWrongParentLinkTerminatesAndIsCorrupt() {
        MapView v = decode("brokenTreeMap");
        assertThat(v.entriesReached()).isEqualTo(3);
        assertThat(v.consistency().loops()).isEqualTo(1);
        assertThat(v.consistency().misplacedEntries()).isEqualTo(1);
        assertThat(v.consistency().corrupt()).isTrue();
        assertThat(entries(v)).containsExactly("\"w\"=null", "\"x\"=null", "\"y\"=null");
    }

    // ------------------------------------------------------------------ IdentityHashMap

    @Test
    void identityHashMapReadsKeyValuePairsAndTheNullKeySentinel() {
        MapView v = decode("identityHashMap");
        assertThat(v.kind()).isEqualTo(MapKind.IDENTITY);
        assertThat(v.size()).isEqualTo(2);
        assertThat(v.entriesReached()).isEqualTo(2);
        assertThat(v.capacity()).isEqualTo(4);
        assertThat(v.modCount()).isEqualTo(2);
        assertThat(v.threshold()).isEqualTo(-1);
        assertThat(entries(v)).containsExactly("\"k\"=\"v1\"", "null=\"v2\"");
        assertThat(walk(v)).extracting(Entry::bin).containsExactly(0, 2);
        assertThat(walk(v)).extracting(Entry::node).containsOnly(-1);
    }

    // ------------------------------------------------------------------ Hashtable and Properties

    @Test
    void hashtablePlacesEntriesByModuloAndFlagsAMisplacedOne() {
        MapView v = decode("hashtable");
        assertThat(v.kind()).isEqualTo(MapKind.HASH_TABLE);
        assertThat(v.size()).isEqualTo(3);
        assertThat(v.entriesReached()).isEqualTo(3);
        assertThat(v.capacity()).isEqualTo(7);
        assertThat(v.threshold()).isEqualTo(5);
        assertThat(v.loadFactor()).isEqualTo(0.75f);
        assertThat(v.threadSafe()).isTrue();
        assertThat(entries(v)).containsExactly("\"bad\"=\"b\"", "\"ten\"=\"10\"", "\"neg\"=\"-5\"");
        assertThat(walk(v)).extracting(Entry::bin).containsExactly(2, 3, 4);
        assertThat(v.consistency().misplacedEntries()).isEqualTo(1);
        assertThat(v.consistency().problems()).anyMatch(p -> p.contains("sits in bin 2; its hash selects bin 1"));
    }

    @Test
    void jdk9PropertiesAreReadFromTheirInnerConcurrentHashMap() {
        MapView v = decode("properties");
        assertThat(v.implementation()).isEqualTo("java.util.Properties");
        assertThat(v.object()).isEqualTo(object("properties"));
        assertThat(v.storage()).isEqualTo(object("propertiesMap"));
        assertThat(v.kind()).isEqualTo(MapKind.HASH_TABLE);
        assertThat(v.size()).isEqualTo(2);
        assertThat(v.entriesReached()).isEqualTo(2);
        assertThat(v.capacity()).isEqualTo(4);
        assertThat(v.threadSafe()).isTrue();
        assertThat(v.settings()).containsEntry("backedBy", "java.util.concurrent.ConcurrentHashMap")
                .containsEntry("defaults", false);
        assertThat(entries(v)).containsExactly("\"user\"=\"ada\"", "\"home\"=\"/tmp\"");
    }

    @Test
    void findAllListsPropertiesButNotTheirInnerMap() {
        Set<Integer> listed = listed();
        assertThat(listed).contains(object("properties"), object("hashtable"));
        assertThat(listed).doesNotContain(object("propertiesMap"));
    }

    // ------------------------------------------------------------------ ImmutableCollections, Collections

    @Test
    void immutableMapNReadsAlternatingSlots() {
        MapView v = decode("mapN");
        assertThat(v.kind()).isEqualTo(MapKind.IMMUTABLE);
        assertThat(v.set()).isFalse();
        assertThat(v.size()).isEqualTo(2);
        assertThat(v.entriesReached()).isEqualTo(2);
        assertThat(v.capacity()).isEqualTo(4);
        assertThat(entries(v)).containsExactly("\"a\"=\"1\"", "\"b\"=\"2\"");
        assertThat(walk(v)).extracting(Entry::bin).containsExactly(0, 2);
    }

    @Test
    void immutableSmallMapsAndSetsAreRead() {
        MapView map1 = decode("map1");
        assertThat(map1.size()).isEqualTo(1);
        assertThat(entries(map1)).containsExactly("\"k\"=\"v\"");

        MapView setN = decode("setN");
        assertThat(setN.set()).isTrue();
        assertThat(setN.size()).isEqualTo(2);
        assertThat(setN.capacity()).isEqualTo(4);
        assertThat(entries(setN)).containsExactly("\"x\"", "\"y\"");

        MapView one = decode("set12One");
        assertThat(one.set()).isTrue();
        assertThat(one.size()).isEqualTo(1);
        assertThat(one.entriesReached()).isEqualTo(1);
        assertThat(one.capacity()).isEqualTo(2);
        assertThat(one.consistency().binsUsed()).isEqualTo(1);
        assertThat(entries(one)).containsExactly("\"solo\"");

        MapView two = decode("set12Two");
        assertThat(two.size()).isEqualTo(2);
        assertThat(entries(two)).containsExactly("\"p\"", "\"q\"");

        MapView singleton = decode("singletonMap");
        assertThat(singleton.kind()).isEqualTo(MapKind.IMMUTABLE);
        assertThat(singleton.size()).isEqualTo(1);
        assertThat(entries(singleton)).containsExactly("\"sk\"=\"sv\"");

        MapView empty = decode("emptyMap");
        assertThat(empty.size()).isZero();
        assertThat(entries(empty)).isEmpty();
    }

    // ------------------------------------------------------------------ ConcurrentSkipListMap

    @Test
    void skipListSizeComesFromItsAdderAndMarkersAreSkipped() {
        MapView v = decode("skipList");
        assertThat(v.kind()).isEqualTo(MapKind.SKIP_LIST);
        assertThat(v.threadSafe()).isTrue();
        assertThat(v.size()).isEqualTo(3);
        assertThat(v.entriesReached()).isEqualTo(3);
        assertThat(v.settings()).containsEntry("counterCells", 1);
        assertThat(v.consistency().binsUsed()).isEqualTo(3);
        assertThat(v.consistency().corrupt()).isFalse();
        assertThat(entries(v)).containsExactly("\"a\"=\"1\"", "\"b\"=\"2\"", "\"d\"=\"4\"");
    }

    // ------------------------------------------------------------------ views

    @Test
    void aCachedKeySetIsDecodedAsItsMapButListsNeitherTwiceNorHidesTheMap() {
        MapView keys = decode("hashMapKeySet");
        assertThat(keys.implementation()).isEqualTo("java.util.HashMap$KeySet");
        assertThat(keys.set()).isTrue();
        assertThat(keys.size()).isEqualTo(1);
        assertThat(keys.storage()).isEqualTo(object("hashMap"));
        assertThat(entries(keys)).containsExactly("\"h\"");

        MapView values = decode("hashMapValues");
        assertThat(values.set()).isFalse();

        Set<Integer> listed = listed();
        assertThat(listed).contains(object("hashMap"), object("hashMapValues"));
        assertThat(listed).doesNotContain(object("hashMapKeySet"));
    }

    @Test
    void treeMapKeySetCachedInItsMapIsHidden() {
        MapView keys = decode("treeMapKeySet");
        assertThat(keys.set()).isTrue();
        assertThat(keys.kind()).isEqualTo(MapKind.TREE);
        assertThat(keys.size()).isEqualTo(5);
        assertThat(listed()).contains(object("treeMap")).doesNotContain(object("treeMapKeySet"));
    }

    @Test
    void concurrentKeySetViewOwnsItsMapOnlyWhenTheMapDoesNotCacheIt() {
        Set<Integer> listed = listed();
        // map.keySet(): the map is listed, its cached view is not
        assertThat(listed).contains(object("chmWithView")).doesNotContain(object("cachedKeySetView"));
        // ConcurrentHashMap.newKeySet(): the set is listed, its private map is not
        assertThat(listed).contains(object("newKeySet")).doesNotContain(object("newKeySetMap"));
        MapView set = decode("newKeySet");
        assertThat(set.set()).isTrue();
        assertThat(entries(set)).containsExactly("\"m\"");
    }

    @Test
    void findAllListsEveryJdkFamily() {
        Map<Integer, MapView> all = MapCatalog.standard(List.of()).findAll(index).stream()
                .collect(Collectors.toMap(MapView::object, v -> v));
        for (String name : List.of("weakHashMap", "weakSubclass", "threadLocalMap", "enumMap", "treeMap",
                "identityHashMap", "hashtable", "properties", "mapN", "map1", "setN", "set12One", "singletonMap",
                "emptyMap", "skipList")) {
            assertThat(all).as(name).containsKey(object(name));
        }
        assertThat(all.get(object("skipList")).kind()).isEqualTo(MapKind.SKIP_LIST);
    }

    // ------------------------------------------------------------------ JDK 8 layouts

    @Test
    void jdk8LayoutsAreReadByFieldName() throws Exception {
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap h = w.heap().withJdkBasics();
        Map<String, Long> old = new LinkedHashMap<>();
        Jdk8.build(h, old);
        h.stickyClassRoots();
        Path file = h.write().writeTo(dir.resolve("jdk8-maps.hprof"));
        try (HeapIndex jdk8 = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            MapCatalog catalog = MapCatalog.standard(List.of());
            MapContext ctx = new MapContext(jdk8);
            ValueText text = new ValueText(jdk8, 100);

            MapView props = catalog.decode(ctx, jdk8.indexOf(old.get("properties")));
            assertThat(props.implementation()).isEqualTo("java.util.Properties");
            assertThat(props.storage()).isEqualTo(props.object());
            assertThat(props.size()).isEqualTo(2);
            assertThat(props.capacity()).isEqualTo(11);
            assertThat(entries(props, text)).containsExactly("\"b\"=\"2\"", "\"a\"=\"1\"");

            MapView skip = catalog.decode(ctx, jdk8.indexOf(old.get("skipList")));
            assertThat(skip.size()).isEqualTo(2);
            assertThat(skip.entriesReached()).isEqualTo(2);
            assertThat(entries(skip, text)).containsExactly("\"a\"=\"1\"", "\"c\"=\"3\"");

            MapView identity = catalog.decode(ctx, jdk8.indexOf(old.get("identityHashMap")));
            assertThat(identity.threshold()).isEqualTo(21);
            assertThat(entries(identity, text)).containsExactly("\"k\"=\"v\"");

            assertThat(catalog.findAll(jdk8)).extracting(MapView::object)
                    .contains(jdk8.indexOf(old.get("properties")), jdk8.indexOf(old.get("skipList")));
        }
    }

    // ------------------------------------------------------------------ helpers

    private record Entry(int node, long key, long value, int hash, boolean hashKnown, int bin) {
    }

    private static MapView decode(String name) {
        MapView v = MapCatalog.standard(List.of()).decode(new MapContext(index), object(name));
        assertThat(v).as(name + " decodes").isNotNull();
        return v;
    }

    private static int object(String name) {
        Long id = ids.get(name);
        assertThat(id).as("object " + name).isNotNull();
        return index.indexOf(id);
    }

    private static Set<Integer> listed() {
        return MapCatalog.standard(List.of()).findAll(index).stream().map(MapView::object).collect(Collectors.toSet());
    }

    private static List<Entry> walk(MapView v) {
        List<Entry> out = new ArrayList<>();
        v.entries((node, key, value, hash, hashKnown, bin) -> out.add(new Entry(node, key, value, hash, hashKnown,
                bin)));
        return out;
    }

    private static List<String> classNames(int[] classes) {
        return java.util.Arrays.stream(classes).mapToObj(c -> index.classInfo(c).name()).toList();
    }

    private static String text(long id) {
        return new ValueText(index, 100).of(id);
    }

    private static List<String> entries(MapView v) {
        return entries(v, new ValueText(index, 100));
    }

    private static List<String> entries(MapView v, ValueText text) {
        List<String> out = new ArrayList<>();
        v.entries((node, key, value, hash, hashKnown, bin) -> out.add(v.set() ? text.of(key)
                : text.of(key) + "=" + text.of(value)));
        return out;
    }

    /** Defines a class; fields are OBJECT unless suffixed {@code :I}, {@code :J}, {@code :F} or {@code :Z}. */
    static long define(HprofWriter.Heap h, String name, long superId, String... fields) {
        HprofWriter.Heap.ClassBuilder b = h.newClass(name);
        if (superId != 0) {
            b.superclass(superId);
        }
        for (String f : fields) {
            int colon = f.indexOf(':');
            String field = colon < 0 ? f : f.substring(0, colon);
            int type = colon < 0 ? OBJECT : switch (f.charAt(colon + 1)) {
                case 'I' -> INT;
                case 'J' -> LONG;
                case 'F' -> FLOAT;
                case 'Z' -> BOOLEAN;
                default -> throw new IllegalArgumentException(f);
            };
            b.field(field, type);
        }
        return b.define();
    }

    /** Field values from pairs: a name, then a {@link Value} or a Long object id (0 for null). */
    static Map<String, Value> fields(Object... pairs) {
        Map<String, Value> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            Object v = pairs[i + 1];
            out.put((String) pairs[i], v instanceof Value value ? value : Value.ofObject((Long) v));
        }
        return out;
    }

    /** The JDK 17 dump's classes and maps; object ids go to {@link #ids} by name. */
    private static final class Jdk17 {
        private final HprofWriter.Heap h;
        private final long object;
        private final long objectArray;
        private final long abstractMap;
        private final long weakReference;
        private final long chm;
        private final long chmNode;
        private final long chmNodeArray;

        Jdk17(HprofWriter.Heap h) {
            this.h = h;
            object = h.classId("java.lang.Object");
            objectArray = h.classId("java.lang.Object[]");
            long reference = define(h, "java.lang.ref.Reference", 0, "referent", "queue", "next", "discovered");
            weakReference = define(h, "java.lang.ref.WeakReference", reference);
            abstractMap = define(h, "java.util.AbstractMap", 0, "keySet", "values");
            chm = define(h, "java.util.concurrent.ConcurrentHashMap", abstractMap, "table", "nextTable",
                    "baseCount:J", "sizeCtl:I", "transferIndex:I", "cellsBusy:I", "counterCells", "keySet", "values",
                    "entrySet");
            chmNode = define(h, "java.util.concurrent.ConcurrentHashMap$Node", 0, "hash:I", "key", "val", "next");
            chmNodeArray = define(h, "java.util.concurrent.ConcurrentHashMap$Node[]", 0);
        }

        private long str(String s) {
            return h.string(s);
        }

        private long obj(long classId, Object... pairs) {
            return h.instance(classId, fields(pairs));
        }

        private long at(long id, long classId, Object... pairs) {
            return h.at(id).instance(classId, fields(pairs));
        }

        private long sentinel() {
            return h.instance(object, Map.of());
        }

        void weakHashMaps() {
            long nullKey = h.newId();
            long whm = h.newClass("java.util.WeakHashMap").superclass(abstractMap).field("table", OBJECT)
                    .field("size", INT).field("threshold", INT).field("loadFactor", FLOAT).field("queue", OBJECT)
                    .field("modCount", INT).field("entrySet", OBJECT)
                    .staticField("NULL_KEY", Value.ofObject(nullKey)).define();
            long entry = define(h, "java.util.WeakHashMap$Entry", weakReference, "value", "hash:I", "next");
            long entryArray = define(h, "java.util.WeakHashMap$Entry[]", 0);
            at(nullKey, object);
            long e3 = obj(entry, "referent", nullKey, "value", str("nullkey"), "hash", Value.ofInt(6));
            long e2 = obj(entry, "referent", 0L, "value", str("stale"), "hash", Value.ofInt(2), "next", e3);
            long e1 = obj(entry, "referent", str("a"), "value", str("x"), "hash", Value.ofInt(1));
            long table = h.objectArray(entryArray, 0, e1, e2, 0);
            ids.put("weakHashMap", obj(whm, "table", table, "size", Value.ofInt(3), "threshold", Value.ofInt(3),
                    "loadFactor", Value.ofFloat(0.75f), "modCount", Value.ofInt(5)));

            long cache = define(h, "t.SessionCache", whm);
            long only = obj(entry, "referent", nullKey, "value", str("only"), "hash", Value.ofInt(0));
            ids.put("weakSubclass", obj(cache, "table", h.objectArray(entryArray, only), "size", Value.ofInt(1)));
        }

        void threadLocalMaps() {
            long threadLocal = define(h, "java.lang.ThreadLocal", 0, "threadLocalHashCode:I");
            long map = define(h, "java.lang.ThreadLocal$ThreadLocalMap", 0, "table", "size:I", "threshold:I");
            long entry = define(h, "java.lang.ThreadLocal$ThreadLocalMap$Entry", weakReference, "value");
            long entryArray = define(h, "java.lang.ThreadLocal$ThreadLocalMap$Entry[]", 0);
            // Home slots in a 16-slot table: hash & 15. tl2 collides with tl1; tl4 and tl5 wrap around the end.
            int[] hashes = {0, 0x61c88647, 0x17, 14, 14, 15};
            long[] tl = new long[6];
            for (int i = 1; i <= 5; i++) {
                tl[i] = obj(threadLocal, "threadLocalHashCode", Value.ofInt(hashes[i]));
                ids.put("tl" + i, tl[i]);
            }
            long[] slots = new long[16];
            slots[0] = obj(entry, "referent", tl[5], "value", str("v5"));
            slots[3] = obj(entry, "referent", 0L, "value", str("leaked"));
            slots[7] = obj(entry, "referent", tl[1], "value", str("v1"));
            slots[8] = obj(entry, "referent", tl[2], "value", str("v2"));
            slots[14] = obj(entry, "referent", tl[3], "value", str("v3"));
            slots[15] = obj(entry, "referent", tl[4], "value", str("v4"));
            ids.put("threadLocalMap", obj(map, "table", h.objectArray(entryArray, slots), "size", Value.ofInt(6),
                    "threshold", Value.ofInt(10)));

            long[] broken = new long[16];
            broken[9] = obj(entry, "referent", tl[1], "value", str("lost")); // home 7; slots 7 and 8 empty
            ids.put("brokenThreadLocalMap", obj(map, "table", h.objectArray(entryArray, broken), "size",
                    Value.ofInt(1), "threshold", Value.ofInt(10)));
        }

        void enumMap() {
            long enumClass = define(h, "java.lang.Enum", 0, "name", "ordinal:I");
            long color = define(h, "t.Color", enumClass);
            long colorArray = define(h, "t.Color[]", 0);
            long red = obj(color, "name", str("RED"), "ordinal", Value.ofInt(0));
            long green = obj(color, "name", str("GREEN"), "ordinal", Value.ofInt(1));
            long blue = obj(color, "name", str("BLUE"), "ordinal", Value.ofInt(2));
            long nullValue = h.newId();
            long enumMap = h.newClass("java.util.EnumMap").superclass(abstractMap).field("keyType", OBJECT)
                    .field("keyUniverse", OBJECT).field("vals", OBJECT).field("size", INT).field("entrySet", OBJECT)
                    .staticField("NULL", Value.ofObject(nullValue)).define();
            long anonymous = define(h, "java.util.EnumMap$1", 0);
            at(nullValue, anonymous);
            long universe = h.objectArray(colorArray, red, green, blue);
            long vals = h.objectArray(objectArray, str("r"), 0, nullValue);
            ids.put("enumMap", obj(enumMap, "keyType", color, "keyUniverse", universe, "vals", vals, "size",
                    Value.ofInt(2)));
        }

        void treeMaps() {
            long treeMap = define(h, "java.util.TreeMap", abstractMap, "comparator", "root", "size:I", "modCount:I",
                    "entrySet", "navigableKeySet", "descendingMap");
            long entry = define(h, "java.util.TreeMap$Entry", 0, "key", "value", "left", "right", "parent",
                    "color:Z");
            long keySet = define(h, "java.util.TreeMap$KeySet", 0, "m");
            long byLength = define(h, "t.ByLength", 0);
            // b is the root; a < b < d, c < d < e.
            long a = h.newId();
            long b = h.newId();
            long c = h.newId();
            long d = h.newId();
            long e = h.newId();
            long map = h.newId();
            long view = h.newId();
            at(a, entry, "key", str("a"), "value", str("1"), "parent", b);
            at(b, entry, "key", str("b"), "value", str("2"), "left", a, "right", d);
            at(c, entry, "key", str("c"), "value", str("3"), "parent", d);
            at(d, entry, "key", str("d"), "value", str("4"), "left", c, "right", e, "parent", b);
            at(e, entry, "key", str("e"), "value", str("5"), "parent", d);
            at(view, keySet, "m", map);
            at(map, treeMap, "comparator", obj(byLength), "root", b, "size", Value.ofInt(5), "modCount",
                    Value.ofInt(7), "navigableKeySet", view);
            ids.put("treeMap", map);
            ids.put("treeMapKeySet", view);

            // x is the root; y (right of x) links back to x; w (left of x) names y as its parent.
            long w = h.newId();
            long x = h.newId();
            long y = h.newId();
            at(w, entry, "key", str("w"), "parent", y);
            at(x, entry, "key", str("x"), "left", w, "right", y);
            at(y, entry, "key", str("y"), "right", x, "parent", x);
            ids.put("brokenTreeMap", obj(treeMap, "root", x, "size", Value.ofInt(3)));
        }

        void identityHashMap() {
            long nullKey = h.newId();
            long identity = h.newClass("java.util.IdentityHashMap").superclass(abstractMap).field("table", OBJECT)
                    .field("size", INT).field("modCount", INT).field("entrySet", OBJECT)
                    .staticField("NULL_KEY", Value.ofObject(nullKey)).define();
            at(nullKey, object);
            long table = h.objectArray(objectArray, str("k"), str("v1"), 0, 0, nullKey, str("v2"), 0, 0);
            ids.put("identityHashMap", obj(identity, "table", table, "size", Value.ofInt(2), "modCount",
                    Value.ofInt(2)));
        }

        void hashtables() {
            long dictionary = define(h, "java.util.Dictionary", 0);
            long hashtable = define(h, "java.util.Hashtable", dictionary, "table", "count:I", "threshold:I",
                    "loadFactor:F", "modCount:I", "keySet", "entrySet", "values");
            long entry = define(h, "java.util.Hashtable$Entry", 0, "hash:I", "key", "value", "next");
            long entryArray = define(h, "java.util.Hashtable$Entry[]", 0);
            long properties = define(h, "java.util.Properties", hashtable, "defaults", "map");
            // 10 % 7 = 3; (-5 & 0x7FFFFFFF) % 7 = 4; hash 1 selects bin 1 but sits in bin 2.
            long ten = obj(entry, "hash", Value.ofInt(10), "key", str("ten"), "value", str("10"));
            long neg = obj(entry, "hash", Value.ofInt(-5), "key", str("neg"), "value", str("-5"));
            long bad = obj(entry, "hash", Value.ofInt(1), "key", str("bad"), "value", str("b"));
            long table = h.objectArray(entryArray, 0, 0, bad, ten, neg, 0, 0);
            ids.put("hashtable", obj(hashtable, "table", table, "count", Value.ofInt(3), "threshold", Value.ofInt(5),
                    "loadFactor", Value.ofFloat(0.75f), "modCount", Value.ofInt(3)));

            long user = obj(chmNode, "hash", Value.ofInt(1), "key", str("user"), "val", str("ada"));
            long home = obj(chmNode, "hash", Value.ofInt(2), "key", str("home"), "val", str("/tmp"));
            long inner = obj(chm, "table", h.objectArray(chmNodeArray, 0, user, home, 0), "baseCount",
                    Value.ofLong(2));
            ids.put("propertiesMap", inner);
            ids.put("properties", obj(properties, "loadFactor", Value.ofFloat(0.75f), "map", inner));
        }

        void immutables() {
            long empty = h.newId();
            h.newClass("java.util.ImmutableCollections").staticField("EMPTY", Value.ofObject(empty)).define();
            at(empty, object);
            long immutableMap = define(h, "java.util.ImmutableCollections$AbstractImmutableMap", abstractMap);
            long mapN = define(h, "java.util.ImmutableCollections$MapN", immutableMap, "table", "size:I");
            long map1 = define(h, "java.util.ImmutableCollections$Map1", immutableMap, "k0", "v0");
            long immutableSet = define(h, "java.util.ImmutableCollections$AbstractImmutableSet", 0);
            long setN = define(h, "java.util.ImmutableCollections$SetN", immutableSet, "elements", "size:I");
            long set12 = define(h, "java.util.ImmutableCollections$Set12", immutableSet, "e0", "e1");
            long singleton = define(h, "java.util.Collections$SingletonMap", abstractMap, "k", "v", "keySet",
                    "entrySet", "values");
            long emptyMap = define(h, "java.util.Collections$EmptyMap", abstractMap);

            long table = h.objectArray(objectArray, str("a"), str("1"), 0, 0, str("b"), str("2"), 0, 0);
            ids.put("mapN", obj(mapN, "table", table, "size", Value.ofInt(2)));
            ids.put("map1", obj(map1, "k0", str("k"), "v0", str("v")));
            long elements = h.objectArray(objectArray, 0, str("x"), 0, str("y"));
            ids.put("setN", obj(setN, "elements", elements, "size", Value.ofInt(2)));
            ids.put("set12One", obj(set12, "e0", str("solo"), "e1", empty));
            ids.put("set12Two", obj(set12, "e0", str("p"), "e1", str("q")));
            ids.put("singletonMap", obj(singleton, "k", str("sk"), "v", str("sv")));
            ids.put("emptyMap", obj(emptyMap));
        }

        void skipList() {
            long number = define(h, "java.lang.Number", 0);
            long striped = define(h, "java.util.concurrent.atomic.Striped64", number, "cells", "base:J",
                    "cellsBusy:I");
            long adder = define(h, "java.util.concurrent.atomic.LongAdder", striped);
            long cell = define(h, "java.util.concurrent.atomic.Striped64$Cell", 0, "value:J");
            long cellArray = define(h, "java.util.concurrent.atomic.Striped64$Cell[]", 0);
            long skipList = define(h, "java.util.concurrent.ConcurrentSkipListMap", abstractMap, "comparator",
                    "head", "adder", "keySet", "values", "entrySet", "descendingMap");
            long index = define(h, "java.util.concurrent.ConcurrentSkipListMap$Index", 0, "node", "down", "right");
            long node = define(h, "java.util.concurrent.ConcurrentSkipListMap$Node", 0, "key", "val", "next");
            // header → a → marker → b → c (deleted: val null) → d
            long d = obj(node, "key", str("d"), "val", str("4"));
            long c = obj(node, "key", str("c"), "next", d);
            long b = obj(node, "key", str("b"), "val", str("2"), "next", c);
            long marker = obj(node, "next", b);
            long a = obj(node, "key", str("a"), "val", str("1"), "next", marker);
            long header = obj(node, "next", a);
            long head = obj(index, "node", header);
            long cells = h.objectArray(cellArray, obj(cell, "value", Value.ofLong(1)), 0);
            long sum = obj(adder, "base", Value.ofLong(2), "cells", cells);
            ids.put("skipList", obj(skipList, "head", head, "adder", sum));
        }

        void views() {
            long hashMap = define(h, "java.util.HashMap", abstractMap, "table", "entrySet", "size:I", "modCount:I",
                    "threshold:I", "loadFactor:F");
            long node = define(h, "java.util.HashMap$Node", 0, "hash:I", "key", "value", "next");
            long nodeArray = define(h, "java.util.HashMap$Node[]", 0);
            long keySet = define(h, "java.util.HashMap$KeySet", 0, "this$0");
            long values = define(h, "java.util.HashMap$Values", 0, "this$0");
            long map = h.newId();
            long keys = h.newId();
            at(keys, keySet, "this$0", map);
            long entry = obj(node, "hash", Value.ofInt(1), "key", str("h"), "value", str("1"));
            at(map, hashMap, "table", h.objectArray(nodeArray, 0, entry), "size", Value.ofInt(1), "keySet", keys,
                    "threshold", Value.ofInt(1), "loadFactor", Value.ofFloat(0.75f));
            ids.put("hashMap", map);
            ids.put("hashMapKeySet", keys);
            ids.put("hashMapValues", obj(values, "this$0", map)); // held apart: HashMap.values stays null

            long collectionView = define(h, "java.util.concurrent.ConcurrentHashMap$CollectionView", 0, "map");
            long keySetView = define(h, "java.util.concurrent.ConcurrentHashMap$KeySetView", collectionView,
                    "value");
            long cachedMap = h.newId();
            long cachedView = h.newId();
            at(cachedView, keySetView, "map", cachedMap);
            long m1 = obj(chmNode, "hash", Value.ofInt(1), "key", str("c"), "val", str("1"));
            at(cachedMap, chm, "table", h.objectArray(chmNodeArray, 0, m1), "baseCount", Value.ofLong(1), "keySet",
                    cachedView);
            ids.put("chmWithView", cachedMap);
            ids.put("cachedKeySetView", cachedView);

            long m2 = obj(chmNode, "hash", Value.ofInt(1), "key", str("m"), "val", str("TRUE"));
            long privateMap = obj(chm, "table", h.objectArray(chmNodeArray, 0, m2), "baseCount", Value.ofLong(1));
            ids.put("newKeySetMap", privateMap);
            ids.put("newKeySet", obj(keySetView, "map", privateMap, "value", str("TRUE")));
        }
    }

    /** JDK 8 field layouts where they differ from 17's: Properties without {@code map}, the old skip list. */
    private static final class Jdk8 {
        static void build(HprofWriter.Heap h, Map<String, Long> ids) {
            long object = h.classId("java.lang.Object");
            long objectArray = h.classId("java.lang.Object[]");
            long abstractMap = define(h, "java.util.AbstractMap", 0, "keySet", "values");
            long dictionary = define(h, "java.util.Dictionary", 0);
            long hashtable = define(h, "java.util.Hashtable", dictionary, "table", "count:I", "threshold:I",
                    "loadFactor:F", "modCount:I", "keySet", "entrySet", "values");
            long entry = define(h, "java.util.Hashtable$Entry", 0, "hash:I", "key", "value", "next");
            long entryArray = define(h, "java.util.Hashtable$Entry[]", 0);
            long properties = define(h, "java.util.Properties", hashtable, "defaults");
            // "a".hashCode() = 97, 97 % 11 = 9; "b" = 98, 98 % 11 = 10: chained into one bin for the test.
            long a = h.instance(entry, fields("hash", Value.ofInt(97), "key", h.string("a"), "value",
                    h.string("1")));
            long b = h.instance(entry, fields("hash", Value.ofInt(97 + 11), "key", h.string("b"), "value",
                    h.string("2"), "next", a));
            long[] slots = new long[11];
            slots[9] = b;
            ids.put("properties", h.instance(properties, fields("table", h.objectArray(entryArray, slots), "count",
                    Value.ofInt(2), "threshold", Value.ofInt(8), "loadFactor", Value.ofFloat(0.75f))));

            long baseHeader = h.newId();
            long skipList = h.newClass("java.util.concurrent.ConcurrentSkipListMap").superclass(abstractMap)
                    .field("head", OBJECT).field("comparator", OBJECT).field("keySet", OBJECT)
                    .field("entrySet", OBJECT).field("values", OBJECT).field("descendingMap", OBJECT)
                    .staticField("BASE_HEADER", Value.ofObject(baseHeader)).define();
            h.at(baseHeader).instance(object, Map.of());
            long index = define(h, "java.util.concurrent.ConcurrentSkipListMap$Index", 0, "node", "down", "right");
            long headIndex = define(h, "java.util.concurrent.ConcurrentSkipListMap$HeadIndex", index, "level:I");
            long node = define(h, "java.util.concurrent.ConcurrentSkipListMap$Node", 0, "key", "value", "next");
            // header → a → b (deleted: value null) → marker (value = itself) → c
            long c = h.instance(node, fields("key", h.string("c"), "value", h.string("3")));
            long marker = h.newId();
            h.at(marker).instance(node, fields("value", marker, "next", c));
            long deleted = h.instance(node, fields("key", h.string("b"), "next", marker));
            long first = h.instance(node, fields("key", h.string("a"), "value", h.string("1"), "next", deleted));
            long header = h.instance(node, fields("value", baseHeader, "next", first));
            long head = h.instance(headIndex, fields("node", header, "level", Value.ofInt(1)));
            ids.put("skipList", h.instance(skipList, fields("head", head)));

            long nullKey = h.newId();
            long identity = h.newClass("java.util.IdentityHashMap").superclass(abstractMap).field("table", OBJECT)
                    .field("size", INT).field("threshold", INT).field("modCount", INT).field("entrySet", OBJECT)
                    .staticField("NULL_KEY", Value.ofObject(nullKey)).define();
            h.at(nullKey).instance(object, Map.of());
            long table = h.objectArray(objectArray, 0, 0, h.string("k"), h.string("v"));
            ids.put("identityHashMap", h.instance(identity, fields("table", table, "size", Value.ofInt(1),
                    "threshold", Value.ofInt(21))));
        }
    }
}
