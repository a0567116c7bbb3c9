package io.mapleak.maps;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Instance;
import io.mapleak.hprof.BasicType;
import java.util.UUID;

/**
 * Readable text for keys and values: strings in quotes, boxed numbers and characters as their value, enums
 * by name, UUIDs in their usual form, files and paths as {@code File "/srv/a"} or {@code UnixPath "/srv/a"},
 * {@code null}, and {@code ClassName@0xid} for anything else. Text is cut at a length limit; callers escape it for
 * where it goes (it is data from the dump).
 */
public final class ValueText {
    private final HeapIndex index;
    private final int maxChars;

    public ValueText(HeapIndex index, int maxChars) {
        this.index = index;
        this.maxChars = maxChars;
    }

    public String of(long id) {
        if (id == 0) {
            return "null";
        }
        int o = index.indexOf(id);
        if (o < 0) {
            return "<missing 0x" + Long.toHexString(id) + ">";
        }
        try {
            return describe(o, id);
        } catch (RuntimeException e) {
            return index.classOf(o).name() + "@0x" + Long.toHexString(id);
        }
    }

    private String describe(int o, long id) {
        ClassInfo c = index.classOf(o);
        String name = c.name();
        if (index.isMirror(o)) {
            return "class " + index.mirroredClass(o).name();
        }
        if (name.equals("java.lang.String")) {
            String s = index.reader().string(o, maxChars + 1);
            if (s == null) {
                return "\"\"";
            }
            return quoted(s);
        }
        Instance i = c.isArray() ? null : index.reader().instance(o);
        if (i != null && i.has("value") && name.startsWith("java.lang.")) {
            switch (name) {
                case "java.lang.Integer": return Integer.toString(i.getInt("value"));
                case "java.lang.Long": return i.getLong("value") + "L";
                case "java.lang.Short": return Short.toString(i.getShort("value"));
                case "java.lang.Byte": return Byte.toString(i.getByte("value"));
                case "java.lang.Character": return "'" + i.getChar("value") + "'";
                case "java.lang.Boolean": return Boolean.toString(i.getBoolean("value"));
                case "java.lang.Double": return Double.toString(i.getDouble("value"));
                case "java.lang.Float": return i.getFloat("value") + "f";
                default: break;
            }
        }
        if (i != null && name.equals("java.util.UUID") && i.type("mostSigBits") == BasicType.LONG) {
            return new UUID(i.getLong("mostSigBits"), i.getLong("leastSigBits")).toString();
        }
        if (i != null && i.type("path") == BasicType.OBJECT && (name.equals("java.io.File")
                || name.equals("sun.nio.fs.UnixPath") || name.equals("sun.nio.fs.WindowsPath"))) {
            String path = pathText(i.refIndex("path"));
            if (path != null) {
                return simple(name) + " " + quoted(path);
            }
        }
        if (i != null && isEnum(c)) {
            int n = i.refIndexDeclaredIn("java.lang.Enum", "name");
            String constant = n >= 0 ? index.reader().string(n, 100) : null;
            if (constant != null) {
                return simple(name) + "." + constant;
            }
        }
        return name + "@0x" + Long.toHexString(id);
    }

    private boolean isEnum(ClassInfo c) {
        for (ClassInfo k = c; k != null; k = k.superIndex() >= 0 ? index.classInfo(k.superIndex()) : null) {
            if (k.name().equals("java.lang.Enum")) {
                return true;
            }
        }
        return false;
    }

    private String quoted(String s) {
        return "\"" + (s.length() > maxChars ? s.substring(0, maxChars) + "…" : s) + "\"";
    }

    /**
     * The text of a file path: a {@code String} (File, WindowsPath) or, for UnixPath, the path's bytes as the
     * file system has them (UTF-8 on every current Linux and macOS). Null when it is neither.
     */
    private String pathText(int path) {
        if (path < 0) {
            return null;
        }
        String name = index.classOf(path).name();
        if (name.equals("java.lang.String")) {
            String s = index.reader().string(path, maxChars + 1);
            return s == null ? "" : s;
        }
        if (name.equals("byte[]")) {
            return new String(index.reader().primitiveArray(path, 4 * (maxChars + 1)),
                    java.nio.charset.StandardCharsets.UTF_8);
        }
        return null;
    }

    private static String simple(String name) {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
