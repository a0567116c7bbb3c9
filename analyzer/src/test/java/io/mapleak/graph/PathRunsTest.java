package io.mapleak.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Owner paths down linked lists: a run of equal steps is written once with its count, shorter runs as they are. */
class PathRunsTest {
    @Test
    void aLongRunOfEqualStepsIsOneStepWithItsCount() {
        List<String> labels = new ArrayList<>(List.of("static org.codehaus.groovy.reflection.ClassInfo.globalClassSet",
                ".items", ".head"));
        for (int i = 0; i < 4_998; i++) {
            labels.add(".next");
        }
        labels.add(".item");
        assertThat(PathNamer.runs(labels)).containsExactly(
                "static org.codehaus.groovy.reflection.ClassInfo.globalClassSet", ".items", ".head",
                ".next (4,998 times)", ".item");
    }

    @Test
    void shortRunsAndDistinctStepsStayAsTheyAre() {
        List<String> labels = List.of("static A.B", ".next", ".next", ".table", "[3]", "[3]", "[3]", ".value");
        assertThat(PathNamer.runs(labels)).containsExactly("static A.B", ".next", ".next", ".table", "[3] (3 times)",
                ".value");
        assertThat(PathNamer.runs(List.of())).isEmpty();
    }
}
