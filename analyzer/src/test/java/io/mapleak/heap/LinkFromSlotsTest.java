package io.mapleak.heap;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.ObjectReader.Link;
import io.mapleak.hprof.DumpFile;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ObjectReader#findLink} names an instance field from the index's reference slots when every reference field
 * of the holder is set, and reads the holder's record otherwise: on real dumps (JDK collections, Tomcat's sessions,
 * weak references, objects with null fields) every reference of every instance gets the link that reading gives.
 */
class LinkFromSlotsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"map-zoo", "session-registry", "tomcat-session-leak"})
    void everyInstanceReferenceIsNamedAsReadingNamesIt(String fixture) throws Exception {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, fixture);
        try (HeapIndex index = HeapIndex.build(DumpFile.open(dump.hprof()), ReadOptions.defaults())) {
            ObjectReader reader = index.reader();
            int compared = 0;
            int allFieldsSet = 0;
            int withNulls = 0;
            for (int o = 0; o < index.objectCount(); o++) {
                ClassInfo c = index.classOf(o);
                if (c.isArray() || index.isMirror(o) || index.outboundCount(o) == 0) {
                    continue;
                }
                boolean full = c.referenceOffsets != null && index.outboundCount(o) == c.referenceOffsets.length;
                for (int k = 0; k < index.outboundCount(o); k++) {
                    int target = index.outbound(o, k);
                    if (target < 0) {
                        continue;
                    }
                    Link read = reader.findLinkByReading(o, target, 16);
                    assertThat(reader.findLink(o, target, 16)).as("object %d, slot %d (%s)", o, k, c.name())
                            .isEqualTo(read);
                    compared++;
                    if (full) {
                        allFieldsSet++;
                    } else {
                        withNulls++;
                    }
                }
            }
            assertThat(compared).isGreaterThan(10_000);
            assertThat(allFieldsSet).as("answered from the slots").isGreaterThan(1_000);
            assertThat(withNulls).as("read from the record").isGreaterThan(1_000);
        }
    }
}
