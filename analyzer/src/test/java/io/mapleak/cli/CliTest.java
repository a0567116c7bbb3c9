package io.mapleak.cli;

import static io.mapleak.testing.HprofWriter.INT;
import static io.mapleak.testing.HprofWriter.OBJECT;
import static io.mapleak.testing.HprofWriter.V102;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mapleak.testing.FixtureDump;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.HprofWriter;
import io.mapleak.testing.HprofWriter.Value;
import io.mapleak.testing.Jvm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a script sees it: exit codes, one-line errors, the JSON of the report contract, safe text. */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- outputs that cannot be written: exit 5

    @Test
    void anOutputThatCannotBeWrittenIsNamedAsAnOutputWithItsOwnExitCode() throws IOException {
        Path dump = FixtureDumps.get(Jvm.JDK17, "smoke").hprof();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"analyze", dump.toString(), "--json", "/proc/mapleak/x.json"},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertThat(code).isEqualTo(ExitCodes.OUTPUT).isEqualTo(5);
        assertThat(err.toString().strip().lines()).last().asString()
                .startsWith("mapleak: cannot write /proc/mapleak/x.json: ");
        assertThat(err.toString()).doesNotContain("cannot read the input").doesNotContain(".tmp");
    }

    @Test
    void listingTheThresholdsNeedsNoDumpButAnAnalysisStillDoes() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"analyze", "--list-thresholds", "--threshold", "static.minBytes=4096"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
        assertThat(out.toString().lines()).hasSizeGreaterThan(20).anyMatch(l -> l.matches("static\\.minBytes +4096 .*"));
        err = new StringWriter();
        code = Main.run(new String[] {"analyze"}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("Missing required parameter: 'DUMP'");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--top=-5", "--fail-on=urgent"})
    void invalidOptionValuesAreUsageErrors(String option) throws IOException {
        Path dump = FixtureDumps.get(Jvm.JDK17, "smoke").hprof();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"analyze", dump.toString(), option},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isEqualTo(ExitCodes.USAGE);
    }

    // ---------------------------------------------------------------- inputs that are not dumps: exit 3

    @ParameterizedTest(name = "{0} of {1}")
    @CsvSource({
        "histogram, missing file",
        "histogram, empty file",
        "histogram, text file",
        "histogram, version 1.0",
        "histogram, id size 5",
        "histogram, gzip of text",
        "info, missing file",
        "info, empty file",
        "info, text file",
        "info, version 1.0",
        "info, id size 5",
        "info, gzip of text",
    })
    void unreadableInputExitsWith3AndOneLineOnStderr(String command, String input) throws IOException {
        Path file = dir.resolve("input.hprof");
        String expected;
        switch (input) {
            case "missing file" -> expected = "no such file";
            case "empty file" -> {
                Files.write(file, new byte[0]);
                expected = "empty";
            }
            case "text file" -> {
                Files.writeString(file, "This is not a heap dump.\nIt is a text file.\n");
                expected = "not an HPROF heap dump";
            }
            case "version 1.0" -> {
                HprofWriter writer = new HprofWriter("JAVA PROFILE 1.0", 8);
                writer.heap().withJdkBasics().write().writeTo(file);
                expected = "unsupported HPROF version \"JAVA PROFILE 1.0\"";
            }
            case "id size 5" -> {
                // A UTF8 record with a 5-byte id: a reader that accepted the header would go on reading records.
                new HprofWriter(V102, 5).u1(HprofWriter.UTF8).u4(0).u4(5 + 4).bytes(new byte[5]).bytes("name".getBytes(
                        StandardCharsets.US_ASCII)).writeTo(file);
                expected = "unsupported identifier size 5";
            }
            case "gzip of text" -> {
                Files.write(file, HprofWriter.gzipPlain("plain words, gzipped\n".getBytes(StandardCharsets.UTF_8)));
                expected = "not an HPROF heap dump";
            }
            default -> throw new IllegalArgumentException(input);
        }

        Run run = mapleak(command, file.toString());

        assertThat(run.code).as(run.toString()).isEqualTo(3);
        assertThat(run.errLines()).as(run.toString()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("mapleak: ").contains(expected);
        assertThat(run.err).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out).isEmpty();
    }

    // ---------------------------------------------------------------- usage errors: exit 2

    // ---------------------------------------------------------------- subcommands: only the one named is built

    @Test
    void theSubcommandNamesAreTheAnnotationsAndEachIsBuiltAloneWhenNamed() {
        assertThat(Main.NAMES).hasSameSizeAs(Main.SUBCOMMANDS);
        for (int i = 0; i < Main.NAMES.length; i++) {
            picocli.CommandLine.Command c = Main.SUBCOMMANDS[i].getAnnotation(picocli.CommandLine.Command.class);
            assertThat(c.name()).isEqualTo(Main.NAMES[i]);
            assertThat(c.aliases()).as("an alias would need a name here too").isEmpty();
            assertThat(Main.commandLine(new String[] {Main.NAMES[i], "x"}).getSubcommands())
                    .containsOnlyKeys(Main.NAMES[i]);
        }
        List<String> all = new ArrayList<>(Arrays.asList(Main.NAMES));
        all.add("help");
        for (String[] args : new String[][] {{}, {"help", "analyze"}, {"--help"}, {"analyse"}}) {
            assertThat(Main.commandLine(args).getSubcommands().keySet()).as(Arrays.toString(args))
                    .containsExactlyElementsOf(all);
        }
    }

    @Test
    void helpListsEveryCommandAndAMisspeltOneIsAUsageErrorThatSuggestsTheRightOne() {
        Run help = mapleak("help");
        assertThat(help.code).isZero();
        for (String name : Main.NAMES) {
            assertThat(help.out).contains("  " + name + " ");
        }
        Run analyzeHelp = mapleak("help", "analyze");
        assertThat(analyzeHelp.code).isZero();
        assertThat(analyzeHelp.out).contains("Usage: mapleak analyze");
        assertThat(mapleak("analyze", "--help").out).isEqualTo(analyzeHelp.out);

        Run misspelt = mapleak("analyse", "x.hprof");
        assertThat(misspelt.code).isEqualTo(2);
        assertThat(misspelt.err).contains("analyse").contains("analyze").doesNotContain("\tat ");
    }

    @Test
    void unknownOptionIsAUsageError() throws IOException {
        Path file = smallDump();

        Run run = mapleak("histogram", file.toString(), "--frobnicate");

        assertThat(run.code).isEqualTo(2);
        assertThat(run.err).contains("--frobnicate").doesNotContain("\tat ");
        assertThat(run.out).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"histogram", "info"})
    void nonsenseLayoutIsAUsageError(String command) throws IOException {
        Path file = smallDump();

        Run run = mapleak(command, file.toString(), "--layout", "nonsense");

        assertThat(run.code).isEqualTo(2);
        assertThat(run.err).contains("nonsense").doesNotContain("\tat ");
        assertThat(run.out).isEmpty();
    }

    // ---------------------------------------------------------------- a real dump

    @Test
    void histogramOfTheFixtureDumpWritesTheContractsJson() throws IOException {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "smoke");
        Path json = dir.resolve("out/histogram.json");

        Run run = mapleak("histogram", dump.hprof().toString(), "--top", "5", "--json", json.toString());

        assertThat(run.code).as(run.toString()).isZero();
        JsonNode root = JSON.readTree(json.toFile());
        JsonNode classes = root.get("classes");
        assertThat(classes.isArray()).isTrue();
        assertThat(classes.size()).isGreaterThan(500);
        long instances = 0;
        long bytes = 0;
        long nodes = 0;
        for (JsonNode c : classes) {
            assertThat(c.get("name").isTextual()).as("%s", c).isTrue();
            assertThat(c.get("instances").canConvertToLong()).as("%s", c).isTrue();
            assertThat(c.get("shallowBytes").canConvertToLong()).as("%s", c).isTrue();
            instances += c.get("instances").asLong();
            bytes += c.get("shallowBytes").asLong();
            if (c.get("name").asText().equals("java.util.HashMap$Node")) {
                nodes += c.get("instances").asLong();
            }
        }
        assertThat(root.get("objects").asLong()).isEqualTo(instances);
        assertThat(root.get("heapBytes").asLong()).isEqualTo(bytes);
        // The JVM's own histogram, taken around the dump, bounds the count: the scenario's 1000 entries and the JDK's.
        long before = dump.before().instances("java.util.HashMap$Node");
        long after = dump.after().instances("java.util.HashMap$Node");
        assertThat(nodes).isGreaterThanOrEqualTo(1000).isBetween(Math.min(before, after), Math.max(before, after));
        assertThat(root.get("dump").get("idSize").asInt()).isEqualTo(8);
        assertThat(root.get("dump").get("truncated").asBoolean()).isFalse();

        assertThat(run.out).startsWith("smoke.hprof: " + String.format("%,d objects", instances));
        assertThat(run.out.lines().filter(l -> l.matches("^\\s+\\d+\\s.*"))).hasSize(5);
        assertThat(run.err).doesNotContain("\tat ");
    }

    @Test
    void infoPrintsTheFixtureJvmsThreadsAndItsJsonDescribesTheDump() throws IOException {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "smoke");
        Path json = dir.resolve("info.json");

        Run run = mapleak("info", dump.hprof().toString(), "--threads", "--json", json.toString());

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.out).contains("  \"main\"").contains("  \"Reference Handler\"").contains("  \"Finalizer\"");
        assertThat(run.out).containsPattern("(?m)^format\\s+JAVA PROFILE 1\\.0\\.2, 8-byte ids");
        JsonNode root = JSON.readTree(json.toFile());
        assertThat(root.at("/dump/layout/compressedOops").isBoolean()).isTrue();
        assertThat(root.at("/dump/layout/compressedOops").asBoolean()).isTrue();
        assertThat(root.at("/dump/idSize").asInt()).isEqualTo(8);
        assertThat(root.at("/dump/heapDumps").asInt()).isEqualTo(1);
        List<String> threads = new ArrayList<>();
        root.get("threads").forEach(t -> threads.add(t.get("name").asText()));
        assertThat(threads).contains("main", "Reference Handler", "Finalizer");
    }

    @Test
    void truncatedDumpExitsWith0WithAWarningNamingTheOffsetAndReportsWhatWasRead() throws IOException {
        FixtureDump dump = FixtureDumps.get(Jvm.JDK17, "smoke");
        byte[] whole = Files.readAllBytes(dump.hprof());
        int cut = whole.length / 2;
        Path file = Files.write(dir.resolve("cut.hprof"), Arrays.copyOf(whole, cut));
        Path json = dir.resolve("cut.json");
        Path wholeJson = dir.resolve("whole.json");
        assertThat(mapleak("histogram", dump.hprof().toString(), "--json", wholeJson.toString()).code).isZero();

        Run run = mapleak("histogram", file.toString(), "--json", json.toString());

        assertThat(run.code).as(run.toString()).isZero();
        assertThat(run.errLines()).anyMatch(l -> l.startsWith("warning: the dump ends at offset " + cut + ", "));
        JsonNode root = JSON.readTree(json.toFile());
        long objects = root.get("objects").asLong();
        assertThat(objects).isPositive().isLessThan(JSON.readTree(wholeJson.toFile()).get("objects").asLong());
        assertThat(root.at("/dump/truncated").asBoolean()).isTrue();
        assertThat(run.out).startsWith("cut.hprof: " + String.format("%,d objects", objects));

        Run info = mapleak("info", file.toString());
        assertThat(info.code).as(info.toString()).isZero();
        assertThat(info.errLines()).anyMatch(l -> l.startsWith("warning: the dump ends at offset " + cut + ", "));
        assertThat(info.out).contains("truncated   yes");
    }

    // ---------------------------------------------------------------- hostile strings

    @Test
    void controlCharactersInNamesFromTheDumpNeverReachTheTerminal() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        String evil = "Evil\u001b[31m";
        long evilClass = heap.newClass(evil).field("n", INT).define();
        heap.instance(evilClass, Map.of("n", Value.ofInt(1)));
        heap.instance(evilClass, Map.of("n", Value.ofInt(2)));
        // A superclass that has a name but no class dump: its name reaches stderr in a warning.
        long ghost = heap.newId();
        long ghostName = heap.name("Ghost\u001b]0;pwned\u0007");
        heap.top(w -> w.loadClass(99, ghost, 1, ghostName));
        long haunted = heap.newClass("Haunted").superclass(ghost).define();
        heap.instance(haunted, Map.of());
        long thread = heap.newClass("java.lang.Thread").field("name", OBJECT).define();
        long threadObject = heap.instance(thread, Map.of("name", Value.ofObject(heap.string("worker\u001b[2J"))));
        heap.add(w -> w.rootThreadObject(threadObject, 1, 1));
        Path file = heap.write().writeTo(dir.resolve("evil.hprof"));
        Path json = dir.resolve("evil.json");

        Run histogram = mapleak("histogram", file.toString(), "--top", "0", "--json", json.toString());
        Run info = mapleak("info", file.toString(), "--threads");

        assertThat(histogram.code).as(histogram.toString()).isZero();
        assertThat(info.code).as(info.toString()).isZero();
        assertThat(histogram.out).containsPattern("(?m)\\s2\\s.*\\sEvil\\?\\[31m$");
        assertThat(histogram.err).contains("Ghost?]0;pwned?");
        assertThat(info.out).contains("\"worker?[2J\"");
        for (Run run : List.of(histogram, info)) {
            assertThat(run.out + run.err).doesNotContain("\u001b").doesNotContain("\u0007");
        }
        // The JSON keeps the name as the dump spells it (JSON escapes it).
        List<String> names = new ArrayList<>();
        JSON.readTree(json.toFile()).get("classes").forEach(c -> names.add(c.get("name").asText()));
        assertThat(names).contains(evil);
    }

    // ---------------------------------------------------------------- helpers

    private Path smallDump() throws IOException {
        HprofWriter writer = new HprofWriter(V102, 8);
        HprofWriter.Heap heap = writer.heap().withJdkBasics();
        heap.instance(heap.classId("java.lang.Object"), Map.of());
        return heap.write().writeTo(dir.resolve("small.hprof"));
    }

    private record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Run mapleak(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}
