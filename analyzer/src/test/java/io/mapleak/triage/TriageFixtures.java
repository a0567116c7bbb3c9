package io.mapleak.triage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mapleak.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the triage tests share: distinct dumps made from the fixture dumps, the job run in this JVM or as a process
 * of its own (as cron would start it), and reading back the index and the store.
 */
final class TriageFixtures {
    /** Where the HPROF header keeps the dump's time: after "JAVA PROFILE 1.0.2\0" and the 4-byte id size. */
    static final int TIMESTAMP_OFFSET = 23;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TriageFixtures() {
    }

    /**
     * A copy of a real dump that is another dump: its header says it was taken at {@code taken}, so its content,
     * and so its key, differ, as two dumps of one program at two times do. Its file time is an hour ago: settled.
     */
    static Path dump(Path source, Path target, Instant taken) throws IOException {
        Files.createDirectories(target.getParent());
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).putLong(0, taken.toEpochMilli()), TIMESTAMP_OFFSET);
        }
        settle(target);
        return target;
    }

    /** Sets the file's time an hour back: written long ago, as far as the quiet period goes. */
    static void settle(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    }

    /** One run of the command line in this JVM (the children are JVMs of their own all the same). */
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Run triage(String... args) {
        List<String> all = new ArrayList<>(List.of("triage"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** Starts {@code mapleak triage ARGS} as a process of its own, its output into {@code log}. */
    static Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "triage"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return p;
    }

    /** Kills a process and everything it started; used in finally blocks, so a failed test leaves nothing running. */
    static void kill(Process p) {
        if (p != null) {
            ChildAnalysis.kill(p);
        }
    }

    /** Waits for a process to end; fails the test with its log if it takes longer than {@code seconds}. */
    static int await(Process p, Path log, int seconds) throws Exception {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            kill(p);
            throw new AssertionError("the job did not end within " + seconds + " s:\n" + read(log));
        }
        return p.exitValue();
    }

    static String read(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    static JsonNode index(Path out) throws IOException {
        return JSON.readTree(out.resolve("index.json").toFile());
    }

    /** The index's dumps by file name. */
    static Map<String, JsonNode> dumpsByName(JsonNode index) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode d : index.path("dumps")) {
            out.put(Path.of(d.path("file").asText()).getFileName().toString(), d);
        }
        return out;
    }

    /** Rows of a query against the store, each as a list of strings. */
    static List<List<String>> query(String url, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            int n = r.getMetaData().getColumnCount();
            while (r.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(r.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Every file under {@code dir} whose name ends in {@code .tmp}, and every work directory left in OUT. */
    static List<Path> leftovers(Path... dirs) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path dir : dirs) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.filter(p -> p.getFileName().toString().endsWith(".tmp")
                        || p.toString().contains("/.work/")).forEach(found::add);
            }
        }
        return found;
    }
}
