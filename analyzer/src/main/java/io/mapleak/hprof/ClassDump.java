package io.mapleak.hprof;

/**
 * A CLASS_DUMP sub-record as written: ids of the class and its relatives, the HPROF instance size (ids counted
 * at id size, not the JVM's), object ids from the constant pool, static fields with their raw values (an id
 * for objects, the value's bits for primitives), and instance field descriptors in the dump's order.
 */
public record ClassDump(
        long offset,
        long id,
        int stackTraceSerial,
        long superId,
        long loaderId,
        long signersId,
        long protectionDomainId,
        int instanceSize,
        long[] constantPoolObjectIds,
        long[] staticNameIds,
        byte[] staticTypes,
        long[] staticValues,
        long[] fieldNameIds,
        byte[] fieldTypes) {
}
