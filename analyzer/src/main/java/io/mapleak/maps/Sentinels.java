package io.mapleak.maps;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.hprof.BasicType;

/**
 * Finds the shared placeholder objects JDK maps store instead of null ({@code WeakHashMap.NULL_KEY},
 * {@code IdentityHashMap.NULL_KEY}, {@code EnumMap.NULL}, {@code ImmutableCollections.EMPTY}): each is one
 * object held by a static field, so a map's slot holding it means "null" or "unused", never the map's own data.
 */
final class Sentinels {
    private Sentinels() {
    }

    /**
     * The id held by static {@code field} of {@code declaringClass}, looked up the class chain of {@code object}
     * (so the declaring class is the one of the object's own loader); 0 if the chain has no such class or field,
     * or the field is null. Costs a walk up the object's superclasses; reads no file.
     */
    static long ofHierarchy(MapContext ctx, int object, String declaringClass, String field) {
        HeapIndex index = ctx.index();
        for (ClassInfo c = index.classOf(object); c != null;
                c = c.superIndex() >= 0 ? index.classInfo(c.superIndex()) : null) {
            if (c.name().equals(declaringClass)) {
                return staticRef(c, field);
            }
        }
        return 0;
    }

    /**
     * The id held by static {@code field} of the first class named {@code className} that the bootstrap loader
     * defined (any loader if none); 0 if there is none. Scans every class of the dump: callers memoise it.
     */
    static long ofClass(HeapIndex index, String className, String field) {
        long found = 0;
        for (ClassInfo c : index.classes()) {
            if (c.name() != null && c.name().equals(className)) {
                long id = staticRef(c, field);
                if (c.loaderId() == 0 && id != 0) {
                    return id;
                }
                if (found == 0) {
                    found = id;
                }
            }
        }
        return found;
    }

    private static long staticRef(ClassInfo c, String field) {
        for (int i = 0; i < c.staticCount(); i++) {
            if (c.staticType(i) == BasicType.OBJECT && field.equals(c.staticName(i))) {
                return c.staticValue(i);
            }
        }
        return 0;
    }
}
