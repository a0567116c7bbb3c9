package io.mapleak.triage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leak signatures across dumps: the session-registry leak dumped by a JDK 17 and by a JDK 25 JVM of one
 * application, triaged twice with {@code --fail-on high} and {@code --notify} to an HTTP server this test runs.
 * The first run sees the signature first (exit 1, one POST, new in the index); the second run analyses nothing and
 * says nothing.
 */
class TriageSignaturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T1 = Instant.parse("2026-11-03T08:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-04T08:00:00Z");
    private static final List<String> POSTS = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    static Path root;
    static HttpServer server;
    static Path jdk17;
    static Path jdk25;
    static TriageFixtures.Run first;
    static JsonNode firstIndex;
    static TriageFixtures.Run second;
    static JsonNode secondIndex;

    @BeforeAll
    static void triageTwice() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            POSTS.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Content-Type") + "\n"
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        String hook = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";

        Path dumps = root.resolve("dumps");
        jdk17 = TriageFixtures.dump(FixtureDumps.get(Jvm.JDK17, "session-registry").hprof(),
                dumps.resolve("shop/shop-1.hprof"), T1);
        jdk25 = TriageFixtures.dump(FixtureDumps.get(Jvm.JDK25, "session-registry").hprof(),
                dumps.resolve("shop/shop-2.hprof"), T2);
        String[] args = {dumps.toString(), "--out", root.resolve("out").toString(), "--fail-on", "high", "--notify",
            hook};
        first = TriageFixtures.triage(args);
        firstIndex = TriageFixtures.index(root.resolve("out"));
        second = TriageFixtures.triage(args);
        secondIndex = TriageFixtures.index(root.resolve("out"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void theSameLeakInAJdk17AndAJdk25DumpIsOneSignatureSeenInBoth() {
        assertThat(firstIndex.path("signatures")).as(first.toString()).hasSize(1);
        JsonNode s = firstIndex.path("signatures").get(0);
        assertThat(s.path("kind").asText()).isEqualTo("unique-keys");
        assertThat(s.path("label").asText()).isEqualTo("io.mapleak.fixtures.scenario.SessionRegistry.SESSIONS");
        assertThat(s.path("key").asText()).isEqualTo("static io.mapleak.fixtures.scenario.SessionRegistry.SESSIONS");
        assertThat(s.path("id").asText()).isEqualTo(Signatures.id("unique-keys", s.path("key").asText()))
                .hasSize(16);
        assertThat(s.path("severity").asText()).isEqualTo("high");
        assertThat(s.path("count").asInt()).isEqualTo(2);
        assertThat(s.path("dumps")).extracting(JsonNode::asText).containsExactly(jdk17.toString(), jdk25.toString());
        assertThat(s.path("firstSeen").asText()).isEqualTo(T1.toString());
        assertThat(s.path("lastSeen").asText()).isEqualTo(T2.toString());
        for (JsonNode d : firstIndex.path("dumps")) {
            assertThat(d.path("signatures")).extracting(JsonNode::asText).containsExactly(s.path("id").asText());
        }
    }

    @Test
    void dumpsAreListedNewestFirstWithTheirTopSuspectAndReports() {
        JsonNode dumps = firstIndex.path("dumps");
        assertThat(dumps).extracting(d -> d.path("file").asText()).containsExactly(jdk25.toString(),
                jdk17.toString());
        JsonNode newest = dumps.get(0);
        assertThat(newest.path("status").asText()).isEqualTo("analysed");
        assertThat(newest.path("attempts").asInt()).isEqualTo(1);
        assertThat(newest.has("error")).as("only failed dumps have an error").isFalse();
        assertThat(newest.path("time").asText()).isEqualTo(T2.toString());
        assertThat(newest.path("topSuspect").path("severity").asText()).isEqualTo("high");
        assertThat(newest.path("topSuspect").path("owner").path("label").asText())
                .isEqualTo("io.mapleak.fixtures.scenario.SessionRegistry.SESSIONS");
        assertThat(newest.path("heapBytes").asLong()).isGreaterThan(10_000_000);
        assertThat(root.resolve("out").resolve(newest.path("report").path("html").asText())).isRegularFile();
        assertThat(newest.path("report").path("json").asText()).matches("reports/shop-2-[0-9]+\\.json");
        assertThat(firstIndex.path("schemaVersion").asText()).isEqualTo("1.0");
    }

    @Test
    void failOnHighExitsWithOneOnlyInTheRunThatSawTheSignatureFirst() {
        assertThat(first.exitCode()).as(first.toString()).isEqualTo(1);
        assertThat(first.err()).contains("--fail-on high: new leak signature");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).contains("0 analysed");
    }

    @Test
    void newMarksTheSignatureOnlyInTheIndexOfTheRunThatFoundIt() {
        assertThat(firstIndex.path("signatures").get(0).path("new").asBoolean()).isTrue();
        assertThat(firstIndex.path("counts").path("newSignatures").asInt()).isEqualTo(1);
        assertThat(secondIndex.path("signatures").get(0).path("new").asBoolean()).isFalse();
        assertThat(secondIndex.path("generation").asLong()).isEqualTo(firstIndex.path("generation").asLong() + 1);
    }

    @Test
    void notifyPostsTheNewSignatureOnceAsJson() throws Exception {
        assertThat(POSTS).as(first + "\n" + second).hasSize(1);
        String post = POSTS.get(0);
        assertThat(post).startsWith("POST application/json");
        JsonNode body = JSON.readTree(post.substring(post.indexOf('\n') + 1));
        assertThat(body.path("count").asInt()).isEqualTo(1);
        JsonNode s = body.path("newSignatures").get(0);
        assertThat(s.path("id").asText()).isEqualTo(firstIndex.path("signatures").get(0).path("id").asText());
        assertThat(s.path("severity").asText()).isEqualTo("high");
        assertThat(s.path("dumps")).hasSize(2);
        assertThat(body.path("index").asText()).isEqualTo(root.resolve("out/index.html").toString());
    }

    @Test
    void growthFollowsTheApplicationsLargestMapAcrossItsDumps() throws Exception {
        JsonNode growth = firstIndex.path("growth");
        assertThat(growth).hasSize(1);
        assertThat(growth.get(0).path("application").asText()).isEqualTo("shop/shop-#");
        JsonNode top = growth.get(0).path("maps").get(0);
        assertThat(top.path("label").asText()).isEqualTo("io.mapleak.fixtures.scenario.SessionRegistry.SESSIONS");
        assertThat(top.path("sizes")).extracting(JsonNode::asLong).containsExactly(20_000L, 20_000L);
        assertThat(top.path("trend").asText()).isEqualTo("stable");
        String html = Files.readString(root.resolve("out/index.html"), StandardCharsets.UTF_8);
        assertThat(html).contains("Growth across dumps").contains("20,000 → 20,000").contains("<polyline points=\"");
    }
}
