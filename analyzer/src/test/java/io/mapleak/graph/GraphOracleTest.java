package io.mapleak.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Instance;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dominators, retained sizes and paths against what the fixture JVM measured before dumping: retained sizes
 * equal the bytes of everything a structure exclusively reaches (summed with the JVM's own
 * {@code Instrumentation.getObjectSize}), on the JDK 17 and JDK 25 layouts.
 */
class GraphOracleTest {

    static Stream<Jvm> layouts() {
        return Stream.of(Jvm.JDK17, Jvm.JDK17_NO_COOPS, Jvm.JDK25, Jvm.JDK25_COMPACT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void retainedSizesEqualWhatTheJvmMeasured(Jvm jvm) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, "retained-sizes");
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults())) {
            DominatorTree tree = DominatorTree.compute(new HeapGraph(index));
            int checked = 0;
            for (Map.Entry<String, String> fact : dump.facts().entrySet()) {
                if (!fact.getKey().startsWith("retained.")) {
                    continue;
                }
                String holder = fact.getKey().substring("retained.".length());
                int object = single(index, dump.factString("class." + holder));
                assertThat(tree.retainedSize(object)).as("retained size of %s", holder)
                        .isEqualTo(Long.parseLong(fact.getValue()));
                assertThat(index.shallowSize(object)).as("shallow size of %s", holder)
                        .isEqualTo(dump.fact("shallow." + holder));
                checked++;
            }
            assertThat(checked).isGreaterThanOrEqualTo(6);
            // The blob both shared holders reference is dominated by neither: its dominator is above them.
            int blob = single(index, dump.factString("shared.class"));
            int a = single(index, dump.factString("class.HolderSharedA"));
            int b = single(index, dump.factString("class.HolderSharedB"));
            assertThat(isDominatedBy(tree, blob, a)).isFalse();
            assertThat(isDominatedBy(tree, blob, b)).isFalse();
            assertThat(tree.retainedSize(blob)).isEqualTo(dump.fact("shared.size"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void textbookGraphBuiltInAJvmGetsTheTextbookDominators(Jvm jvm) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, "lengauer-tarjan");
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults())) {
            DominatorTree tree = DominatorTree.compute(new HeapGraph(index));
            List<Integer> vertices = ofClass(index, dump.factString("class.Vertex"));
            assertThat(vertices).hasSize((int) dump.fact("vertex.count"));
            Map<Integer, String> names = new java.util.HashMap<>();
            for (int v : vertices) {
                Instance inst = index.reader().instance(v);
                names.put(v, index.reader().string(inst.refIndex("name"), 10));
            }
            for (int v : vertices) {
                String name = names.get(v);
                assertThat(tree.retainedSize(v)).as("retained(%s)", name).isEqualTo(dump.fact("retained." + name));
                if (!name.equals("R")) {
                    assertThat(names.get(tree.dominator(v))).as("idom(%s)", name)
                            .isEqualTo(dump.factString("idom." + name));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void pathsReadAsTheFixturesCode(Jvm jvm) throws Exception {
        FixtureDump dump = FixtureDumps.get(jvm, "paths");
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults())) {
            HeapGraph graph = new HeapGraph(index);
            DominatorTree tree = DominatorTree.compute(graph);
            StrongPaths paths = StrongPaths.compute(graph);
            PathNamer namer = new PathNamer(index);
            PathNamer keyed = namer.namingKeys(new io.mapleak.maps.ValueText(index, 80)::of);
            String payload = dump.factString("class.Payload");

            List<String> sessionPaths = new ArrayList<>();
            List<String> keyedPaths = new ArrayList<>();
            for (int p : ofClass(index, payload)) {
                int data = index.reader().instance(p).refIndex("data");
                if (index.reader().arrayLength(data) == dump.fact("payload.length")) {
                    sessionPaths.add(String.join(",", labels(namer, paths.pathTo(data), tree)));
                    keyedPaths.add(String.join(",", labels(keyed, paths.pathTo(data), tree)));
                }
            }
            assertThat(sessionPaths).hasSize((int) dump.fact("sessions"))
                    .contains(dump.factString("path.sessionPayload"), dump.factString("path.sessionPayloadChained"));
            // Naming keys: the fixture's code wrote bare .value steps, the session's entry's, then its attribute's
            for (String fact : List.of("path.sessionPayload", "path.sessionPayloadChained")) {
                String[] parts = dump.factString(fact).split(",\\.value,", -1);
                assertThat(parts).hasSize(3);
                assertThat(keyedPaths).contains(parts[0] + ",.value (key \"" + dump.factString(fact + ".key") + "\"),"
                        + parts[1] + ",.value (key \"payload\")," + parts[2]);
            }

            int threadHeld = payloadWithData(index, payload, dump.fact("path.threadPayload.length"));
            List<String> threadPath = labels(namer, paths.pathTo(threadHeld), tree);
            assertThat(threadPath).hasSize(1);
            assertThat(threadPath.get(0)).startsWith("thread \"" + dump.factString("path.threadPayload.thread") + "\" (")
                    .contains(dump.factString("path.threadPayload.method"));
            assertThat(labels(keyed, paths.pathTo(threadHeld), tree)).as("no entry on the way").isEqualTo(threadPath);

            int listHeld = payloadWithData(index, payload, dump.fact("path.listHeld.length"));
            assertThat(String.join(",", labels(namer, paths.pathTo(listHeld), tree)))
                    .isEqualTo(dump.factString("path.listHeld"));

            int anyData = index.reader().instance(payloadWithData(index, payload, dump.fact("payload.length")))
                    .refIndex("data");
            int map = namer.readable(paths.pathTo(anyData), tree).get(0).object(); // the map at the static field
            assertThat(index.classOf(map).name()).isEqualTo("java.util.HashMap");
            PathNamer.Owner owner = namer.owner(paths.pathTo(map));
            assertThat(owner.label()).isEqualTo(dump.factString("owner.sessionMap"));
            assertThat(owner.root()).isEqualTo("static-field");
        }
    }

    private static List<String> labels(PathNamer namer, int[] path, DominatorTree tree) {
        List<String> out = new ArrayList<>();
        for (PathNamer.Step s : namer.readable(path, tree)) {
            out.add(s.label());
        }
        return out;
    }

    private static int payloadWithData(HeapIndex index, String payloadClass, long length) {
        for (int p : ofClass(index, payloadClass)) {
            int data = index.reader().instance(p).refIndex("data");
            if (index.reader().arrayLength(data) == length) {
                return p;
            }
        }
        throw new AssertionError("no payload with " + length + " bytes");
    }

    private static boolean isDominatedBy(DominatorTree tree, int object, int candidate) {
        for (int d = tree.dominator(object); d >= 0; d = tree.dominator(d)) {
            if (d == candidate) {
                return true;
            }
        }
        return false;
    }

    static List<Integer> ofClass(HeapIndex index, String className) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < index.objectCount(); i++) {
            if (!index.isMirror(i) && index.classOf(i).name().equals(className)) {
                out.add(i);
            }
        }
        return out;
    }

    static int single(HeapIndex index, String className) {
        List<Integer> all = ofClass(index, className);
        assertThat(all).as("instances of %s", className).hasSize(1);
        return all.get(0);
    }
}
