package io.mapleak.maps;

/** Registers the decoders of the remaining map families (kept apart so families can grow independently). */
final class MoreDecoders {
    private MoreDecoders() {
    }

    static void register(MapCatalog c) {
        JdkDecoders.register(c);
        LibraryDecoders.register(c);
    }
}
