package io.mapleak.maps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.BasicType;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every map and set of the {@code map-zoo} fixture (one static field per case, see
 * {@code io.mapleak.fixtures.scenario.MapZoo}) decodes to what the fixture JVM measured before dumping it: class,
 * kind, size, capacity, counters, tree bins, stale weak entries, and every entry as {@link ValueText} renders it.
 *
 * <p>Stale entries (a WeakHashMap key or a ThreadLocal that was collected) are still in the table and still
 * counted in the map's {@code size} field: a decoder reaches them ({@code entriesReached == size}, so the map is
 * not corrupt), counts them in {@code consistency().staleEntries()}, and walks them with a null key, since the
 * value they hold is what leaks.
 */
class MapZooTest {
    private static final String SCENARIO = "map-zoo";
    /** Longer than any key or value of the zoo, so that nothing is cut. */
    private static final int TEXT_LIMIT = 1_000;
    /** What ValueText appends to objects it cannot render as a value: the fixture cannot know the ids. */
    private static final Pattern OBJECT_ID = Pattern.compile("@0x[0-9a-f]+$");

    /** One opened dump per JVM, shared by every test of this class. */
    private static final Map<Jvm, Zoo> ZOOS = new EnumMap<>(Jvm.class);

    static Stream<Jvm> jvms() {
        return Stream.of(Jvm.JDK17, Jvm.JDK25, Jvm.JDK25_COMPACT);
    }

    @AfterAll
    static void closeDumps() throws IOException {
        synchronized (ZOOS) {
            for (Zoo zoo : ZOOS.values()) {
                zoo.index.close();
            }
            ZOOS.clear();
        }
    }

    // ---------------------------------------------------------------- every case, decoded alone

    @TestFactory
    Stream<DynamicContainer> everyCaseDecodesAsTheFixtureJvmMeasuredIt() {
        // Containers evaluate their children lazily: a JVM that is not installed skips only its own container.
        return jvms().map(jvm -> dynamicContainer(jvm.id(), Stream.of(jvm).flatMap(MapZooTest::caseTests)));
    }

    private static Stream<DynamicTest> caseTests(Jvm jvm) {
        Zoo zoo = zoo(jvm);
        return zoo.cases().stream().map(name -> dynamicTest(name, () -> checkCase(zoo, name)));
    }

    private static void checkCase(Zoo zoo, String name) {
        int object = zoo.field(name);
        String cls = zoo.fact(name, "class");
        assertThat(zoo.index.classOf(object).name()).as("class of %s in the dump", name).isEqualTo(cls);
        MapView v = zoo.catalog.decode(zoo.ctx, object);
        assertThat(v).as("%s: no decoder reads %s (or its decoder threw)", name, cls).isNotNull();

        SoftAssertions soft = new SoftAssertions();
        String at = name + ": "; // dynamic tests are numbered in reports: say which case failed
        long size = zoo.number(name, "size");
        soft.assertThat(v.object()).as(at + "object").isEqualTo(object);
        soft.assertThat(v.storage()).as(at + "storage").isEqualTo(expectedStorage(zoo, name, object));
        soft.assertThat(v.implementation()).as(at + "implementation").isEqualTo(cls);
        soft.assertThat(v.kind()).as(at + "kind")
                .isEqualTo(expectedKind(zoo.facts.getOrDefault(name + ".backedBy", cls)));
        soft.assertThat(v.set()).as(at + "set").isEqualTo(Boolean.parseBoolean(zoo.fact(name, "set")));
        soft.assertThat(v.size()).as(at + "size").isEqualTo(size);
        soft.assertThat(v.capacity()).as(at + "capacity").isEqualTo(zoo.number(name, "capacity"));
        soft.assertThat(v.entriesReached()).as(at + "entries reached (stale ones included)").isEqualTo(size);

        Consistency c = v.consistency();
        soft.assertThat(c.corrupt()).as(at + "corrupt; problems: %s", c.problems()).isFalse();
        // capacity - binsUsed is what the maps command and hollow-table report as wasted slots
        soft.assertThat(c.binsUsed()).as(at + "bins used (capacity %d)", v.capacity())
                .isEqualTo(zoo.number(name, "binsUsed"));
        soft.assertThat(c.treeBins()).as(at + "tree bins").isEqualTo(zoo.numberOr(name, "treeBins", 0));
        soft.assertThat(c.staleEntries()).as(at + "stale entries").isEqualTo(zoo.numberOr(name, "stale", 0));
        soft.assertThat(c.forwardedBins()).as(at + "forwarded bins").isZero();

        if (zoo.has(name, "modCount")) {
            soft.assertThat(v.modCount()).as(at + "modCount").isEqualTo(zoo.number(name, "modCount"));
        }
        if (zoo.has(name, "threshold")) {
            soft.assertThat(v.threshold()).as(at + "threshold").isEqualTo(zoo.number(name, "threshold"));
        }
        if (zoo.has(name, "loadFactor")) {
            soft.assertThat(v.loadFactor()).as(at + "loadFactor")
                    .isEqualTo(Float.parseFloat(zoo.fact(name, "loadFactor")));
        }
        if (zoo.has(name, "accessOrder")) {
            soft.assertThat(v.settings().get("accessOrder")).as(at + "settings.accessOrder")
                    .isEqualTo(Boolean.parseBoolean(zoo.fact(name, "accessOrder")));
        }
        if (zoo.has(name, "counterCellsUsed")) {
            // the decoder reports the cells it added up; counterCells has null slots until contention fills them
            soft.assertThat(v.settings().get("counterCells"))
                    .as(at + "settings.counterCells (cells in use of %s slots)", zoo.fact(name, "counterCells"))
                    .isEqualTo((int) zoo.number(name, "counterCellsUsed"));
        }

        List<String> entries = entries(zoo, v);
        soft.assertThat(entries).as(at + "entries walked").hasSize((int) zoo.number(name, "entryCount"));
        String text = String.join("|", entries);
        if (zoo.has(name, "entries")) {
            soft.assertThat(text).as(at + "entries").isEqualTo(zoo.fact(name, "entries"));
        } else {
            soft.assertThat(digest(text)).as(at + "digest of all %s entries", entries.size())
                    .isEqualTo(zoo.fact(name, "entriesDigest"));
        }
        soft.assertAll();
    }

    /** The map holding the entries: the object itself, or the one in the field the fixture names. */
    private static int expectedStorage(Zoo zoo, String name, int object) {
        return zoo.has(name, "innerField") ? zoo.ref(object, zoo.fact(name, "innerField")) : object;
    }

    /** The kind of the class that stores the entries (for sets and wrappers, the map inside). */
    static MapKind expectedKind(String storageClass) {
        switch (storageClass) {
            case "java.util.WeakHashMap": return MapKind.WEAK_KEYED;
            case "java.util.IdentityHashMap": return MapKind.IDENTITY;
            case "java.util.TreeMap": return MapKind.TREE;
            case "java.util.concurrent.ConcurrentSkipListMap": return MapKind.SKIP_LIST;
            case "java.util.EnumMap": return MapKind.ENUM;
            case "java.lang.ThreadLocal$ThreadLocalMap": return MapKind.THREAD_LOCAL;
            case "java.util.Collections$SingletonMap":
            case "java.util.Collections$EmptyMap":
                return MapKind.IMMUTABLE;
            default:
                return storageClass.startsWith("java.util.ImmutableCollections$") ? MapKind.IMMUTABLE
                        : MapKind.HASH_TABLE;
        }
    }

    /** Every entry the view walks, rendered as the fixture rendered it, sorted. */
    private static List<String> entries(Zoo zoo, MapView v) {
        List<String> out = new ArrayList<>();
        v.entries((node, key, value, storedHash, hashKnown, bin) -> {
            out.add(v.set() ? zoo.text(key) : zoo.text(key) + "=" + zoo.text(value));
            return true;
        });
        Collections.sort(out);
        return out;
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- findAll: what users hold, once

    @ParameterizedTest(name = "{0}")
    @MethodSource("jvms")
    void findAllListsEveryMapUsersHold(Jvm jvm) {
        Zoo zoo = zoo(jvm);
        Set<String> heldAlsoByAnotherMap = zoo.heldAlsoByAnotherMap();
        List<String> missing = new ArrayList<>();
        List<String> listedTwice = new ArrayList<>();
        for (String name : zoo.cases()) {
            if (heldAlsoByAnotherMap.contains(name)) {
                continue; // see aMapHeldInItsOwnFieldIsListedEvenWhenAWrapperOrViewAlsoHoldsIt
            }
            long times = zoo.listed.stream().filter(m -> m.object() == zoo.field(name)).count();
            if (times == 0) {
                missing.add(name + " (" + zoo.fact(name, "class") + ")");
            } else if (times > 1) {
                listedTwice.add(name);
            }
        }
        assertThat(missing).as("zoo maps findAll does not list").isEmpty();
        assertThat(listedTwice).as("zoo maps findAll lists more than once").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jvms")
    void findAllHidesTheMapsInsideSetsWrappersAndProperties(Jvm jvm) {
        Zoo zoo = zoo(jvm);
        Set<Integer> listed = zoo.listedObjects();
        Set<Integer> caseObjects = zoo.cases().stream().map(zoo::field).collect(Collectors.toSet());
        List<String> shown = new ArrayList<>();
        int checked = 0;
        for (String name : zoo.cases()) {
            if (!zoo.has(name, "innerField")) {
                continue;
            }
            int inner = zoo.ref(zoo.field(name), zoo.fact(name, "innerField"));
            if (caseObjects.contains(inner)) {
                continue; // held by a field of its own too: see the next test
            }
            checked++;
            if (listed.contains(inner)) {
                shown.add(name + "." + zoo.fact(name, "innerField") + " (" + zoo.fact(name, "backedBy") + ")");
            }
        }
        assertThat(checked).as("sets, wrappers and Properties in the zoo").isGreaterThanOrEqualTo(28);
        assertThat(shown).as("internal maps that findAll lists as maps of their own").isEmpty();
    }

    /**
     * A map in a field of its own is a map users hold, whatever else refers to it: a wrapper made for a caller
     * ({@code SHARED_BACKING} behind {@code UNMODIFIABLE_SHARED}) or a key-set view ({@code KEYSET_BACKING},
     * {@code CHM_KEYSET_BACKING}). Hiding it behind the other object would list a user's HashMap under
     * {@code Collections$UnmodifiableMap}, or a ConcurrentHashMap as a set without its values.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jvms")
    void aMapHeldInItsOwnFieldIsListedEvenWhenAWrapperOrViewAlsoHoldsIt(Jvm jvm) {
        Zoo zoo = zoo(jvm);
        List<String> backing = new ArrayList<>();
        backing.add(zoo.fact("UNMODIFIABLE_SHARED", "wraps"));
        for (String view : zoo.views()) {
            backing.add(zoo.fact(view, "viewOf"));
        }
        assertThat(backing).hasSize(3);
        List<String> hidden = new ArrayList<>();
        for (String name : backing) {
            boolean asItself = zoo.listed.stream().anyMatch(m -> m.object() == zoo.field(name)
                    && m.implementation().equals(zoo.fact(name, "class")) && !m.set());
            if (!asItself) {
                hidden.add(name + " (" + zoo.fact(name, "class") + ")");
            }
        }
        assertThat(hidden).as("maps with a field of their own that findAll does not list as themselves").isEmpty();
        assertThat(zoo.listedObjects()).as("the wrapper is listed too").contains(zoo.field("UNMODIFIABLE_SHARED"));
    }

    /**
     * {@code keySet()} caches its view in the map ({@code ConcurrentHashMap.keySet}), so any map whose keys were
     * once iterated that way holds a {@code KeySetView}. That view is not a set users hold: the map must still be
     * listed as itself, and its storage only once.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jvms")
    void aMapWhoseKeySetWasTakenIsListedAsItselfAndOnlyOnce(Jvm jvm) {
        Zoo zoo = zoo(jvm);
        List<String> taken = zoo.cases().stream().filter(n -> zoo.has(n, "keySetTaken")).toList();
        assertThat(taken).containsExactlyInAnyOrder("CHM_KEYSET_TAKEN", "PROPERTIES_KEYSET_TAKEN");
        SoftAssertions soft = new SoftAssertions();
        for (String name : taken) {
            int object = zoo.field(name);
            int storage = expectedStorage(zoo, name, object);
            List<String> byStorage = zoo.listed.stream().filter(m -> m.storage() == storage)
                    .map(m -> m.implementation() + (m.set() ? " (set)" : "")).toList();
            soft.assertThat(byStorage).as("%s: listed maps whose entries it stores", name)
                    .containsExactly(zoo.fact(name, "class"));
        }
        soft.assertAll();
    }

    /** A key-set view is no map of its own: decoded, it is a set of the keys its map stores, or nothing. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jvms")
    void keySetViewsDecodeToTheirMapsKeysOrNotAtAll(Jvm jvm) {
        Zoo zoo = zoo(jvm);
        assertThat(zoo.views()).containsExactlyInAnyOrder("KEYSET_VIEW", "CHM_KEYSET_VIEW");
        SoftAssertions soft = new SoftAssertions();
        for (String view : zoo.views()) {
            MapView v = zoo.catalog.decode(zoo.ctx, zoo.field(view));
            if (v == null) {
                continue;
            }
            soft.assertThat(v.set()).as("%s is a set", view).isTrue();
            soft.assertThat(v.storage()).as("%s storage", view).isEqualTo(zoo.field(zoo.fact(view, "viewOf")));
            soft.assertThat(v.size()).as("%s size", view).isEqualTo(zoo.number(view, "size"));
        }
        soft.assertAll();
    }

    // ---------------------------------------------------------------- the opened dump

    private static Zoo zoo(Jvm jvm) {
        synchronized (ZOOS) {
            Zoo zoo = ZOOS.get(jvm);
            if (zoo == null) {
                zoo = Zoo.open(FixtureDumps.get(jvm, SCENARIO));
                ZOOS.put(jvm, zoo);
            }
            return zoo;
        }
    }

    /** The dump of one JVM, indexed, with the zoo's static fields and what findAll lists. */
    private static final class Zoo {
        final Map<String, String> facts;
        final HeapIndex index;
        final MapCatalog catalog = MapCatalog.standard(List.of());
        final MapContext ctx;
        final ValueText valueText;
        final Map<String, Integer> fields;
        final List<MapView> listed;

        private Zoo(FixtureDump dump, HeapIndex index) {
            this.facts = dump.facts();
            this.index = index;
            this.ctx = new MapContext(index);
            this.valueText = new ValueText(index, TEXT_LIMIT);
            this.fields = staticFields(index, dump.factString("owner"));
            // As the commands list maps: a wrapper hides its inner map only when it dominates it.
            this.listed = catalog.findAll(index, io.mapleak.graph.DominatorTree.compute(
                    new io.mapleak.graph.HeapGraph(index)));
        }

        static Zoo open(FixtureDump dump) {
            try {
                return new Zoo(dump, HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Every case the fixture recorded (views aside), sorted. */
        List<String> cases() {
            return names().stream().filter(n -> !has(n, "viewOf")).toList();
        }

        List<String> views() {
            return names().stream().filter(n -> has(n, "viewOf")).toList();
        }

        private List<String> names() {
            TreeSet<String> names = new TreeSet<>();
            for (String key : facts.keySet()) {
                if (key.endsWith(".class")) {
                    names.add(key.substring(0, key.length() - ".class".length()));
                }
            }
            assertThat(names).as("cases recorded by %s", SCENARIO).hasSizeGreaterThan(80);
            return List.copyOf(names);
        }

        /** Cases that another map of the zoo also refers to: a wrapper's target, a view's map, a cached key set. */
        Set<String> heldAlsoByAnotherMap() {
            Set<String> out = new java.util.HashSet<>();
            out.add(fact("UNMODIFIABLE_SHARED", "wraps"));
            for (String view : views()) {
                out.add(fact(view, "viewOf"));
            }
            for (String name : cases()) {
                if (has(name, "keySetTaken") && !has(name, "innerField")) {
                    out.add(name);
                }
            }
            return out;
        }

        Set<Integer> listedObjects() {
            return listed.stream().map(MapView::object).collect(Collectors.toSet());
        }

        boolean has(String name, String fact) {
            return facts.containsKey(name + "." + fact);
        }

        String fact(String name, String fact) {
            String v = facts.get(name + "." + fact);
            if (v == null) {
                throw new IllegalArgumentException("no fact " + name + "." + fact + " in " + SCENARIO);
            }
            return v;
        }

        long number(String name, String fact) {
            return Long.parseLong(fact(name, fact));
        }

        long numberOr(String name, String fact, long otherwise) {
            return has(name, fact) ? number(name, fact) : otherwise;
        }

        int field(String name) {
            Integer o = fields.get(name);
            if (o == null || o < 0) {
                throw new IllegalArgumentException("no object in static field " + name + " of " + facts.get("owner"));
            }
            return o;
        }

        /** The object a reference field of {@code object} points to, read from the dump (not by a decoder). */
        int ref(int object, String field) {
            return index.reader().instance(object).refIndex(field);
        }

        /** ValueText's rendering, with the ids of plain objects left out as the fixture does. */
        String text(long id) {
            String s = valueText.of(id);
            return s.startsWith("\"") ? s : OBJECT_ID.matcher(s).replaceFirst("@");
        }

        private static Map<String, Integer> staticFields(HeapIndex index, String className) {
            Map<String, Integer> out = new HashMap<>();
            for (ClassInfo c : index.classes()) {
                if (!c.name().equals(className)) {
                    continue;
                }
                for (int i = 0; i < c.staticCount(); i++) {
                    if (c.staticType(i) == BasicType.OBJECT && c.staticValue(i) != 0) {
                        out.put(c.staticName(i), index.indexOf(c.staticValue(i)));
                    }
                }
            }
            assertThat(out).as("static fields of %s", className).isNotEmpty();
            return out;
        }
    }
}
