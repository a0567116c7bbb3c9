package io.mapleak.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A throwaway PostgreSQL cluster for the tests: Debian's {@code postgresql} package ({@code initdb} and
 * {@code pg_ctl} from {@code /usr/lib/postgresql/N/bin}), a data directory in the temp directory, trust
 * authentication, a free local TCP port and no Unix socket, no fsync. One cluster serves the whole test run; every
 * test gets a database of its own ({@link #newDatabase}).
 *
 * <p>Used as a JUnit extension (it resolves {@code PostgresServer} parameters): the cluster starts on first use and
 * is stopped, and its directory deleted, when the test run ends (JUnit closes what its root store holds), whether the tests passed or not, and by a
 * shutdown hook if the JVM ends otherwise. initdb and postgres refuse to run as root, so as root (as in CI) they run
 * as the {@code postgres} user through {@code runuser}, which then owns the data directory. Missing binaries skip
 * the tests, or fail them when {@code CI=true} ({@code .ci/run} installs the package).
 */
public final class PostgresServer implements ParameterResolver, AutoCloseable {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresServer.class);
    private static final String USER = "mapleak";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path bin;
    private final Path data;
    private final int port;
    private final boolean asPostgres;
    private final Thread hook;

    /** For JUnit's extension registry only; the cluster itself is made by {@link #resolveParameter}. */
    public PostgresServer() {
        this.bin = null;
        this.data = null;
        this.port = 0;
        this.asPostgres = false;
        this.hook = null;
    }

    private PostgresServer(Path bin, Path data, int port, boolean asPostgres) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.asPostgres = asPostgres;
        this.hook = new Thread(this::stop, "stop test postgres");
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == PostgresServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return e.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(PostgresServer.class, k -> start(),
                PostgresServer.class);
    }

    /** A new, empty database; its JDBC URL. */
    public String newDatabase() {
        String name = "triage_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database: " + e.getMessage(), e);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook stops it
        }
    }

    private static PostgresServer start() {
        Optional<Path> bin = binaries();
        if (bin.isEmpty()) {
            String why = "PostgreSQL is not installed (apt-get install postgresql)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(why + "; CI=true: .ci/run must install it");
            }
            Assumptions.assumeTrue(false, why);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path data = Files.createTempDirectory("mapleak-pg-");
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            if (root) {
                UserPrincipal postgres = data.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName("postgres");
                Files.setOwner(data, postgres);
            }
            PostgresServer server = new PostgresServer(bin.get(), data, freePort(), root);
            Runtime.getRuntime().addShutdownHook(server.hook);
            server.run(List.of(bin.get().resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust",
                    "-E", "UTF8", "--locale=C", "--no-sync"), 120);
            server.run(List.of(bin.get().resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
                    data.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                    "-p " + server.port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                            + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100",
                    "start"), 90);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a test PostgreSQL", e);
        }
    }

    private void stop() {
        if (data == null || !Files.isDirectory(data)) {
            return;
        }
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), 60);
        } catch (RuntimeException | IOException e) {
            // not running (it failed to start): the directory still goes
        }
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // the temp directory is cleaned by the system eventually
        }
    }

    /** Runs a PostgreSQL program (as the postgres user when we are root); its output goes to the failure message. */
    private void run(List<String> command, int seconds) throws IOException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path log = Files.createTempFile("mapleak-pg-", ".log");
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile())
                    .directory(Path.of("/").toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish within " + seconds + " s");
            }
            if (p.exitValue() != 0) {
                String serverLog = data != null && Files.isReadable(data.resolve("server.log"))
                        ? Files.readString(data.resolve("server.log"), StandardCharsets.UTF_8) : "";
                throw new IllegalStateException(String.join(" ", full) + " exited with " + p.exitValue() + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8) + serverLog);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The newest {@code /usr/lib/postgresql/N/bin} with initdb and pg_ctl. */
    private static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
