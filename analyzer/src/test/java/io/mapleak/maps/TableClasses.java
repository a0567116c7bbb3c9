package io.mapleak.maps;

import io.mapleak.testing.HprofWriter;

/** The JDK 8+ {@code HashMap} and {@code ConcurrentHashMap} classes (with their node and table classes) that
 *  tests of large tables write. */
record TableClasses(long hashMapNode, long hashMapTable, long hashMap, long concurrentNode, long concurrentTable,
        long concurrentHashMap) {

    static TableClasses define(HprofWriter.Heap heap) {
        int obj = HprofWriter.OBJECT;
        long hmNode = heap.newClass("java.util.HashMap$Node").field("hash", HprofWriter.INT).field("key", obj)
                .field("value", obj).field("next", obj).define();
        long hmNodes = heap.newClass("java.util.HashMap$Node[]").define();
        long hashMap = heap.newClass("java.util.HashMap").field("table", obj).field("entrySet", obj)
                .field("size", HprofWriter.INT).field("modCount", HprofWriter.INT).field("threshold", HprofWriter.INT)
                .field("loadFactor", HprofWriter.FLOAT).define();
        long chmNode = heap.newClass("java.util.concurrent.ConcurrentHashMap$Node").field("hash", HprofWriter.INT)
                .field("key", obj).field("val", obj).field("next", obj).define();
        long chmNodes = heap.newClass("java.util.concurrent.ConcurrentHashMap$Node[]").define();
        long chm = heap.newClass("java.util.concurrent.ConcurrentHashMap").field("table", obj)
                .field("nextTable", obj).field("baseCount", HprofWriter.LONG).field("sizeCtl", HprofWriter.INT)
                .field("counterCells", obj).define();
        return new TableClasses(hmNode, hmNodes, hashMap, chmNode, chmNodes, chm);
    }
}
