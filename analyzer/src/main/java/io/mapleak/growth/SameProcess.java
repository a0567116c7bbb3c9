package io.mapleak.growth;

import io.mapleak.analysis.AnalysisResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether the inputs are dumps of one process, from what each dump tells of its JVM: the per-run salt and the pid
 * (which differ after a restart), and the command, Java home, Java version and working directory (which differ
 * between programs). Says so in a warning when they differ; the comparison goes on, since two runs of one program
 * may be what the user means to compare, but never silently.
 */
final class SameProcess {
    private SameProcess() {
    }

    /** Adds a warning per input that differs from the first input, naming what differs. */
    static void check(List<GrowthInput> inputs, List<String> warnings) {
        GrowthInput first = inputs.get(0);
        for (GrowthInput in : inputs) {
            if (in.result().dump().process() == null) {
                warnings.add("whether " + Growth.name(in) + " is of the same process as the other inputs is not "
                        + "known: its report was written by a mapleak that did not record the process (analyse the "
                        + "dump again)");
            }
        }
        for (GrowthInput in : inputs.subList(1, inputs.size())) {
            List<String> run = new ArrayList<>();
            List<String> program = new ArrayList<>();
            AnalysisResult.JvmProcess a = first.result().dump().process();
            AnalysisResult.JvmProcess b = in.result().dump().process();
            if (a != null && b != null) {
                if (a.runId() != null && b.runId() != null && !a.runId().equals(b.runId())) {
                    run.add("the JVM's per-run salt (java.util.ImmutableCollections.SALT32L) is " + a.runId()
                            + " in one and " + b.runId() + " in the other");
                }
                if (a.pid() > 0 && b.pid() > 0 && a.pid() != b.pid()) {
                    run.add("pid " + a.pid() + " against " + b.pid());
                }
                for (String key : List.of("sun.java.command", "java.home", "user.dir", "java.vm.version")) {
                    compare(program, a.properties(), b.properties(), key);
                }
            }
            compare(program, first.result().dump().jvm(), in.result().dump().jvm(), "java.version");
            if (!run.isEmpty() || !program.isEmpty()) {
                List<String> all = new ArrayList<>(run);
                all.addAll(program);
                warnings.add(Growth.name(first) + " and " + Growth.name(in) + " look like dumps of different "
                        + "processes" + (program.isEmpty() ? " (the program was restarted between them)" : "")
                        + ": " + String.join("; ", all) + ". Maps are matched by owner path all the same: read the "
                        + "trends as across processes, not as one process over time");
            }
        }
    }

    private static void compare(List<String> differences, Map<String, String> a, Map<String, String> b,
            String key) {
        String x = a == null ? null : a.get(key);
        String y = b == null ? null : b.get(key);
        if (x != null && y != null && !x.equals(y)) {
            differences.add(key + " is \"" + x + "\" in one and \"" + y + "\" in the other");
        }
    }
}
