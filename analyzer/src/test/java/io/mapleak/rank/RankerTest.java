package io.mapleak.rank;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.analysis.Analysis;
import io.mapleak.analysis.AnalysisListener;
import io.mapleak.analysis.AnalysisOptions;
import io.mapleak.analysis.AnalysisResult;
import io.mapleak.detect.Severity;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How findings become ranked suspects, on heaps written to order: the map where entries accumulate is the suspect
 * and the maps holding it are its containers; maps indexing the same entries are one suspect carrying what they
 * hold together; severity follows the evidence whatever holds the map; a few large values are a holder, not a
 * leak; a suspect inside another is nested under it; garbage is never a suspect.
 */
class RankerTest {
    @TempDir
    Path dir;

    private static List<String> uuids(int n, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new UUID(r.nextLong(), r.nextLong()).toString());
        }
        return out;
    }

    private AnalysisResult analyse(SyntheticHeap heap, String name) throws Exception {
        Path dump = heap.write(dir.resolve(name + ".hprof"));
        return Analysis.run(dump, AnalysisOptions.defaults(), AnalysisListener.QUIET);
    }

    @Test
    void theMapWhereEntriesAccumulateIsTheSuspectAndItsContainersAreOnItsOwnerPath() throws Exception {
        SyntheticHeap heap = new SyntheticHeap();
        // t.Cache.store: 5,000 UUID-keyed entries of 300 bytes each, the heap's bulk
        List<String> keys = uuids(5_000, 1);
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            values.add(heap.bytes(300));
        }
        long store = heap.map(keys, values);
        long cache = heap.object(heap.type("t.Cache", "store"), Map.of("store", store));
        // t.CacheManager.caches: a map of two caches; t.Registry.COMPONENTS: 1,200 components, one the manager
        long caches = heap.map(List.of("orders", "prices"), List.of(cache, heap.bytes(16)));
        long manager = heap.object(heap.type("t.CacheManager", "caches"), Map.of("caches", caches));
        List<String> names = new ArrayList<>();
        List<Long> components = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            names.add("component-" + i);
            components.add(i == 0 ? manager : heap.bytes(8));
        }
        long registry = heap.map(names, components);
        heap.staticField("t.Registry", "COMPONENTS", registry);

        AnalysisResult r = analyse(heap, "containers");

        assertThat(r.suspects()).as(describe(r)).hasSize(1);
        AnalysisResult.Suspect s = r.suspects().get(0);
        assertThat(s.owner().label()).isEqualTo("t.Cache.store");
        assertThat(s.severity()).isEqualTo(Severity.HIGH);
        assertThat(s.nested()).isEmpty();
        assertThat(s.ownerPath()).extracting(AnalysisResult.PathStep::label).first()
                .isEqualTo("static t.Registry.COMPONENTS");
        assertThat(s.ownerPath()).filteredOn(step -> step.role() != null).extracting(AnalysisResult.PathStep::label)
                .containsExactly("static t.Registry.COMPONENTS");
    }

    @Test
    void severityFollowsTheEvidenceNotTheKindOfRootThatHoldsTheMap() throws Exception {
        SyntheticHeap heap = new SyntheticHeap();
        // Random session tokens between a fixed prefix and suffix, as a servlet container makes them.
        Random random = new Random(7);
        List<String> keys = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < 12_000; i++) {
            keys.add("node0" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36)
                    + Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + ".node0");
            values.add(heap.bytes(400));
        }
        long sessions = heap.map(keys, values);
        heap.threadLocalVariable("server-main", sessions);

        AnalysisResult r = analyse(heap, "thread-rooted");

        AnalysisResult.Suspect s = r.suspects().get(0);
        assertThat(s.owner().root()).isEqualTo("thread");
        assertThat(s.severity()).as(describe(r)).isEqualTo(Severity.HIGH);
        AnalysisResult.Finding keysFinding = s.finding("unique-keys");
        assertThat(keysFinding).as("the affixed tokens are recognised; %s", describe(r)).isNotNull();
        var e = (io.mapleak.detect.UniqueKeysEvidence) keysFinding.evidence();
        assertThat(e.pattern()).isEqualTo("token");
        assertThat(e.affixes()).isEqualTo("\"node0….node0\"");
        assertThat(s.summary()).contains("keys are random tokens").contains("held by thread \"server-main\"");
    }

    @Test
    void aMapOverHalfTheHeapThroughManyEntriesIsHighEvenWithoutAKeyPattern() throws Exception {
        SyntheticHeap heap = new SyntheticHeap();
        heap.threadLocalVariable("worker", mapWithoutKeyPattern(heap));

        AnalysisResult r = analyse(heap, "no-pattern");

        AnalysisResult.Suspect s = r.suspects().get(0);
        assertThat(s.finding("unique-keys")).as(describe(r)).isNull();
        assertThat(s.finding("unbounded-growth")).isNotNull();
        assertThat(s.severity()).isEqualTo(Severity.HIGH);
    }

    /** 11,000 entries of 500 bytes each under keys that follow no pattern mapleak knows. */
    private static long mapWithoutKeyPattern(SyntheticHeap heap) {
        List<String> keys = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < 11_000; i++) {
            keys.add("customer " + Integer.toString(i * 7919 % 100_003, 16) + " of region " + (i % 13));
            values.add(heap.bytes(500));
        }
        return heap.map(keys, values);
    }

    /**
     * A growing map that a running call holds in a local variable goes when the call returns: the fix says so and
     * what to do if the call lasts; where the dump names no frame, the usual fix.
     */
    @Test
    void aLocalVariablesMapIsSaidToGoWhenItsCallReturns() throws Exception {
        for (boolean framed : new boolean[] {true, false}) {
            SyntheticHeap heap = new SyntheticHeap();
            long map = mapWithoutKeyPattern(heap);
            if (framed) {
                heap.threadLocalVariable("importer", map, "t.Importer", "load", 42);
            } else {
                heap.threadLocalVariable("importer", map);
            }

            AnalysisResult.Suspect s = analyse(heap, "local-" + framed).suspects().get(0);

            assertThat(s.finding("unbounded-growth")).isNotNull();
            if (framed) {
                assertThat(s.owner().path().get(0)).isEqualTo("thread \"importer\" (t.Importer.load, line 42)");
                assertThat(s.fix().text()).startsWith("A local variable of t.Importer.load (line 42), a call still "
                        + "running, holds 11,000 entries").contains("they go when that call returns");
            } else {
                assertThat(s.fix().text()).contains("holds 11,000 entries").contains("nothing removes them. Decide");
            }
        }
    }

    /** The same for a map keyed by UUIDs, whose fix unique-keys leads: no "grows with traffic" for a local. */
    @Test
    void aLocalVariablesMapOfUniqueKeysIsSaidToGoWhenItsCallReturns() throws Exception {
        for (boolean framed : new boolean[] {true, false}) {
            SyntheticHeap heap = new SyntheticHeap();
            Random random = new Random(11);
            List<String> keys = new ArrayList<>();
            List<Long> values = new ArrayList<>();
            for (int i = 0; i < 11_000; i++) {
                keys.add(new UUID(random.nextLong(), random.nextLong()).toString());
                values.add(heap.bytes(500));
            }
            long map = heap.map(keys, values);
            if (framed) {
                heap.threadLocalVariable("importer", map, "t.Importer", "load", 42);
            } else {
                heap.threadLocalVariable("importer", map);
            }

            AnalysisResult r = analyse(heap, "local-uuids-" + framed);
            AnalysisResult.Suspect s = r.suspects().get(0);

            assertThat(s.fix().basedOn()).as(describe(r)).contains("unique-keys");
            if (framed) {
                assertThat(s.fix().text()).startsWith("Keys look like UUIDs").contains("The map is a local variable "
                        + "of t.Importer.load (line 42), a call still running: its entries go when that call returns")
                        .doesNotContain("grows with traffic");
            } else {
                assertThat(s.fix().text()).startsWith("Keys look like UUIDs").contains("grows with traffic");
            }
        }
    }

    @Test
    void aFewLargeValuesAreALargeHolderNotASuspect() throws Exception {
        SyntheticHeap heap = new SyntheticHeap();
        long database = heap.bytes(5_000_000);
        heap.staticField("t.Databases", "BY_NAME", heap.map(List.of("mem:orders"), List.of(database)));
        for (int i = 0; i < 50; i++) {
            heap.staticField("t.Other" + i, "X", heap.bytes(1000));
        }

        AnalysisResult r = analyse(heap, "holder");

        assertThat(r.suspects()).as(describe(r)).isEmpty();
        assertThat(r.largestHolders()).extracting(AnalysisResult.Holder::owner).contains("t.Databases.BY_NAME");
        assertThat(r.largestHolders().get(0).entries()).isEqualTo(1);
    }

    @Test
    void mapsIndexingTheSameEntriesAreOneSuspectThatCarriesWhatTheyHoldTogether() throws Exception {
        sharedIndexes(3_000, true);
    }

    /**
     * Maps far larger than the entries sampled of each: what one map's sample holds, the others hold somewhere among
     * their many entries, not among their first few thousand (each walks its own bins' order).
     */
    @Test
    void largeMapsIndexingTheSameEntriesAreFoundThoughTheirSamplesDiffer() throws Exception {
        sharedIndexes(40_000, true);
    }

    /**
     * The same three maps each in a static field of its own: no object but the roots dominates the shared records, so
     * only what the samples share finds them, scaled by how small a part of each map its sample is.
     */
    @Test
    void largeMapsInFieldsOfTheirOwnIndexingTheSameEntriesAreFoundByTheirSamples() throws Exception {
        sharedIndexes(40_000, false);
    }

    private void sharedIndexes(int customers, boolean oneHolder) throws Exception {
        SyntheticHeap heap = new SyntheticHeap();
        long recordType = heap.type("t.Customer", "profile");
        List<Long> records = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int before = heap.written.size();
        for (int i = 0; i < customers; i++) {
            records.add(heap.object(recordType, Map.of("profile", heap.bytes(1_000))));
            ids.add("c" + i);
            emails.add("user" + i + "@example.com");
            names.add("Customer Number " + i);
        }
        List<Long> structures = new ArrayList<>(heap.written.subList(before, heap.written.size()));
        int mapsStart = heap.written.size();
        long byId = heap.map(ids, records);
        long byEmail = heap.map(emails, records);
        long byName = heap.map(names, records);
        structures.addAll(heap.written.subList(mapsStart, heap.written.size()));
        if (oneHolder) {
            heap.staticField("t.Crm", "INDEX", heap.object(heap.type("t.CustomerIndex", "byId", "byEmail", "byName"),
                    Map.of("byId", byId, "byEmail", byEmail, "byName", byName)));
        } else {
            heap.staticField("t.CustomersById", "INDEX", byId);
            heap.staticField("t.CustomersByEmail", "INDEX", byEmail);
            heap.staticField("t.CustomersByName", "INDEX", byName);
        }

        AnalysisResult r = analyse(heap, "shared");

        // The oracle: every object written for the records and the three maps, and nothing else, is freed when
        // the three maps go; their shallow sizes as the index computed them.
        long expected = 0;
        try (HeapIndex hi = HeapIndex.build(DumpFile.open(dir.resolve("shared.hprof")), ReadOptions.defaults())) {
            for (long id : structures) {
                expected += hi.shallowSize(hi.indexOf(id));
            }
        }
        assertThat(r.suspects()).as(describe(r)).hasSize(1);
        AnalysisResult.Suspect s = r.suspects().get(0);
        assertThat(s.mapCount()).isEqualTo(3);
        assertThat(s.shared()).isNotNull();
        assertThat(s.shared().maps()).isEqualTo(3);
        assertThat(s.retainedBytes()).isEqualTo(expected).isEqualTo(s.shared().retainedTogether());
        assertThat(s.shared().largestAlone()).isLessThan(expected / 4);
        if (oneHolder) {
            assertThat(s.owner().label()).isEqualTo("t.CustomerIndex.{byEmail, byId, byName}");
        }
        assertThat(s.title()).startsWith("3 maps index the same entries: ");
        assertThat(s.summary()).contains(String.format(java.util.Locale.ROOT, "in %,d entries each", customers));
    }

    /**
     * Two maps of the same 3,000 customers (2,000 of them by e-mail) whose entries a linked list of the same object
     * also holds: freeing both maps frees no customer, so they free no more together than alone; the object holding
     * maps and list holds the customers, and the suspect is both maps with what that object retains (exactly
     * everything written for it). When that object also holds much else (a buffer three times the customers' size),
     * it is no holder of theirs.
     */
    @Test
    void mapsWhoseEntriesAListAlsoHoldsAreOneSuspectRetainedByTheirHolder() throws Exception {
        for (boolean muchElse : new boolean[] {false, true}) {
            SyntheticHeap heap = new SyntheticHeap();
            long recordType = heap.type("t.Customer", "profile");
            int before = heap.written.size();
            List<Long> records = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<String> emails = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                records.add(heap.object(recordType, Map.of("profile", heap.bytes(1_000))));
                ids.add("c" + i);
                emails.add("user" + i + "@example.com");
            }
            long byId = heap.map(ids, records);
            long byEmail = heap.map(emails.subList(0, 2_000), records.subList(0, 2_000)); // not every customer has one
            long linkType = heap.type("t.Link", "item", "next");
            long head = 0;
            for (int i = records.size() - 1; i >= 0; i--) {
                head = heap.object(linkType, head == 0 ? Map.of("item", records.get(i))
                        : Map.of("item", records.get(i), "next", head));
            }
            Map<String, Long> fields = new HashMap<>(Map.of("byId", byId, "byEmail", byEmail, "all", head));
            if (muchElse) {
                fields.put("buffer", heap.bytes(9_000_000));
            }
            long holder = heap.object(heap.type("t.CustomerIndex", "byId", "byEmail", "all", "buffer"), fields);
            List<Long> structures = new ArrayList<>(heap.written.subList(before, heap.written.size()));
            heap.staticField("t.Crm", "INDEX", holder);

            AnalysisResult r = analyse(heap, "holder-" + muchElse);

            if (muchElse) {
                assertThat(r.suspects()).as(describe(r)).allMatch(s -> s.shared() == null);
                continue;
            }
            long expected = 0;
            try (HeapIndex hi = HeapIndex.build(DumpFile.open(dir.resolve("holder-false.hprof")),
                    ReadOptions.defaults())) {
                for (long id : structures) {
                    expected += hi.shallowSize(hi.indexOf(id));
                }
            }
            assertThat(r.suspects()).as(describe(r)).hasSize(1);
            AnalysisResult.Suspect s = r.suspects().get(0);
            assertThat(s.mapCount()).isEqualTo(2);
            assertThat(s.shared().holder().className()).isEqualTo("t.CustomerIndex");
            assertThat(s.shared().holder().owner()).isEqualTo("t.Crm.INDEX");
            assertThat(s.retainedBytes()).isEqualTo(expected).isEqualTo(s.shared().retainedTogether());
            assertThat(s.shared().largestAlone()).isLessThan(expected / 10);
            assertThat(s.summary()).startsWith("With the CustomerIndex that holds them and their entries, these 2 maps"
                    + " retain").contains("in 5,000 entries over the 2 maps (the largest 3,000)");
        }
    }

    /**
     * Two maps of sessions of their own, every session referring to one manager that the same object holds beside the
     * maps: the maps share no entry, so they are no group of any kind, though their sessions' references all lead to
     * one object under that holder. The same when every key of both maps maps to that one object itself.
     */
    @Test
    void mapsWhoseValuesReferToOneSharedObjectAreNoGroup() throws Exception {
        for (boolean direct : new boolean[] {false, true}) {
            SyntheticHeap heap = new SyntheticHeap();
            long manager = heap.object(heap.type("t.Manager", "buffer"), Map.of("buffer", heap.bytes(2_000_000)));
            long sessionType = heap.type("t.Session", "manager", "data");
            Map<String, Long> fields = new HashMap<>(Map.of("manager", manager));
            for (String name : List.of("web", "api")) {
                List<String> keys = new ArrayList<>();
                List<Long> values = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    keys.add(name + "-session-" + i);
                    values.add(direct ? manager
                            : heap.object(sessionType, Map.of("manager", manager, "data", heap.bytes(500))));
                }
                fields.put(name, heap.map(keys, values));
            }
            heap.staticField("t.App", "INSTANCE", heap.object(heap.type("t.Sessions", "manager", "web", "api"),
                    fields));

            AnalysisResult r = analyse(heap, "one-manager-" + direct);

            assertThat(r.suspects()).as("direct %s: %s", direct, describe(r)).allMatch(s -> s.shared() == null);
        }
    }

    @Test
    void aSuspectInsideAnotherIsNestedUnderItNotRanked() throws Exception {
        SyntheticHeap heap = new SyntheticHeap();
        long sessionType = heap.type("t.Session", "attributes", "state");
        List<String> keys = uuids(2_000, 3);
        List<Long> sessions = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            long attributes = heap.map(List.of("locale"), List.of(heap.string("de-DE")));
            sessions.add(heap.object(sessionType, Map.of("attributes", attributes, "state", heap.bytes(2_000))));
        }
        heap.staticField("t.Sessions", "ACTIVE", heap.map(keys, sessions));

        AnalysisResult r = analyse(heap, "nested");

        assertThat(r.suspects()).as(describe(r)).hasSize(1);
        AnalysisResult.Suspect s = r.suspects().get(0);
        assertThat(s.owner().label()).isEqualTo("t.Sessions.ACTIVE");
        assertThat(s.nested()).hasSize(1);
        AnalysisResult.Suspect inside = s.nested().get(0);
        assertThat(inside.owner().label()).isEqualTo("t.Session.attributes");
        assertThat(inside.inside()).isEqualTo(1);
        assertThat(inside.mapCount()).isEqualTo(2_000);
        assertThat(inside.finding("small-map-overhead")).isNotNull();
    }

    @Test
    void garbageIsNeverASuspectAndIsSaidOnce() throws Exception {
        SyntheticHeap heap = new SyntheticHeap();
        List<String> keys = uuids(3_000, 5);
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            values.add(heap.bytes(200));
        }
        heap.map(keys, values); // no root holds it
        heap.staticField("t.Live", "DATA", heap.bytes(10_000));

        AnalysisResult r = analyse(heap, "garbage");

        assertThat(r.suspects()).as(describe(r)).isEmpty();
        assertThat(r.largestHolders()).isEmpty();
        assertThat(r.dump().unreachable().bytes()).isGreaterThan(3_000L * 200);
        assertThat(r.inventory().rows()).noneMatch(row -> row.size() == 3_000);
    }

    @Test
    void collisionsAmongJdkKeysGetAdviceTheReaderCanFollow() throws Exception {
        SyntheticHeap heap = new SyntheticHeap();
        // 128 distinct strings with one hashCode: every string of seven "Aa" or "BB" blocks hashes alike.
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            StringBuilder b = new StringBuilder();
            for (int bit = 0; bit < 7; bit++) {
                b.append((i >> bit & 1) == 0 ? "Aa" : "BB");
            }
            keys.add(b.toString());
        }
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            values.add(heap.bytes(64));
        }
        heap.staticField("t.Params", "BY_NAME", heap.map(keys, values));

        AnalysisResult r = analyse(heap, "collisions");

        AnalysisResult.Suspect s = r.suspects().stream().filter(x -> x.owner().label().equals("t.Params.BY_NAME"))
                .findFirst().orElseThrow(() -> new AssertionError(describe(r)));
        AnalysisResult.Finding f = s.finding("collision-hotspot");
        assertThat(f).isNotNull();
        assertThat(s.fix().text()).contains("the keys, not String's hashCode(), are the problem")
                .doesNotContain("java.lang.String's hashCode() spreads keys poorly")
                .doesNotContain("Make it combine every field");
    }

    @Test
    void collisionsAreMediumOnlyWhereLookupsWalkLongChains() throws Exception {
        // t.Hot.BY_NAME: 128 keys with one hash code, one bin. t.Cheap.BY_NAME: 80 keys in 16 groups of five
        // sharing a hash code (about 16 bins of five, where uniform hashing would use 59): a poor hash, cheap
        // lookups, as in Derby's container cache.
        SyntheticHeap heap = new SyntheticHeap();
        List<String> hot = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            hot.add(sameHash("", i, 7));
        }
        List<String> cheap = new ArrayList<>();
        for (int group = 0; group < 16; group++) {
            for (int i = 0; i < 5; i++) {
                cheap.add(sameHash("g" + (char) ('a' + group) + "-", i, 3));
            }
        }
        heap.staticField("t.Hot", "BY_NAME", heap.map(hot, hot.stream().map(k -> heap.bytes(64)).toList()));
        heap.staticField("t.Cheap", "BY_NAME", heap.map(cheap, cheap.stream().map(k -> heap.bytes(64)).toList()));

        AnalysisResult r = analyse(heap, "collision-cost");

        AnalysisResult.Suspect hotSuspect = suspectOwnedBy(r, "t.Hot.BY_NAME");
        AnalysisResult.Suspect cheapSuspect = suspectOwnedBy(r, "t.Cheap.BY_NAME");
        assertThat(hotSuspect.finding("collision-hotspot")).isNotNull();
        assertThat(cheapSuspect.finding("collision-hotspot")).as(describe(r)).isNotNull();
        assertThat(hotSuspect.severity()).isEqualTo(Severity.MEDIUM);
        assertThat(cheapSuspect.severity()).as(describe(r)).isEqualTo(Severity.LOW);
    }

    /** {@code prefix} and {@code blocks} blocks of "Aa" or "BB" chosen by the bits of {@code i}: one hash code. */
    private static String sameHash(String prefix, int i, int blocks) {
        StringBuilder b = new StringBuilder(prefix);
        for (int bit = 0; bit < blocks; bit++) {
            b.append((i >> bit & 1) == 0 ? "Aa" : "BB");
        }
        return b.toString();
    }

    private static AnalysisResult.Suspect suspectOwnedBy(AnalysisResult r, String owner) {
        return r.suspects().stream().filter(x -> x.owner().label().equals(owner)).findFirst()
                .orElseThrow(() -> new AssertionError(describe(r)));
    }

    @Test
    void aLargeMapHeldInAnotherMapIsToldApartByItsKey() throws Exception {
        // t.Tenants.BY_ID holds one tenant's large map: the owner label names the outer field, the note the key;
        // t.Regions.BY_ID holds two, a group of maps under different keys: no key, and each clause said once
        SyntheticHeap heap = new SyntheticHeap();
        long acme = heap.map(List.of("db"), List.of(heap.bytes(3_000_000)));
        heap.staticField("t.Tenants", "BY_ID", heap.map(List.of("acme", "marker"), List.of(acme, heap.bytes(16))));
        long north = heap.map(List.of("db"), List.of(heap.bytes(1_500_000)));
        long south = heap.map(List.of("db"), List.of(heap.bytes(1_500_000)));
        heap.staticField("t.Regions", "BY_ID", heap.map(List.of("north", "south"), List.of(north, south)));
        for (int i = 0; i < 50; i++) {
            heap.staticField("t.Other" + i, "X", heap.bytes(1000));
        }

        AnalysisResult r = analyse(heap, "tenants");

        assertThat(r.suspects()).as(describe(r)).isEmpty();
        AnalysisResult.Holder tenant = r.largestHolders().stream().filter(h -> h.objectId().equals(
                io.mapleak.heap.Hex.id(acme))).findFirst().orElseThrow(() -> new AssertionError(describe(r)));
        assertThat(tenant.owner()).isEqualTo("t.Tenants.BY_ID");
        assertThat(tenant.note()).startsWith("is the value under key \"acme\"; ");
        List<String> inner = List.of(io.mapleak.heap.Hex.id(north), io.mapleak.heap.Hex.id(south));
        AnalysisResult.Holder regions = r.largestHolders().stream().filter(h -> inner.contains(h.objectId()))
                .findFirst().orElseThrow(() -> new AssertionError(describe(r)));
        assertThat(regions.owner()).isEqualTo("t.Regions.BY_ID");
        assertThat(regions.entries()).as("both regions' maps, one entry each").isEqualTo(2);
        assertThat(regions.note()).doesNotContain("under key");
        List<String> clauses = List.of(regions.note().split("; "));
        assertThat(clauses).doesNotHaveDuplicates();
    }

    @Test
    void aBinOfEightThatChanceMakesInALargeTableIsNotACollision() throws Exception {
        // 20,000 random UUIDs with one bin of 8, as about one table of this size in a hundred has by chance, and
        // 200 with one bin of 8, which chance would make in about one table in a million
        SyntheticHeap heap = new SyntheticHeap();
        heap.staticField("t.Sessions", "BY_ID", mapWithOneBinOf(8, 20_000, 32_768, 3, heap));
        heap.staticField("t.Params", "BY_ID", mapWithOneBinOf(8, 200, 512, 4, heap));

        AnalysisResult r = analyse(heap, "chance-bins");

        assertThat(r.suspects()).as(describe(r)).noneMatch(s -> s.finding("collision-hotspot") != null
                && s.owner().label().equals("t.Sessions.BY_ID"));
        assertThat(r.suspects()).as(describe(r)).anyMatch(s -> s.finding("collision-hotspot") != null
                && s.owner().label().equals("t.Params.BY_ID"));
    }

    /** {@code n} random UUID keys, bins of at most {@code longest - 1} but one of exactly {@code longest}. */
    private static long mapWithOneBinOf(int longest, int n, int table, long seed, SyntheticHeap heap) {
        Random r = new Random(seed);
        int[] count = new int[table];
        int target = -1;
        List<String> keys = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        while (keys.size() < n) {
            String key = new UUID(r.nextLong(), r.nextLong()).toString();
            int hc = key.hashCode();
            int bin = (hc ^ (hc >>> 16)) & (table - 1);
            target = target < 0 ? bin : target;
            if (count[bin] < (bin == target ? longest : longest - 1)
                    && (bin == target || keys.size() < n - (longest - count[target]))) {
                count[bin]++;
                keys.add(key);
                values.add(heap.bytes(64));
            }
        }
        assertThat(count[target]).isEqualTo(longest);
        return heap.map(keys, values);
    }

    private static String describe(AnalysisResult r) {
        StringBuilder b = new StringBuilder("suspects:\n");
        for (AnalysisResult.Suspect s : r.suspects()) {
            for (AnalysisResult.Suspect x : s.andNested()) {
                b.append(String.format("  #%d%s %s %s | %s | %s%n", x.rank(), x.inside() > 0 ? " (inside)" : "",
                        x.severity().word(), x.title(), x.owner().label(), x.summary()));
            }
        }
        b.append("holders: ").append(r.largestHolders());
        return b.toString();
    }
}
