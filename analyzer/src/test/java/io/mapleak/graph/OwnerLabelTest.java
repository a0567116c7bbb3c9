package io.mapleak.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ObjectReader.Link;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.maps.MapCatalog;
import io.mapleak.maps.MapView;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The owner label that groups maps (walked up the strong path's parents only as far as needed) is, for every map of
 * real dumps, what naming the whole path gives: the field of the first holder up the path that is not a
 * collection's internals, else the path's root.
 */
class OwnerLabelTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny-maps", "session-registry", "map-zoo"})
    void everyMapsOwnerIsWhatItsWholePathSays(String fixture) throws Exception {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, fixture);
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults())) {
            HeapGraph g = new HeapGraph(index);
            DominatorTree tree = DominatorTree.compute(g);
            StrongPaths paths = StrongPaths.compute(g);
            PathNamer namer = new PathNamer(index);
            List<MapView> maps = MapCatalog.standard(List.of()).decodeAll(index, tree).maps();
            Set<String> labels = new HashSet<>();
            int named = 0;
            for (MapView m : maps) {
                int[] path = paths.pathTo(m.object());
                if (path.length == 0) {
                    continue;
                }
                String label = namer.ownerOrRootLabel(paths, m.object());
                assertThat(label).as("owner of map %d", m.object()).isEqualTo(fromWholePath(index, namer, path));
                labels.add(label);
                named++;
            }
            assertThat(named).isGreaterThan(100);
            assertThat(labels).as("fields and roots both").anyMatch(l -> l.contains("."))
                    .hasSizeGreaterThan(3);
        }
    }

    /** The label as read off the whole path: its last field holder that is not a collection's internals. */
    private static String fromWholePath(HeapIndex index, PathNamer namer, int[] path) {
        for (int i = path.length - 1; i >= 1; i--) {
            int holder = path[i - 1];
            if (index.mirroredClass(holder) == null && PathNamer.isCollectionInternal(index.classOf(holder))) {
                continue;
            }
            Link link = index.reader().findLink(holder, path[i], 1 << 22);
            if (link != null && (link.kind() == Link.Kind.STATIC || link.kind() == Link.Kind.FIELD)) {
                return link.declaringClass() + "." + link.field();
            }
            break;
        }
        return namer.rootLabel(path[0]);
    }
}
