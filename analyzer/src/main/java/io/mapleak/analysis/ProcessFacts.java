package io.mapleak.analysis;

import io.mapleak.heap.ClassInfo;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.Instance;
import io.mapleak.hprof.BasicType;
import io.mapleak.maps.MapView;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads what a dump tells of the process that wrote it ({@link AnalysisResult.JvmProcess}) from JDK statics:
 *
 * <ul>
 *   <li>system properties as the JVM started with them: {@code jdk.internal.misc.VM.savedProps} (JDK 9+, a
 *       {@code HashMap}) or {@code sun.misc.VM.savedProps} (JDK 8, a {@code Properties}), a copy the JDK keeps
 *       that later {@code System.setProperty} calls do not change;</li>
 *   <li>the max heap: {@code VM.directMemory}, which the JDK sets to {@code Runtime.getRuntime().maxMemory()} at
 *       start-up unless {@code -XX:MaxDirectMemorySize} is given, which the saved properties then show as
 *       {@code sun.nio.MaxDirectMemorySize};</li>
 *   <li>a value random per JVM run: {@code java.util.ImmutableCollections.SALT32L} (from {@code System.nanoTime()}
 *       at start-up);</li>
 *   <li>the pid: {@code java.lang.ProcessHandleImpl.current}, there once anything called
 *       {@code ProcessHandle.current()}.</li>
 * </ul>
 *
 * Costs a few field reads and one walk of the saved properties map (a few hundred entries).
 */
final class ProcessFacts {
    /** The saved properties kept in the result: what tells one process from another, and nothing bulky. */
    static final List<String> PROPERTIES = List.of("sun.java.command", "java.home", "user.dir", "user.name",
            "java.vm.name", "java.vm.version", "os.name", "os.arch");
    /** Longest property value kept (a command line with many arguments is cut). */
    static final int MAX_CHARS = 1000;
    private static final String MAX_DIRECT = "sun.nio.MaxDirectMemorySize";

    private ProcessFacts() {
    }

    /** The process facts of {@code index}; {@code maps} are its decoded maps (to read the saved properties). */
    static AnalysisResult.JvmProcess read(HeapIndex index, List<MapView> maps, boolean redact) {
        ClassInfo vm = bootClass(index, "jdk.internal.misc.VM");
        if (vm == null) {
            vm = bootClass(index, "sun.misc.VM");
        }
        Map<String, String> saved = vm == null ? null : savedProperties(index, vm, maps);
        Map<String, String> properties = new LinkedHashMap<>();
        if (saved != null) {
            for (String key : PROPERTIES) {
                String v = saved.get(key);
                if (v != null) {
                    properties.put(key, redact && key.equals("sun.java.command") ? mainClassOnly(v) : v);
                }
            }
        }
        long maxHeap = -1;
        String from;
        long direct = vm == null ? Long.MIN_VALUE : staticLong(vm, "directMemory");
        if (vm == null || direct == Long.MIN_VALUE) {
            from = "not in the dump (no " + (vm == null ? "jdk.internal.misc.VM class" : vm.name()
                    + ".directMemory") + "); give --max-heap";
        } else if (saved == null) {
            from = "not known: " + vm.name() + ".savedProps could not be read, so whether -XX:MaxDirectMemorySize "
                    + "replaced the heap limit in " + vm.name() + ".directMemory is unknown; give --max-heap";
        } else if (isSet(saved.get(MAX_DIRECT))) {
            from = "not known: -XX:MaxDirectMemorySize=" + saved.get(MAX_DIRECT) + " replaces the copy of the heap "
                    + "limit the JDK keeps in " + vm.name() + ".directMemory; give --max-heap";
        } else if (direct <= 0) {
            from = "not known: " + vm.name() + ".directMemory is " + direct + "; give --max-heap";
        } else {
            maxHeap = direct;
            from = vm.name() + ".directMemory: Runtime.maxMemory() as the JVM set it at start-up (no "
                    + "-XX:MaxDirectMemorySize)";
        }
        return new AnalysisResult.JvmProcess(pid(index), runId(index), maxHeap, from, properties);
    }

    private static boolean isSet(String maxDirect) {
        return maxDirect != null && !maxDirect.isEmpty() && !maxDirect.equals("-1");
    }

    private static String mainClassOnly(String command) {
        int space = command.indexOf(' ');
        return space < 0 ? command : command.substring(0, space) + " (arguments redacted)";
    }

    /** A class of the boot loader by name, or null. */
    private static ClassInfo bootClass(HeapIndex index, String name) {
        for (ClassInfo c : index.classes()) {
            if (c.loaderId() == 0 && c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static int staticIndex(ClassInfo c, String name) {
        for (int i = 0; i < c.staticCount(); i++) {
            if (c.staticName(i).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** A long or int static's value, or {@code Long.MIN_VALUE} if the class has no such static. */
    private static long staticLong(ClassInfo c, String name) {
        int i = staticIndex(c, name);
        if (i < 0) {
            return Long.MIN_VALUE;
        }
        return switch (c.staticType(i)) {
            case BasicType.LONG -> c.staticValue(i);
            case BasicType.INT -> (int) c.staticValue(i);
            default -> Long.MIN_VALUE;
        };
    }

    /** Every string entry of {@code VM.savedProps}, or null when the map is not in the dump or not decoded. */
    private static Map<String, String> savedProperties(HeapIndex index, ClassInfo vm, List<MapView> maps) {
        int i = staticIndex(vm, "savedProps");
        if (i < 0 || vm.staticType(i) != BasicType.OBJECT) {
            return null;
        }
        int object = index.indexOf(vm.staticValue(i));
        if (object < 0) {
            return null;
        }
        MapView view = null;
        for (MapView v : maps) {
            if (v.object() == object) {
                view = v;
                break;
            }
        }
        if (view == null) {
            return null;
        }
        Map<String, String> out = new HashMap<>();
        try {
            view.entries((node, key, value, hash, known, bin) -> {
                String k = text(index, key, 200);
                if (k != null && (PROPERTIES.contains(k) || k.equals(MAX_DIRECT))) {
                    String v = text(index, value, MAX_CHARS);
                    if (v != null) {
                        out.put(k, v);
                    }
                }
                return true;
            });
        } catch (RuntimeException e) {
            return null; // a map the decoder cannot walk tells nothing reliable
        }
        return out;
    }

    private static String text(HeapIndex index, long id, int maxChars) {
        int o = id == 0 ? -1 : index.indexOf(id);
        return o < 0 ? null : index.reader().string(o, maxChars);
    }

    private static long pid(HeapIndex index) {
        ClassInfo c = bootClass(index, "java.lang.ProcessHandleImpl");
        int i = c == null ? -1 : staticIndex(c, "current");
        if (i < 0 || c.staticType(i) != BasicType.OBJECT) {
            return -1;
        }
        int o = index.indexOf(c.staticValue(i));
        Instance current = o < 0 ? null : index.reader().instance(o);
        if (current == null || !current.has("pid") || current.type("pid") != BasicType.LONG) {
            return -1;
        }
        return current.getLong("pid");
    }

    private static String runId(HeapIndex index) {
        ClassInfo c = bootClass(index, "java.util.ImmutableCollections");
        long salt = c == null ? Long.MIN_VALUE : staticLong(c, "SALT32L");
        if (salt == Long.MIN_VALUE && c != null) {
            salt = staticLong(c, "SALT"); // JDK 9-10 named it SALT
        }
        return salt == Long.MIN_VALUE ? null : String.format(Locale.ROOT, "0x%x", salt);
    }
}
