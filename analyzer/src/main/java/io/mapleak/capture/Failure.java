package io.mapleak.capture;

/** Why a capture failed. Each kind has its own exit code ({@code CaptureCommand}) so that a script can tell them apart. */
public enum Failure {
    /** No process has that id, or it exited (also between the dumps of a series). */
    NO_SUCH_PROCESS,
    /** The process is not a HotSpot JVM. */
    NOT_A_JVM,
    /**
     * The JVM cannot be attached to: it runs as another user, was started with {@code -XX:+DisableAttachMechanism},
     * did not answer, is mapleak's own process, or mapleak's runtime lacks {@code jdk.attach}.
     */
    ATTACH_REFUSED,
    /** The output's file system has less free space than the dump needs, or filled up while the target wrote it. */
    NOT_ENOUGH_DISK,
    /** The dump's file, or a report to be written beside it, exists: capture never overwrites. */
    FILE_EXISTS,
    /** The target could not write the dump: a directory its user may not write, an I/O error, an old JVM's answer. */
    DUMP_FAILED,
    /** An option the target's JVM does not support (such as {@code --gz} on a JVM older than JDK 15). */
    UNSUPPORTED_OPTION,
    /** The caller called it off ({@link DumpListener#dumping} said no) before the target was asked to dump. */
    STOPPED
}
