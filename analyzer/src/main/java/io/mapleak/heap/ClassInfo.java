package io.mapleak.heap;

import io.mapleak.hprof.BasicType;
import java.util.List;

/**
 * One class of the dumped heap (never keyed by name: many classes can share one). Fields are in the dump's
 * order for this class only; {@link #superIndex} leads to the inherited ones. Sizes are the JVM's, computed
 * for the dump's {@link Layout}.
 */
public final class ClassInfo {
    final int index;
    final long id;
    String name;
    int superIndex = -1;
    long loaderId;
    int hprofInstanceSize;
    String[] fieldNames = new String[0];
    byte[] fieldTypes = new byte[0];
    String[] staticNames = new String[0];
    byte[] staticTypes = new byte[0];
    long[] staticValues = new long[0];
    long[] constantPoolIds = new long[0];
    long signersId;
    long protectionDomainId;
    /** False for a class referenced by the dump but never dumped (a stand-in). */
    boolean dumped;
    /** For arrays: the element's basic type ({@link BasicType#OBJECT} for object arrays); 0 otherwise. */
    int arrayElementType;
    /** Offset of the CLASS_DUMP record in the uncompressed dump, -1 if not dumped. */
    long dumpOffset = -1;
    /** Offsets of reference fields in an instance record's field bytes (own fields first, then inherited). */
    int[] referenceOffsets;
    /** Length of an instance record's field bytes (all levels), or -1 when a superclass is missing. */
    int recordFieldBytes = -2;
    /** Offset of {@code java.lang.ref.Reference.referent} in an instance record; -1 if not a Reference; -2 unknown. */
    int referentOffset = -2;
    /** Offset of {@code java.lang.ref.Reference.discovered} in an instance record, -1 if none, -2 not looked up. */
    int discoveredOffset = -2;
    /** Index of this class's object in the heap index (its java.lang.Class mirror), -1 if none. */
    int objectIndex = -1;

    long instanceSize;
    long mirrorSize;
    /** How the instance size was settled: computed from the layout, or learned from object addresses. */
    boolean sizeLearned;

    ClassInfo(int index, long id) {
        this.index = index;
        this.id = id;
    }

    public int index() {
        return index;
    }

    public long id() {
        return id;
    }

    /** Java source name: {@code java.util.HashMap$Node}, {@code byte[]}, {@code java.lang.Object[]}. */
    public String name() {
        return name;
    }

    public int superIndex() {
        return superIndex;
    }

    public long loaderId() {
        return loaderId;
    }

    public boolean dumped() {
        return dumped;
    }

    public boolean isArray() {
        return arrayElementType != 0;
    }

    public int arrayElementType() {
        return arrayElementType;
    }

    /** Shallow size in the JVM of one instance (for arrays: not meaningful, see the object's own size). */
    public long instanceSize() {
        return instanceSize;
    }

    /** Shallow size of this class's {@code java.lang.Class} mirror, static fields included. */
    public long mirrorSize() {
        return mirrorSize;
    }

    public boolean sizeLearnedFromAddresses() {
        return sizeLearned;
    }

    public List<String> fieldNames() {
        return List.of(fieldNames);
    }

    public int fieldCount() {
        return fieldNames.length;
    }

    public String fieldName(int i) {
        return fieldNames[i];
    }

    public int fieldType(int i) {
        return fieldTypes[i];
    }

    public int staticCount() {
        return staticNames.length;
    }

    public String staticName(int i) {
        return staticNames[i];
    }

    public int staticType(int i) {
        return staticTypes[i];
    }

    /** Raw static value: an object id for references, the value's bits for primitives. */
    public long staticValue(int i) {
        return staticValues[i];
    }

    @Override
    public String toString() {
        return name + "@0x" + Long.toHexString(id);
    }
}
