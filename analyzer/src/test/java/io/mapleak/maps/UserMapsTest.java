package io.mapleak.maps;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.cli.Main;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A team's own hash map, described in a properties file, is decoded like the JDK's. */
class UserMapsTest {
    @TempDir
    Path dir;

    @Test
    void ownHashMapDescribedByFieldNamesIsDecodedAndListed() throws Exception {
        HprofWriter w = new HprofWriter(HprofWriter.V102, 8);
        HprofWriter.Heap heap = w.heap().withJdkBasics();
        int obj = HprofWriter.OBJECT;
        long entry = heap.newClass("com.acme.FastMap$E").field("k", obj).field("v", obj).field("nx", obj)
                .field("h", HprofWriter.INT).define();
        long fastMap = heap.newClass("com.acme.FastMap").field("buckets", obj).field("count", HprofWriter.INT)
                .define();
        long second = heap.instance(entry, Map.of("k", Value.ofObject(heap.string("beta")),
                "v", Value.ofObject(heap.string("2")), "h", Value.ofInt(5)));
        long first = heap.instance(entry, Map.of("k", Value.ofObject(heap.string("alpha")),
                "v", Value.ofObject(heap.string("1")), "nx", Value.ofObject(second), "h", Value.ofInt(1)));
        long third = heap.instance(entry, Map.of("k", Value.ofObject(heap.string("gamma")),
                "v", Value.ofObject(heap.string("3")), "h", Value.ofInt(3)));
        long buckets = heap.objectArray(heap.classId("java.lang.Object[]"), 0, first, 0, third);
        long map = heap.instance(fastMap, Map.of("buckets", Value.ofObject(buckets), "count", Value.ofInt(3)));
        heap.newClass("com.acme.Registry").staticField("INDEX", Value.ofObject(map)).define();
        heap.stickyClassRoots();
        Path dump = heap.write().writeTo(dir.resolve("user.hprof"));
        Path spec = Files.writeString(dir.resolve("maps.properties"), String.join("\n",
                "com.acme.FastMap.table = buckets", "com.acme.FastMap.size = count", "com.acme.FastMap.key = k",
                "com.acme.FastMap.value = v", "com.acme.FastMap.next = nx", "com.acme.FastMap.hash = h"));

        List<UserMapSpec> specs = UserMapSpecs.read(spec);
        assertThat(specs).singleElement().extracting(UserMapSpec::className).isEqualTo("com.acme.FastMap");
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump), ReadOptions.defaults())) {
            assertThat(MapCatalog.standard(List.of()).decode(new MapContext(index), index.indexOf(map))).isNull();
            MapView v = MapCatalog.standard(specs).decode(new MapContext(index), index.indexOf(map));
            assertThat(v.size()).isEqualTo(3);
            assertThat(v.entriesReached()).isEqualTo(3);
            assertThat(v.capacity()).isEqualTo(4);
            assertThat(v.consistency().binsUsed()).isEqualTo(2);
            assertThat(v.consistency().longestBin()).isEqualTo(2);
            ValueText text = new ValueText(index, 20);
            List<String> entries = new ArrayList<>();
            v.entries((n, k, val, hash, known, bin) -> entries.add(text.of(k) + "=" + text.of(val) + "#" + hash));
            assertThat(entries).containsExactly("\"alpha\"=\"1\"#1", "\"beta\"=\"2\"#5", "\"gamma\"=\"3\"#3");
        }

        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"maps", dump.toString(), "--user-maps", spec.toString(), "--class", "FastMap"},
                new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertThat(code).isZero();
        assertThat(out.toString()).contains("com.acme.FastMap").contains("com.acme.Registry.INDEX");
    }
}
