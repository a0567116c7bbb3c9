package io.mapleak.maps;

import java.util.function.IntConsumer;

/** Decodes one family of map implementations into {@link MapView}s. Implementations are stateless. */
interface MapDecoder {

    /** The view of {@code object}, or null if its fields are not what this decoder knows (a wrong version). */
    MapView decode(MapContext ctx, int object);

    /** Maps this one keeps as its own internals (a HashSet's HashMap), which are not listed on their own. */
    default void internals(MapContext ctx, int object, IntConsumer out) {
    }
}
