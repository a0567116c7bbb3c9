package io.mapleak.hprof;

/** HPROF basic type codes and their sizes in the dump. Object references take the dump's id size. */
public final class BasicType {
    public static final int OBJECT = 2;
    public static final int BOOLEAN = 4;
    public static final int CHAR = 5;
    public static final int FLOAT = 6;
    public static final int DOUBLE = 7;
    public static final int BYTE = 8;
    public static final int SHORT = 9;
    public static final int INT = 10;
    public static final int LONG = 11;

    private BasicType() {
    }

    /** Size in the dump of a value of {@code type}; -1 for an unknown code. */
    public static int size(int type, int idSize) {
        switch (type) {
            case OBJECT: return idSize;
            case BOOLEAN: case BYTE: return 1;
            case CHAR: case SHORT: return 2;
            case FLOAT: case INT: return 4;
            case DOUBLE: case LONG: return 8;
            default: return -1;
        }
    }

    /** Size of the value in the JVM (references excluded: they depend on compressed oops). */
    public static int primitiveSize(int type) {
        return size(type, 0);
    }

    /** Java source name of a primitive type code ({@code int}), or null. */
    public static String javaName(int type) {
        switch (type) {
            case BOOLEAN: return "boolean";
            case CHAR: return "char";
            case FLOAT: return "float";
            case DOUBLE: return "double";
            case BYTE: return "byte";
            case SHORT: return "short";
            case INT: return "int";
            case LONG: return "long";
            default: return null;
        }
    }

    /** JVM descriptor letter of a primitive type code ({@code I}), or 0. */
    public static char descriptor(int type) {
        switch (type) {
            case BOOLEAN: return 'Z';
            case CHAR: return 'C';
            case FLOAT: return 'F';
            case DOUBLE: return 'D';
            case BYTE: return 'B';
            case SHORT: return 'S';
            case INT: return 'I';
            case LONG: return 'J';
            default: return 0;
        }
    }

    public static boolean isValid(int type) {
        return size(type, 8) > 0;
    }
}
