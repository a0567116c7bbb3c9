package io.mapleak.maps;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Instance;
import io.mapleak.hprof.BasicType;
import java.util.UUID;

/**
 * Readable text for keys and values: strings in quotes, boxed numbers and characters as their value, enums
 * by name, UUIDs in their usual form, files and paths as {@code File "/srv/a"} or {@code UnixPath "/srv/a"}, URIs
 * and URLs as {@code URI "https://h/a"}, points in time in ISO-8601 ({@code Instant 2026-12-07T14:50:00Z}; a
 * {@code Date} or {@code Timestamp} in UTC), local dates and times ({@code LocalDate 2026-12-07}), atomic numbers
 * ({@code AtomicLong 42}), the JDK's lists (composite keys such as {@code Arrays.asList(path, status)}) as their
 * first elements ({@code ["/orders/7", "200"]}), {@code null}, and {@code ClassName@0xid} for anything else. Text is
 * cut at a length limit; callers escape it for where it goes (it is data from the dump).
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
        String known = i == null ? null : library(name, i);
        if (known != null) {
            return known;
        }
        long[] elements = i == null ? null : listElements(name, i);
        if (elements != null) {
            return listText(elements);
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

    /**
     * The JDK value classes caches are often keyed by (URIs and URLs, points in time, dates), read from their fields
     * (the same in JDK 8 to 25), or null for any other class or when a field is not what those JDKs have.
     */
    private String library(String name, Instance i) {
        switch (name) {
            case "java.net.URI": {
                String s = stringField(i, "string"); // set by every parsing constructor
                return "URI " + quoted(s != null ? s : uriFromParts(i));
            }
            case "java.net.URL": {
                // URLStreamHandler.toExternalForm, which every JDK handler uses
                String protocol = stringField(i, "protocol");
                if (protocol == null) {
                    return null;
                }
                String authority = stringField(i, "authority");
                String file = stringField(i, "file");
                String ref = stringField(i, "ref");
                return "URL " + quoted(protocol + ":" + (authority != null && !authority.isEmpty() ? "//" + authority
                        : "") + (file != null ? file : "") + (ref != null ? "#" + ref : ""));
            }
            case "java.time.Instant":
                return "Instant " + java.time.Instant.ofEpochSecond(i.getLong("seconds"), i.getInt("nanos"));
            case "java.util.Date":
            case "java.sql.Timestamp": {
                // fastTime is the time unless a deprecated setter left it to be normalised from cdate
                if (i.refIndex("cdate") >= 0) {
                    return null;
                }
                long ms = i.getLong("fastTime");
                java.time.Instant t = name.equals("java.util.Date") ? java.time.Instant.ofEpochMilli(ms)
                        : java.time.Instant.ofEpochSecond(Math.floorDiv(ms, 1000), i.getInt("nanos"));
                return simple(name) + " " + t;
            }
            case "java.time.LocalDate": {
                java.time.LocalDate d = localDate(i);
                return d == null ? null : "LocalDate " + d;
            }
            case "java.time.LocalDateTime": {
                int date = i.refIndex("date");
                int time = i.refIndex("time");
                if (date < 0 || time < 0) {
                    return null;
                }
                java.time.LocalDate d = localDate(index.reader().instance(date));
                Instance t = index.reader().instance(time);
                return d == null || t == null ? null : "LocalDateTime " + java.time.LocalDateTime.of(d,
                        java.time.LocalTime.of(t.getByte("hour"), t.getByte("minute"), t.getByte("second"),
                                t.getInt("nano")));
            }
            case "java.util.concurrent.atomic.AtomicLong":
                return "AtomicLong " + i.getLong("value");
            case "java.util.concurrent.atomic.AtomicInteger":
                return "AtomicInteger " + i.getInt("value");
            default:
                return null;
        }
    }

    /** The most elements a list key shows; an ellipsis stands for the rest. */
    public static final int LIST_ELEMENTS = 6;
    /** The lists whose elements {@link #elements} reads. */
    private static final java.util.Set<String> LISTS = java.util.Set.of("java.util.Arrays$ArrayList",
            "java.util.ArrayList", "java.util.ImmutableCollections$ListN", "java.util.ImmutableCollections$List12",
            "java.util.Collections$SingletonList", "java.util.Collections$UnmodifiableRandomAccessList",
            "java.util.Collections$UnmodifiableList");

    /** Whether objects of this class are lists whose elements {@link #elements} reads. */
    public static boolean isList(String className) {
        return LISTS.contains(className);
    }

    /**
     * The elements of a list the JDK makes (up to {@link #LIST_ELEMENTS} + 1, to tell that there are more), or null
     * for any other object. Composite keys are such lists ({@code Arrays.asList(path, status)}, {@code List.of(a,
     * b)}): metrics libraries key their series by them.
     */
    public long[] elements(long id) {
        int o = id == 0 ? -1 : index.indexOf(id);
        if (o < 0 || !LISTS.contains(index.classOf(o).name()) || index.isMirror(o)) {
            return null;
        }
        try {
            return listElements(index.classOf(o).name(), index.reader().instance(o));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private long[] listElements(String name, Instance i) {
        switch (name) {
            case "java.util.Arrays$ArrayList":
                return arrayElements(i, "a", Integer.MAX_VALUE);
            case "java.util.ArrayList":
                return i.type("size") == BasicType.INT ? arrayElements(i, "elementData", i.getInt("size")) : null;
            case "java.util.ImmutableCollections$ListN":
                return arrayElements(i, "elements", Integer.MAX_VALUE);
            case "java.util.ImmutableCollections$List12": {
                if (i.type("e0") != BasicType.OBJECT || i.type("e1") != BasicType.OBJECT) {
                    return null;
                }
                long e1 = i.ref("e1");
                int e1Index = e1 == 0 ? -1 : index.indexOf(e1);
                // A one-element List12 holds ImmutableCollections.EMPTY, a plain Object, in e1 (nulls are refused).
                boolean one = e1 == 0 || e1Index >= 0 && index.classOf(e1Index).name().equals("java.lang.Object");
                return one ? new long[] {i.ref("e0")} : new long[] {i.ref("e0"), e1};
            }
            case "java.util.Collections$SingletonList":
                return i.type("element") == BasicType.OBJECT ? new long[] {i.ref("element")} : null;
            case "java.util.Collections$UnmodifiableRandomAccessList":
            case "java.util.Collections$UnmodifiableList": {
                if (i.type("list") != BasicType.OBJECT) {
                    return null;
                }
                int inner = i.refIndex("list");
                String innerName = inner < 0 ? null : index.classOf(inner).name();
                return innerName == null || innerName.startsWith("java.util.Collections$Unmodifiable") ? null
                        : listElements(innerName, index.reader().instance(inner));
            }
            default:
                return null;
        }
    }

    /** Up to {@link #LIST_ELEMENTS} + 1 of the first {@code size} elements of the object array in {@code field}. */
    private long[] arrayElements(Instance i, String field, int size) {
        if (i.type(field) != BasicType.OBJECT) {
            return null;
        }
        int array = i.refIndex(field);
        if (array < 0 || index.classOf(array).arrayElementType() != BasicType.OBJECT || size < 0) {
            return null;
        }
        return index.reader().objectArray(array, 0, Math.min(size, LIST_ELEMENTS + 1));
    }

    /** {@code ["/orders/…", "200"]}: each element as a key would read, nested lists by class and id. */
    private String listText(long[] elements) {
        StringBuilder b = new StringBuilder("[");
        int shown = Math.min(elements.length, LIST_ELEMENTS);
        for (int k = 0; k < shown; k++) {
            if (k > 0) {
                b.append(", ");
            }
            if (b.length() > maxChars * 2) {
                shown = k;
                break;
            }
            long e = elements[k];
            int o = e == 0 ? -1 : index.indexOf(e);
            b.append(o >= 0 && LISTS.contains(index.classOf(o).name())
                    ? index.classOf(o).name() + "@0x" + Long.toHexString(e) : of(e));
        }
        if (shown < elements.length) {
            b.append(shown > 0 && b.charAt(b.length() - 1) != ' ' ? ", …" : "…");
        }
        return b.append(']').toString();
    }

    private static java.time.LocalDate localDate(Instance d) {
        return d == null ? null : java.time.LocalDate.of(d.getInt("year"), d.getShort("month"), d.getShort("day"));
    }

    /**
     * A URI whose string form was never asked for (one made by {@code resolve} or {@code normalize}), as
     * {@code URI.toString} would make it from its parts: an opaque URI's scheme-specific part, else authority, path,
     * query.
     */
    private String uriFromParts(Instance i) {
        String scheme = stringField(i, "scheme");
        String path = stringField(i, "path");
        String authority = stringField(i, "authority");
        String query = stringField(i, "query");
        String fragment = stringField(i, "fragment");
        StringBuilder b = new StringBuilder();
        if (scheme != null) {
            b.append(scheme).append(':');
        }
        if (path == null) {
            String ssp = stringField(i, "schemeSpecificPart");
            b.append(ssp != null ? ssp : "");
        } else {
            if (authority != null) {
                b.append("//").append(authority);
            }
            b.append(path);
            if (query != null) {
                b.append('?').append(query);
            }
        }
        if (fragment != null) {
            b.append('#').append(fragment);
        }
        return b.toString();
    }

    /** A String field's text, or null when it is null or not a String; empty for an empty String. */
    private String stringField(Instance i, String field) {
        if (i.type(field) != BasicType.OBJECT) {
            throw new IllegalStateException("no reference field " + field); // describe falls back to the id
        }
        int s = i.refIndex(field);
        if (s < 0 || !index.classOf(s).name().equals("java.lang.String")) {
            return null;
        }
        String text = index.reader().string(s, maxChars + 1);
        return text == null ? "" : text;
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
