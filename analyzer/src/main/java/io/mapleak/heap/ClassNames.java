package io.mapleak.heap;

/** Turns class names as dumps write them into Java source form. */
public final class ClassNames {
    private ClassNames() {
    }

    /**
     * {@code java/lang/String} and {@code java.lang.String} → {@code java.lang.String}; {@code [I} → {@code int[]};
     * {@code [[Ljava/lang/Object;} → {@code java.lang.Object[][]}; hidden classes {@code Foo$$Lambda+0x1234}
     * → {@code Foo$$Lambda/0x1234} (as the JVM's own histogram prints them); the old hprof agent's
     * {@code java.lang.String[]} stays as it is.
     */
    public static String toSource(String raw) {
        if (raw == null || raw.isEmpty()) {
            return raw;
        }
        int dims = 0;
        while (dims < raw.length() && raw.charAt(dims) == '[') {
            dims++;
        }
        String base;
        if (dims == 0) {
            base = raw.replace('/', '.');
            int plus = base.lastIndexOf("+0x");
            if (plus > 0) {
                base = base.substring(0, plus) + "/" + base.substring(plus + 1);
            }
            return base;
        }
        String element = raw.substring(dims);
        if (element.length() == 1) {
            base = primitive(element.charAt(0));
            if (base == null) {
                return raw;
            }
        } else if (element.startsWith("L") && element.endsWith(";")) {
            base = toSource(element.substring(1, element.length() - 1));
        } else {
            return raw;
        }
        StringBuilder b = new StringBuilder(base);
        for (int i = 0; i < dims; i++) {
            b.append("[]");
        }
        return b.toString();
    }

    static String primitive(char descriptor) {
        switch (descriptor) {
            case 'Z': return "boolean";
            case 'C': return "char";
            case 'F': return "float";
            case 'D': return "double";
            case 'B': return "byte";
            case 'S': return "short";
            case 'I': return "int";
            case 'J': return "long";
            default: return null;
        }
    }

    /** The element type code of an array class name in source form ({@code int[]} → INT, {@code X[]} → OBJECT). */
    static int arrayElementType(String sourceName) {
        if (sourceName == null || !sourceName.endsWith("[]")) {
            return 0;
        }
        String element = sourceName.substring(0, sourceName.length() - 2);
        switch (element) {
            case "boolean": return io.mapleak.hprof.BasicType.BOOLEAN;
            case "char": return io.mapleak.hprof.BasicType.CHAR;
            case "float": return io.mapleak.hprof.BasicType.FLOAT;
            case "double": return io.mapleak.hprof.BasicType.DOUBLE;
            case "byte": return io.mapleak.hprof.BasicType.BYTE;
            case "short": return io.mapleak.hprof.BasicType.SHORT;
            case "int": return io.mapleak.hprof.BasicType.INT;
            case "long": return io.mapleak.hprof.BasicType.LONG;
            default: return io.mapleak.hprof.BasicType.OBJECT;
        }
    }
}
