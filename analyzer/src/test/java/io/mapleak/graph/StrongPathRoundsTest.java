package io.mapleak.graph;

import static io.mapleak.testing.HprofWriter.OBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which holder a strong path names when an object has several: a static field's path wins over a shorter one from a
 * stack frame; what a thread holds stays that thread's, even when a static field holds the thread; a primitive
 * type's {@code Class} instance, reached from a static field, leads nowhere in the first round.
 */
class StrongPathRoundsTest {
    @TempDir
    Path dir;

    @Test
    void staticFieldsHoldBeforeFramesThreadsHoldTheirOwnAndPrimitiveClassesLeadNowhere() throws Exception {
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap h = w.heap().withJdkBasics();
        long thread = h.newClass("java.lang.Thread").field("name", OBJECT).field("threadLocals", OBJECT)
                .field("target", OBJECT).define();
        long worker = h.newClass("com.example.Worker").superclass(thread).define();
        long node = h.newClass("com.example.Node").field("next", OBJECT).field("value", OBJECT).define();
        long classClass = h.classId("java.lang.Class");

        // A web application's sessions: static Shop.shop -> shop -> context -> manager -> sessions (4 steps); a
        // background thread's frame holds the context (2 steps to the sessions).
        long sessions = h.instance(node, Map.of());
        long manager = h.instance(node, Map.of("value", Value.ofObject(sessions)));
        long context = h.instance(node, Map.of("value", Value.ofObject(manager)));
        long shop = h.instance(node, Map.of("value", Value.ofObject(context)));
        long shopClass = h.newClass("com.example.Shop").staticField("shop", Value.ofObject(shop)).define();

        // A pool's worker thread (a GC root itself, held by a static field too) and its thread-local values.
        long locals = h.instance(node, Map.of());
        long pooled = h.instance(worker, Map.of("threadLocals", Value.ofObject(locals)));
        long workers = h.instance(node, Map.of("value", Value.ofObject(pooled)));
        h.newClass("com.example.Pool").staticField("workers", Value.ofObject(workers)).define();

        // A thread never started (no GC root of its own), held by a static field, and its task.
        long task = h.instance(node, Map.of());
        long unstarted = h.instance(thread, Map.of("target", Value.ofObject(task)));
        long laterClass = h.newClass("com.example.Later").staticField("job", Value.ofObject(unstarted)).define();

        // A primitive type's Class instance (no mirror) in a static field; its module also one step from a JNI global.
        long module = h.instance(node, Map.of());
        long primitive = h.instance(classClass, Map.of("module", Value.ofObject(module)));
        long boxClass = h.newClass("com.example.Box").staticField("TYPE", Value.ofObject(primitive)).define();
        long layer = h.instance(node, Map.of("value", Value.ofObject(module)));

        h.add(x -> x.rootThreadObject(pooled, 1, 1).rootJavaFrame(context, 1, 0).rootJniGlobal(layer, 77));
        h.stickyClassRoots();
        Path file = h.write().writeTo(dir.resolve("rounds.hprof"));

        try (HeapIndex index = HeapIndex.build(DumpFile.open(file), ReadOptions.defaults())) {
            HeapGraph g = new HeapGraph(index);
            StrongPaths paths = StrongPaths.compute(g);
            int o = index.indexOf(sessions);
            assertThat(objects(index, paths.pathTo(o))).as("the sessions' path")
                    .containsExactly(shopClass, shop, context, manager, sessions);
            assertThat(objects(index, paths.pathTo(index.indexOf(locals)))).as("the thread-local values' path")
                    .containsExactly(pooled, locals);
            assertThat(objects(index, paths.pathTo(index.indexOf(task)))).as("the unstarted thread's task")
                    .containsExactly(laterClass, unstarted, task);
            assertThat(objects(index, paths.pathTo(index.indexOf(module)))).as("the module's path")
                    .containsExactly(layer, module);
            assertThat(objects(index, paths.pathTo(index.indexOf(primitive)))).as("the primitive class's path")
                    .containsExactly(boxClass, primitive);

            // Asked for the sessions and the thread-local values only, the search gives them the same paths.
            StrongPaths some = StrongPaths.compute(g, new int[] {o, index.indexOf(locals)});
            assertThat(some.pathTo(o)).isEqualTo(paths.pathTo(o));
            assertThat(some.pathTo(index.indexOf(locals))).isEqualTo(paths.pathTo(index.indexOf(locals)));
        }
    }

    /** The ids of a path's objects. */
    private static long[] objects(HeapIndex index, int[] path) {
        long[] ids = new long[path.length];
        for (int i = 0; i < path.length; i++) {
            ids[i] = index.id(path[i]);
        }
        return ids;
    }
}
