package io.mapleak.cli;

import io.mapleak.analysis.Workbench;

import io.mapleak.graph.PathNamer;
import io.mapleak.heap.Hex;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mapleak path}: why an object is alive, as a strong path from a GC root (see {@code StrongPaths}). */
@Command(name = "path", mixinStandardHelpOptions = true,
        description = {"The chain of strong references from a GC root to an object (weak, soft and phantom "
                + "referents are not followed), each step with its retained size: the shortest from a static "
                + "field where there is one, else the shortest from any root."})
final class PathCommand implements Callable<Integer> {
    @Mixin
    DumpOptions dump;

    @Parameters(index = "1", paramLabel = "OBJECT_ID", description = "The object's id, hex (0x7f0a3c218).")
    String objectId;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Workbench wb = Workbench.open(dump.dump, dump.readOptions(), new TerminalListener())) {
            PrintWriter out = spec.commandLine().getOut();
            int o = ObjectIds.resolve(wb.index, objectId, "OBJECT_ID", spec.commandLine().getErr());
            long id = wb.index.id(o);
            wb.pathsFor(new int[] {o});
            int[] path = wb.paths().pathTo(o);
            if (path.length == 0) {
                out.printf("%s (%s) has no strong path from a GC root: it is %s%n", Hex.id(id),
                        Text.safe(wb.index.classOf(o).name()), wb.dominators.reachable(o)
                                ? "reachable only through weak, soft or phantom references"
                                : "unreachable (garbage the dump still held)");
                return ExitCodes.OK;
            }
            List<PathNamer.Step> steps = wb.namer.readable(path, wb.dominators);
            int width = 0;
            for (PathNamer.Step s : steps) {
                width = Math.max(width, Text.safe(s.label()).length());
            }
            width = Math.min(width, 80);
            for (PathNamer.Step s : steps) {
                out.printf("%-" + width + "s  %-40s %s  retained %s%n", Text.safe(s.label()), Text.safe(s.className()),
                        Hex.id(wb.index.id(s.object())), Text.bytes(s.retainedBytes()));
            }
        }
        return ExitCodes.OK;
    }
}
