package io.mapleak.maps;

/**
 * A team's own hash map, described by its field names so mapleak can decode it: the class, the field holding
 * the size (optional), the table (an array of entry chains), and in each entry the key, value, next and hash
 * (optional) fields. Read from a small properties file with {@link UserMapSpecs#read}.
 */
public record UserMapSpec(String className, String sizeField, String tableField, String keyField, String valueField,
        String nextField, String hashField) {
}
