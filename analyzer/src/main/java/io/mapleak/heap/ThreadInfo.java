package io.mapleak.heap;

import java.util.List;

/** A thread of the dumped JVM: its serial in the dump, its Thread object (-1 if absent), name and stack. */
public record ThreadInfo(int serial, int objectIndex, String name, List<Frame> frames) {

    /** One stack frame; {@code line} is -1 unknown, -2 compiled, -3 native, as HPROF writes it. */
    public record Frame(String className, String method, String signature, String sourceFile, int line) {

        /** {@code com.acme.Worker.run(Worker.java:42)}. */
        public String describe() {
            String where;
            if (line > 0) {
                where = (sourceFile != null ? sourceFile : "?") + ":" + line;
            } else if (line == -3) {
                where = "native";
            } else if (line == -2) {
                where = "compiled";
            } else {
                where = sourceFile != null ? sourceFile : "unknown source";
            }
            return className + "." + method + "(" + where + ")";
        }
    }
}
