package io.mapleak.hprof;

/** The GC root sub-records of a heap dump, with their tag and the body length after the object id. */
public enum GcRootKind {
    UNKNOWN(0xFF, "unknown root"),
    JNI_GLOBAL(0x01, "jni global"),
    JNI_LOCAL(0x02, "jni local"),
    JAVA_FRAME(0x03, "java frame"),
    NATIVE_STACK(0x04, "native stack"),
    STICKY_CLASS(0x05, "system class"),
    THREAD_BLOCK(0x06, "thread block"),
    MONITOR_USED(0x07, "monitor used"),
    THREAD_OBJECT(0x08, "thread object");

    private final int tag;
    private final String label;

    GcRootKind(int tag, String label) {
        this.tag = tag;
        this.label = label;
    }

    public int tag() {
        return tag;
    }

    /** Human wording as used in paths ("jni global", "system class"). */
    public String label() {
        return label;
    }

    private static final GcRootKind[] BY_TAG = new GcRootKind[256];

    static {
        for (GcRootKind k : values()) {
            BY_TAG[k.tag] = k;
        }
    }

    /** The kind for a sub-record tag, or null when the tag is not a root. */
    public static GcRootKind ofTag(int tag) {
        return tag >= 0 && tag < 256 ? BY_TAG[tag] : null;
    }

    /** Bytes in the body after the rooted object's id. */
    public int extraBytes(int idSize) {
        switch (this) {
            case JNI_GLOBAL: return idSize;
            case JNI_LOCAL: case JAVA_FRAME: case THREAD_OBJECT: return 8;
            case NATIVE_STACK: case THREAD_BLOCK: return 4;
            default: return 0;
        }
    }
}
