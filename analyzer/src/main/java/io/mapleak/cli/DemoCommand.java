package io.mapleak.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mapleak demo}: runs the bundled leaking sample application (the fixtures' {@code demo-shop} scenario,
 * packed into mapleak's jar) in a child JVM, dumps its heap, analyses the dump and writes the reports.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs a small web shop whose session registry leaks (bundled with mapleak) in a child JVM, "
                + "dumps its heap, analyses the dump, prints the summary and writes the HTML and JSON reports."})
final class DemoCommand implements Callable<Integer> {
    static final String SCENARIO = "demo-shop";
    private static final String RUNNER = "io.mapleak.fixtures.FixtureMain";
    private static final String SCENARIO_CLASS = "io.mapleak.fixtures.scenario.DemoShop";
    /** The shop needs about 60 MB; the dump takes a few seconds. A child still running after this is stuck. */
    private static final long CHILD_TIMEOUT_SECONDS = 180;
    private static final String CHILD_HEAP = "-Xmx256m";

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", defaultValue = "mapleak-demo",
            description = "Where to write the dump and the reports (default: ./${DEFAULT-VALUE}/).")
    Path outputDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Path classPath = demoClassPath();
        if (classPath == null) {
            err.println("mapleak demo: this mapleak was built without the demo application (fixtures/target/classes "
                    + "was missing when the jar was made); run 'mvn -DskipTests package' at the repository root");
            return ExitCodes.INTERNAL;
        }
        Path dir = outputDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        err.println("mapleak demo: running the demo shop in a child JVM and dumping its heap...");
        err.flush();
        Path dump = dir.resolve(SCENARIO + ".hprof");
        String failure = runShop(classPath, dir, dump);
        if (failure != null) {
            err.println("mapleak demo: " + failure);
            return ExitCodes.INTERNAL;
        }
        err.printf("mapleak demo: heap dump %s (%s); analysing it...%n", dump, Text.bytes(Files.size(dump)));
        err.flush();

        AnalyzeCommand analyze = new AnalyzeCommand();
        CommandLine cl = new CommandLine(analyze);
        cl.setOut(spec.commandLine().getOut());
        cl.setErr(err);
        cl.parseArgs(dump.toString(), "-o", dir.toString());
        int code = analyze.call();
        spec.commandLine().getOut().printf("JSON report: %s%n", dir.resolve(ReportOutputs.reportName(dump) + ".json"));
        return code;
    }

    /** Where the demo's classes are: mapleak's own jar (or, in a build tree, its classes), or null if absent. */
    static Path demoClassPath() throws URISyntaxException {
        try {
            ClassLoader loader = DemoCommand.class.getClassLoader();
            Class.forName(SCENARIO_CLASS, false, loader);
            CodeSource source = Class.forName(RUNNER, false, loader).getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** Runs the shop, which dumps its own heap, into a scratch directory; moves the dump to {@code dump}. */
    private static String runShop(Path classPath, Path dir, Path dump) throws IOException, InterruptedException {
        Path scratch = Files.createTempDirectory(dir, ".demo-");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // Class-data sharing off: the dump then describes every class the shop's JVM counts.
            List<String> command = List.of(java, CHILD_HEAP, "-Xshare:off", "-cp", classPath.toString(), RUNNER,
                    SCENARIO, scratch.toString());
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            child.getOutputStream().close();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copy(child.getInputStream(), log), "demo-child-output");
            reader.setDaemon(true);
            reader.start();
            if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                return "the demo shop did not finish within " + CHILD_TIMEOUT_SECONDS + " s";
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
            Path made = scratch.resolve(SCENARIO + ".hprof");
            if (child.exitValue() != 0 || !Files.isRegularFile(made)) {
                return "the demo shop's JVM failed (exit " + child.exitValue() + "): "
                        + log.toString(StandardCharsets.UTF_8).strip();
            }
            Files.move(made, dump, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return null;
        } finally {
            try (Stream<Path> files = Files.list(scratch)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(scratch);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        try (in) {
            in.transferTo(to);
        } catch (IOException e) {
            // the child's output is only for the failure message; a broken pipe leaves it short
        }
    }
}
