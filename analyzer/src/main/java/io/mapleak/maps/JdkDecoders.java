package io.mapleak.maps;

/** JDK maps beyond the HashMap and ConcurrentHashMap families. */
final class JdkDecoders {
    private JdkDecoders() {
    }

    static void register(MapCatalog c) {
    }
}
