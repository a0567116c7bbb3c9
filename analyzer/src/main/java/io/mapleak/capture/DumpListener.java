package io.mapleak.capture;

import java.nio.file.Path;
import java.util.OptionalLong;

/** What a caller of {@link Capturer} hears while a dump is taken; called on the capturing thread. */
public interface DumpListener {

    /**
     * The target is about to be asked to write {@code file}; from then until {@link Capturer#capture} returns it
     * is paused (a live dump starts with a full GC) and the file grows. Returning false leaves the target alone
     * after all (Ctrl-C came meanwhile): the capture then ends with {@link Failure#STOPPED}.
     */
    boolean dumping(Target target, Path file, OptionalLong usedHeapBytes);

    /** Something worth knowing that does not stop the dump. */
    void warning(String message);
}
