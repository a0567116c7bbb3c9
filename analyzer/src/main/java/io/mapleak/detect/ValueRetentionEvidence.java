package io.mapleak.detect;

import java.util.List;

/**
 * {@code value-retention}: where a large map's memory is. Of the first {@code entriesExamined} of its
 * {@code entries}: the bytes only its keys and only its values retain, the value classes retaining the most, the
 * classes of the objects those values (or keys) retain by shallow bytes ({@code bytesByClass}: where the bytes
 * really sit), and the heaviest chain from the single heaviest value (or key) down to where its bytes are.
 */
public record ValueRetentionEvidence(String mostlyBelow, long keyRetainedBytes, long valueRetainedBytes,
        List<ClassRetained> valueClasses, List<ClassRetained> bytesByClass, int entriesExamined, long entries,
        List<ChainStep> heaviestChain) implements Evidence {

    /** Instances of one class and the bytes they retain (or, in {@code bytesByClass}, occupy). */
    public record ClassRetained(String className, long count, long retainedBytes) {
    }

    /** One step of the heaviest chain: how it is reached, its class, what it retains. */
    public record ChainStep(String step, String className, long retainedBytes) {
    }

    /** Whether the numbers are of the first entries rather than all of them. */
    public boolean sampled() {
        return entriesExamined < entries;
    }
}
