package io.mapleak.capture;

import java.util.Optional;

/**
 * Whether the Java runtime mapleak runs on can attach to a JVM at all: it needs the {@code jdk.attach} module
 * (JDKs have it; JREs and small jlink images often do not) and access to its {@code sun.tools.attach} package (see
 * {@link AttachedJvm}). Asks the module layer only, without loading any class of {@code jdk.attach}.
 */
final class AttachSupport {
    static final String MODULE = "jdk.attach";
    static final String PACKAGE = "sun.tools.attach";
    /** The option that gives mapleak's classes (the unnamed module) the package; the jar's manifest says the same. */
    static final String ADD_EXPORTS = "--add-exports " + MODULE + "/" + PACKAGE + "=ALL-UNNAMED";

    private AttachSupport() {
    }

    /** What is missing for attaching, or empty when nothing is. */
    static Optional<Missing> missing() {
        Optional<Module> attach = ModuleLayer.boot().findModule(MODULE);
        if (attach.isEmpty()) {
            return Optional.of(Missing.MODULE);
        }
        if (!attach.get().isExported(PACKAGE, AttachSupport.class.getModule())) {
            return Optional.of(Missing.EXPORT);
        }
        return Optional.empty();
    }

    /** What the runtime lacks. */
    enum Missing {
        /** No jdk.attach module: a JRE, or a jlink image without it (or a JVM started with --limit-modules). */
        MODULE,
        /** jdk.attach is there but does not export sun.tools.attach to mapleak (started without the jar's manifest). */
        EXPORT
    }
}
