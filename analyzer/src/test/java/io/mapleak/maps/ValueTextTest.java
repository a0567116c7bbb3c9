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

/**
 * Files and paths read as their path (a UnixPath keeps it as bytes, a File as a String); a URI, a Date and a
 * LocalDateTime as what their fields say, and as {@code Class@0xid} when their fields are not the JDK's. The JDK's own
 * objects of every kind are read in the map-zoo fixture's dumps (MapZooTest).
 */
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

    @Test
    void urisAndTimesReadFromTheirFieldsOrNotAtAll(@TempDir Path dir) throws Exception {
        HprofWriter.Heap h = new HprofWriter(HprofWriter.V102, 8).heap().withJdkBasics();
        long uri = h.newClass("java.net.URI").field("scheme", HprofWriter.OBJECT).field("fragment", HprofWriter.OBJECT)
                .field("authority", HprofWriter.OBJECT).field("path", HprofWriter.OBJECT)
                .field("query", HprofWriter.OBJECT).field("schemeSpecificPart", HprofWriter.OBJECT)
                .field("string", HprofWriter.OBJECT).define();
        long date = h.newClass("java.util.Date").field("fastTime", HprofWriter.LONG)
                .field("cdate", HprofWriter.OBJECT).define();
        long calendarDate = h.newClass("sun.util.calendar.Gregorian$Date").define();
        long localDate = h.newClass("java.time.LocalDate").field("year", HprofWriter.INT)
                .field("month", HprofWriter.SHORT).field("day", HprofWriter.SHORT).define();
        long localTime = h.newClass("java.time.LocalTime").field("hour", HprofWriter.BYTE)
                .field("minute", HprofWriter.BYTE).field("second", HprofWriter.BYTE).field("nano", HprofWriter.INT)
                .define();
        long localDateTime = h.newClass("java.time.LocalDateTime").field("date", HprofWriter.OBJECT)
                .field("time", HprofWriter.OBJECT).define();
        long instant = h.newClass("java.time.Instant").field("seconds", HprofWriter.INT).define(); // not the JDK's
        long parsed = h.instance(uri, Map.of("string", Value.ofObject(h.string("https://h.example/a?b=1#c")),
                "scheme", Value.ofObject(h.string("https"))));
        long resolved = h.instance(uri, Map.of("scheme", Value.ofObject(h.string("https")),
                "authority", Value.ofObject(h.string("u@h.example:8443")), "path", Value.ofObject(h.string("/a/b")),
                "query", Value.ofObject(h.string("q=1")), "fragment", Value.ofObject(h.string("f"))));
        long opaque = h.instance(uri, Map.of("scheme", Value.ofObject(h.string("urn")),
                "schemeSpecificPart", Value.ofObject(h.string("isbn:096139210x"))));
        long plain = h.instance(date, Map.of("fastTime", Value.ofLong(1_796_654_400_123L)));
        long denormal = h.instance(date, Map.of("fastTime", Value.ofLong(1L),
                "cdate", Value.ofObject(h.instance(calendarDate, Map.of()))));
        long when = h.instance(localDateTime, Map.of(
                "date", Value.ofObject(h.instance(localDate, Map.of("year", Value.ofInt(2026),
                        "month", Value.ofShort((short) 12), "day", Value.ofShort((short) 7)))),
                "time", Value.ofObject(h.instance(localTime, Map.of("hour", Value.ofByte((byte) 14),
                        "minute", Value.ofByte((byte) 50), "second", Value.ofByte((byte) 3),
                        "nano", Value.ofInt(7_000))))));
        long odd = h.instance(instant, Map.of("seconds", Value.ofInt(5)));
        h.stickyClassRoots();
        Path dump = h.write().writeTo(dir.resolve("times.hprof"));
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump), ReadOptions.defaults())) {
            ValueText text = new ValueText(index, 80);
            assertThat(text.of(parsed)).isEqualTo("URI \"https://h.example/a?b=1#c\"");
            assertThat(text.of(resolved)).isEqualTo("URI \"https://u@h.example:8443/a/b?q=1#f\"");
            assertThat(text.of(opaque)).isEqualTo("URI \"urn:isbn:096139210x\"");
            assertThat(text.of(plain)).isEqualTo("Date 2026-12-07T14:40:00.123Z");
            assertThat(text.of(denormal)).startsWith("java.util.Date@0x"); // fastTime may be stale
            assertThat(text.of(when)).isEqualTo("LocalDateTime 2026-12-07T14:50:03.000007");
            assertThat(text.of(odd)).startsWith("java.time.Instant@0x");
            assertThat(new ValueText(index, 10).of(resolved)).isEqualTo("URI \"https://u@…\"");
        }
    }
    /**
     * The JDK's lists, as composite keys are made (Arrays.asList, List.of with one, two and more elements, an
     * ArrayList with room to spare, an unmodifiable view): their first elements, a nested list by class and id, the
     * rest after six as an ellipsis; a list class with other fields than the JDK's by class and id.
     */
    @Test
    void listsReadAsTheirFirstElements(@TempDir Path dir) throws Exception {
        HprofWriter.Heap h = new HprofWriter(HprofWriter.V102, 8).heap().withJdkBasics();
        long objects = h.classId("java.lang.Object[]");
        long object = h.classId("java.lang.Object");
        long asList = h.newClass("java.util.Arrays$ArrayList").field("a", HprofWriter.OBJECT).define();
        long arrayList = h.newClass("java.util.ArrayList").field("size", HprofWriter.INT)
                .field("elementData", HprofWriter.OBJECT).define();
        long list12 = h.newClass("java.util.ImmutableCollections$List12").field("e0", HprofWriter.OBJECT)
                .field("e1", HprofWriter.OBJECT).define();
        long listN = h.newClass("java.util.ImmutableCollections$ListN").field("elements", HprofWriter.OBJECT)
                .field("allowNulls", HprofWriter.BOOLEAN).define();
        long unmodifiable = h.newClass("java.util.Collections$UnmodifiableRandomAccessList")
                .field("c", HprofWriter.OBJECT).field("list", HprofWriter.OBJECT).define();
        long empty = h.instance(object, Map.of()); // ImmutableCollections.EMPTY
        long path = h.string("/orders/7");
        long status = h.string("200");
        long pair = h.instance(asList, Map.of("a", Value.ofObject(h.objectArray(objects, path, status))));
        long spare = h.instance(arrayList, Map.of("size", Value.ofInt(1),
                "elementData", Value.ofObject(h.objectArray(objects, path, 0, 0, 0))));
        long one = h.instance(list12, Map.of("e0", Value.ofObject(path), "e1", Value.ofObject(empty)));
        long two = h.instance(list12, Map.of("e0", Value.ofObject(path), "e1", Value.ofObject(pair)));
        long[] eight = new long[8];
        for (int i = 0; i < eight.length; i++) {
            eight[i] = h.string("t" + i);
        }
        long many = h.instance(listN, Map.of("elements", Value.ofObject(h.objectArray(objects, eight))));
        long view = h.instance(unmodifiable, Map.of("c", Value.ofObject(pair), "list", Value.ofObject(pair)));
        long odd = h.newClass("java.util.Arrays$ArrayList").field("b", HprofWriter.OBJECT).define(); // not the JDK's
        long notJdk = h.instance(odd, Map.of("b", Value.ofObject(path)));
        h.stickyClassRoots();
        Path dump = h.write().writeTo(dir.resolve("lists.hprof"));
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump), ReadOptions.defaults())) {
            ValueText text = new ValueText(index, 40);
            assertThat(text.of(pair)).isEqualTo("[\"/orders/7\", \"200\"]");
            assertThat(text.elements(pair)).containsExactly(path, status);
            assertThat(text.of(spare)).isEqualTo("[\"/orders/7\"]");
            assertThat(text.of(one)).isEqualTo("[\"/orders/7\"]");
            assertThat(text.of(two)).isEqualTo("[\"/orders/7\", java.util.Arrays$ArrayList@0x"
                    + Long.toHexString(pair) + "]");
            assertThat(text.of(many)).isEqualTo("[\"t0\", \"t1\", \"t2\", \"t3\", \"t4\", \"t5\", …]");
            assertThat(text.elements(many)).hasSize(ValueText.LIST_ELEMENTS + 1);
            assertThat(text.of(view)).isEqualTo(text.of(pair));
            assertThat(text.of(notJdk)).startsWith("java.util.Arrays$ArrayList@0x");
            assertThat(text.elements(notJdk)).isNull();
            assertThat(text.elements(path)).isNull();
        }
    }
}
