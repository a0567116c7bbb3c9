package io.mapleak.capture;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * A dump the target wrote and mapleak found complete.
 *
 * @param file          the dump, absolute
 * @param bytes         its size
 * @param takenAt       when it was asked for: the time in its name
 * @param took          from the request to the target's answer (a live dump includes the full GC before it)
 * @param target        the JVM dumped
 * @param usedHeapBytes its heap in use just before, when {@code GC.heap_info} said
 * @param options       how it was taken
 */
public record HeapDump(Path file, long bytes, Instant takenAt, Duration took, Target target, OptionalLong usedHeapBytes,
        CaptureOptions options) {
}
