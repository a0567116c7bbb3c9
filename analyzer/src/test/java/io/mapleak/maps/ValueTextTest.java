package io.mapleak.maps;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files and paths, common cache keys, read as their path: a UnixPath keeps it as bytes, a File as a String. */
class ValueTextTest {
    @Test
    void filesAndPathsReadAsTheirPath(@TempDir Path dir) throws Exception {
        HprofWriter.Heap h = new HprofWriter(HprofWriter.V102, 8).heap().withJdkBasics();
        long file = h.newClass("java.io.File").field("path", HprofWriter.OBJECT).field("prefixLength", HprofWriter.INT)
                .define();
        long unixPath = h.newClass("sun.nio.fs.UnixPath").field("fs", HprofWriter.OBJECT)
                .field("path", HprofWriter.OBJECT).field("hash", HprofWriter.INT).define();
        long other = h.newClass("com.acme.Path").field("path", HprofWriter.OBJECT).define();
        String ct = "/usr/lib/jvm/temurin-17/lib/ct.sym";
        long f = h.instance(file, Map.of("path", Value.ofObject(h.string("/srv/data/ünïcode.txt"))));
        long p = h.instance(unixPath, Map.of("path", Value.ofObject(h.primitiveArray(ct.getBytes(
                StandardCharsets.UTF_8)))));
        long longPath = h.instance(unixPath, Map.of("path", Value.ofObject(h.primitiveArray(
                ("/srv/" + "x".repeat(100)).getBytes(StandardCharsets.UTF_8)))));
        long mine = h.instance(other, Map.of("path", Value.ofObject(h.string("/not/a/jdk/path"))));
        h.stickyClassRoots();
        Path dump = h.write().writeTo(dir.resolve("paths.hprof"));
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump), ReadOptions.defaults())) {
            ValueText text = new ValueText(index, 40);
            assertThat(text.of(f)).isEqualTo("File \"/srv/data/ünïcode.txt\"");
            assertThat(text.of(p)).isEqualTo("UnixPath \"" + ct + "\"");
            assertThat(text.of(longPath)).isEqualTo("UnixPath \"/srv/" + "x".repeat(35) + "…\"");
            assertThat(text.of(mine)).startsWith("com.acme.Path@0x");
        }
    }
}
