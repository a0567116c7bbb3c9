package io.mapleak.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mapleak.testing.PostgresServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store's claim protocol on a real SQLite file and a real PostgreSQL server: one holder per dump however many
 * jobs claim at once, leases that run out, attempts that end in {@code failed}, a hand-back that does not count,
 * and a schema that the job creates once and refuses when it is newer than the job.
 */
@ExtendWith(PostgresServer.class)
class TriageStoreTest {
    private static final Store.AttemptFacts FACTS = new Store.AttemptFacts(512 << 20, 1.5, 1.0);

    @TempDir
    Path dir;

    private String url(String kind, PostgresServer pg) {
        return kind.equals("sqlite") ? Store.sqliteUrl(dir.resolve("triage.db")) : pg.newDatabase();
    }

    private static Owner owner(int n) {
        return new Owner("test-host", 1_000_000 + n, 42);
    }

    private static void register(Store s, int dumps) {
        for (int i = 0; i < dumps; i++) {
            assertThat(s.register(new Store.NewDump("key-" + i, "/dumps/d" + i + ".hprof", "d#", 100 + i, 1000 + i), 1))
                    .isTrue();
        }
    }

    private static Store.Result nothingFound() {
        return new Store.Result("reports/x.json", "reports/x.html", 5000, 1 << 20, false, null, null, null, List.of(),
                List.of());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void jobsClaimingAtOnceEachGetADifferentDumpAndEveryDumpIsClaimedOnce(String kind, PostgresServer pg)
            throws Exception {
        String url = url(kind, pg);
        int dumps = 40;
        int jobs = 6;
        try (Store s = Store.open(url)) {
            register(s, dumps);
        }
        Map<Long, AtomicInteger> claims = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int j = 0; j < jobs; j++) {
                Owner me = owner(j);
                done.add(pool.submit(() -> {
                    int mine = 0;
                    try (Store s = Store.open(url)) {
                        go.await();
                        Store.Claim c;
                        while ((c = s.claim(me, "token-" + me.pid() + "-" + mine, 60_000, 3, Set.of())) != null) {
                            claims.computeIfAbsent(c.dumpId(), k -> new AtomicInteger()).incrementAndGet();
                            assertThat(s.finish(c, nothingFound(), 1, false, FACTS).held()).isTrue();
                            mine++;
                        }
                    }
                    return mine;
                }));
            }
            go.countDown();
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get(120, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(dumps);
        } finally {
            pool.shutdownNow();
        }
        assertThat(claims).hasSize(dumps);
        assertThat(claims.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(TriageFixtures.query(url, "SELECT COUNT(*) FROM triage_dumps WHERE status = 'analysed' AND "
                + "attempts = 1")).containsExactly(List.of(Integer.toString(dumps)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aLeaseThatRunsOutLetsAnotherJobTakeTheDumpAndTheFirstJobThenWritesNothing(String kind, PostgresServer pg)
            throws Exception {
        String url = url(kind, pg);
        try (Store a = Store.open(url); Store b = Store.open(url)) {
            register(a, 1);
            Store.Claim first = a.claim(owner(1), "t1", 300, 3, Set.of());
            assertThat(b.claim(owner(2), "t2", 300, 3, Set.of())).as("held by the first job").isNull();
            Thread.sleep(600);
            Store.Claim second = b.claim(owner(2), "t2", 60_000, 3, Set.of());
            assertThat(second).isNotNull();
            assertThat(second.dumpId()).isEqualTo(first.dumpId());
            assertThat(second.attempt()).isEqualTo(2);
            assertThat(a.heartbeat(a.startRun(owner(1), "test"), first, 60_000)).as("renewing a lost lease").isFalse();
            assertThat(a.finish(first, nothingFound(), 1, false, FACTS).held()).isFalse();
            assertThat(a.fail(first, "crashed", "x", false, 3, FACTS)).isFalse();
            assertThat(b.finish(second, nothingFound(), 1, false, FACTS).held()).isTrue();
            assertThat(TriageFixtures.query(url, "SELECT outcome FROM triage_attempts ORDER BY attempt"))
                    .containsExactly(List.of("abandoned"), List.of("analysed"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aDumpThatFailsEveryAttemptIsFailedWithItsLastErrorAndNotClaimedAgain(String kind, PostgresServer pg) {
        String url = url(kind, pg);
        try (Store s = Store.open(url)) {
            register(s, 1);
            for (int attempt = 1; attempt <= 3; attempt++) {
                Store.Claim c = s.claim(owner(1), "t" + attempt, 60_000, 3, Set.of());
                assertThat(c.attempt()).isEqualTo(attempt);
                assertThat(s.fail(c, "crashed", "crash number " + attempt, false, 3, FACTS)).isTrue();
            }
            assertThat(s.claim(owner(1), "t4", 60_000, 3, Set.of())).isNull();
            Store.Snapshot[] snapshot = new Store.Snapshot[1];
            assertThatNoIoError(() -> s.writeIndex((snap, maps) -> snapshot[0] = snap));
            Store.DumpRow d = snapshot[0].dumps().get(0);
            assertThat(d.status()).isEqualTo("failed");
            assertThat(d.attempts()).isEqualTo(3);
            assertThat(d.error()).isEqualTo("crash number 3");
            assertThat(s.retryFailed()).isEqualTo(1);
            assertThat(s.claim(owner(1), "t5", 60_000, 3, Set.of()).attempt()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anUnreadableDumpIsFailedAtOnceAndAHandedBackDumpKeepsItsAttempts(String kind, PostgresServer pg)
            throws Exception {
        String url = url(kind, pg);
        try (Store s = Store.open(url)) {
            register(s, 2);
            Store.Claim bad = s.claim(owner(1), "a", 60_000, 3, Set.of());
            assertThat(s.fail(bad, "unreadable", "not a heap dump", true, 3, FACTS)).isTrue();
            Store.Claim good = s.claim(owner(1), "b", 60_000, 3, Set.of());
            assertThat(s.handBack(good)).isTrue();
            assertThat(s.claim(owner(1), "c", 60_000, 3, Set.of()).attempt()).as("the hand-back did not count")
                    .isEqualTo(1);
            assertThat(TriageFixtures.query(url, "SELECT status, attempts FROM triage_dumps ORDER BY id"))
                    .containsExactly(List.of("failed", "1"), List.of("running", "1"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void twoJobsRegisteringTheSameDumpAddItOnce(String kind, PostgresServer pg) {
        String url = url(kind, pg);
        try (Store a = Store.open(url); Store b = Store.open(url)) {
            Store.NewDump d = new Store.NewDump("same-key", "/dumps/a.hprof", "a", 1, 2);
            assertThat(a.register(d, 1)).isTrue();
            assertThat(b.register(new Store.NewDump("same-key", "/mnt/elsewhere/a.hprof", "a", 1, 2), 2)).isFalse();
            assertThat(b.keys()).containsExactly("same-key");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theJobCreatesTheSchemaOnceAndRefusesAStoreFromANewerMapleak(String kind, PostgresServer pg) throws Exception {
        String url = url(kind, pg);
        try (Store s = Store.open(url)) {
            register(s, 1);
        }
        try (Store s = Store.open(url)) {
            assertThat(s.keys()).containsExactly("key-0");
        }
        assertThat(TriageFixtures.query(url, "SELECT value FROM triage_meta WHERE name = 'schema_version'"))
                .containsExactly(List.of(Integer.toString(Schema.VERSION)));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                java.sql.Statement st = c.createStatement()) {
            st.execute("UPDATE triage_meta SET value = '99' WHERE name = 'schema_version'");
        }
        assertThatThrownBy(() -> Store.open(url)).isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 99");
    }

    private interface IoWork {
        void run() throws java.io.IOException;
    }

    private static void assertThatNoIoError(IoWork work) {
        try {
            work.run();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
