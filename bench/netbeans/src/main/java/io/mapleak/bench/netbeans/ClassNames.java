package io.mapleak.bench.netbeans;

/** Class names in one spelling, so that histograms from the JVM, NetBeans and mapleak can be joined by name. */
final class ClassNames {

    private ClassNames() {
    }

    /**
     * The source-code spelling of a class name: {@code [B} and {@code byte[]} both become {@code byte[]},
     * {@code [Ljava.lang.String;} becomes {@code java.lang.String[]}, a hidden class is written with {@code /0x};
     * other names are returned unchanged.
     */
    static String canonical(String name) {
        // Hidden classes: the JVM and HPROF write Foo$$Lambda$21/0x8000002d, NetBeans Foo$$Lambda$21+0x8000002d.
        int plus = name.lastIndexOf("+0x");
        if (plus > 0) {
            name = name.substring(0, plus) + "/" + name.substring(plus + 1);
        }
        if (name.isEmpty() || name.charAt(0) != '[') {
            return name;
        }
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        String element = switch (name.charAt(dims)) {
            case 'Z' -> "boolean";
            case 'B' -> "byte";
            case 'C' -> "char";
            case 'S' -> "short";
            case 'I' -> "int";
            case 'J' -> "long";
            case 'F' -> "float";
            case 'D' -> "double";
            case 'L' -> name.substring(dims + 1, name.endsWith(";") ? name.length() - 1 : name.length());
            default -> name.substring(dims);
        };
        return element + "[]".repeat(dims);
    }
}
