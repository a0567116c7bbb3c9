package io.mapleak.detect;

import java.util.List;

/**
 * {@code defined-classes}: a map that keeps classes defined at run time, nearly each by a class loader of its own.
 * Of the {@code sampled} entries, {@code classes} hold a class (as key or value; a weak-keyed map's keys do not keep
 * theirs), defined by {@code loaders} distinct class loaders, most of them of {@code loaderClass};
 * {@code estimatedClasses} scales the sample to the map's {@code entries}; {@code sampleClasses} names a few.
 */
public record DefinedClassesEvidence(long entries, int sampled, int classes, int loaders, String loaderClass,
        long estimatedClasses, List<String> sampleClasses) implements Evidence {
}
