package io.mapleak.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mapleak.heap.HeapIndex;

/**
 * Asserts that two indexes of one dump are the same, object by object: what the dump's facts say (warnings
 * included, in order), the classes and their indices, every object's id, class, size and offset, every reference,
 * and every root.
 */
public final class SameIndex {
    private SameIndex() {
    }

    public static void assertSameIndex(HeapIndex actual, HeapIndex expected) {
        assertThat(actual.facts()).isEqualTo(expected.facts());
        assertThat(actual.classes()).hasSameSizeAs(expected.classes());
        for (int c = 0; c < expected.classes().size(); c++) {
            assertThat(actual.classInfo(c).name()).as("class %d", c).isEqualTo(expected.classInfo(c).name());
            assertThat(actual.classInfo(c).id()).as("class %d", c).isEqualTo(expected.classInfo(c).id());
            assertThat(actual.classObject(c)).as("class %d", c).isEqualTo(expected.classObject(c));
        }
        int n = expected.objectCount();
        assertThat(actual.objectCount()).isEqualTo(n);
        assertThat(actual.heapBytes()).isEqualTo(expected.heapBytes());
        assertThat(actual.referenceCount()).isEqualTo(expected.referenceCount());
        assertThat(actual.danglingReferences()).isEqualTo(expected.danglingReferences());
        for (int o = 0; o < n; o++) {
            if (actual.id(o) != expected.id(o) || actual.classIndexOf(o) != expected.classIndexOf(o)
                    || actual.shallowSize(o) != expected.shallowSize(o) || actual.offset(o) != expected.offset(o)
                    || actual.refStart(o) != expected.refStart(o)
                    || actual.lastReferenceIsReferent(o) != expected.lastReferenceIsReferent(o)
                    || actual.weakTail(o) != expected.weakTail(o)) {
                assertThat(new long[] {actual.id(o), actual.classIndexOf(o), actual.shallowSize(o), actual.offset(o),
                        actual.refStart(o), actual.lastReferenceIsReferent(o) ? 1 : 0, actual.weakTail(o)})
                        .as("object %d: id, class, size, offset, first reference, weak, weak tail", o)
                        .containsExactly(expected.id(o), expected.classIndexOf(o), expected.shallowSize(o),
                                expected.offset(o), expected.refStart(o), expected.lastReferenceIsReferent(o) ? 1 : 0,
                                expected.weakTail(o));
            }
        }
        for (long r = 0; r < expected.referenceCount(); r++) {
            if (actual.reference(r) != expected.reference(r)) {
                assertThat(actual.reference(r)).as("reference %d", r).isEqualTo(expected.reference(r));
            }
        }
        assertThat(actual.rootCount()).isEqualTo(expected.rootCount());
        assertThat(actual.missingRootObjects()).isEqualTo(expected.missingRootObjects());
        for (int r = 0; r < expected.rootCount(); r++) {
            assertThat(new long[] {actual.rootKind(r).ordinal(), actual.rootObject(r), actual.rootThread(r),
                    actual.rootFrame(r)}).as("root %d", r)
                    .containsExactly(expected.rootKind(r).ordinal(), expected.rootObject(r), expected.rootThread(r),
                            expected.rootFrame(r));
        }
    }
}
