package io.mapleak.detect;

/**
 * What a detector read from the dump to back one finding: one immutable record type per detector (named in its
 * {@link DetectorInfo}), written as the finding's {@code evidence} object in the JSON report and read back from it.
 * Components are numbers, strings, booleans, lists and small records of those; byte counts end in {@code Bytes}.
 */
public interface Evidence {
}
