package io.mapleak.hprof;

/** The file header: format version, identifier size (4 or 8) and the dump's timestamp. */
public record HprofHeader(String version, int idSize, long timestampMillis, int length) {
    public static final String V101 = "JAVA PROFILE 1.0.1";
    public static final String V102 = "JAVA PROFILE 1.0.2";
}
