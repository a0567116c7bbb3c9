package io.mapleak.maps;

/** Guava and Caffeine maps and caches. */
final class LibraryDecoders {
    private LibraryDecoders() {
    }

    static void register(MapCatalog c) {
    }
}
