package io.mapleak.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mapleak.graph.StrongPaths;
import io.mapleak.heap.HeapIndex;
import io.mapleak.heap.ReadOptions;
import io.mapleak.testing.FixtureDumps;
import io.mapleak.testing.Jvm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Work done beside the dominator tree: handed out once prepared, and stopped when the workbench closes first. */
class WorkbenchTest {
    /** Spins until stopped, for at most a minute. */
    private static final class Spinner implements Workbench.Alongside<AtomicBoolean> {
        final AtomicBoolean stopped = new AtomicBoolean();
        final CountDownLatch proceeding = new CountDownLatch(1);
        final AtomicReference<HeapIndex> indexSeen = new AtomicReference<>();

        @Override
        public AtomicBoolean prepare(HeapIndex index) {
            indexSeen.set(index);
            return stopped;
        }

        @Override
        public void proceed(AtomicBoolean stop) {
            proceeding.countDown();
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (!stop.get() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }

        @Override
        public void stop(AtomicBoolean stop) {
            stop.set(true);
        }
    }

    @Test
    void closingBeforeTheWorkBesideIsDoneStopsItAndWaitsForItsThread() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "work beside the tree needs a second core");
        Path dump = FixtureDumps.get(Jvm.JDK17, "demo-shop").hprof();
        Spinner spinner = new Spinner();
        long closed;
        try (Workbench wb = Workbench.open(dump, ReadOptions.defaults(), AnalysisListener.QUIET, false, spinner)) {
            assertThat(wb.alongside(AtomicBoolean.class)).as("handed out once prepared").isSameAs(spinner.stopped);
            assertThat(spinner.indexSeen.get()).isSameAs(wb.index);
            assertThat(spinner.proceeding.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(spinner.stopped.get()).isFalse();
            closed = System.nanoTime();
        }
        assertThat(spinner.stopped.get()).as("close asked it to stop").isTrue();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - closed)).as("close waited a minute for it")
                .isLessThan(20);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .as("its thread was joined").noneMatch(name -> name.startsWith("mapleak-beside-dominators"));
    }

    @Test
    void theWorkBesideAndAllStrongPathsAreBothThereWhateverTheThreadsTheyShared() throws Exception {
        // Two cores (CI here): one thread computes the paths, then prepares the work beside; more: one thread each.
        Path dump = FixtureDumps.get(Jvm.JDK17, "demo-shop").hprof();
        Spinner spinner = new Spinner();
        try (Workbench wb = Workbench.open(dump, ReadOptions.defaults(), AnalysisListener.QUIET, true, spinner)) {
            if (Runtime.getRuntime().availableProcessors() > 1) {
                assertThat(wb.alongside(AtomicBoolean.class)).isSameAs(spinner.stopped);
                assertThat(spinner.proceeding.await(30, TimeUnit.SECONDS)).isTrue();
            }
            wb.pathsFor(null);
            StrongPaths alone = StrongPaths.compute(wb.graph);
            int strong = 0;
            for (int o = 0; o < wb.index.objectCount(); o++) {
                assertThat(wb.paths().parent(o)).as("object %d", o).isEqualTo(alone.parent(o));
                strong += alone.stronglyReachable(o) ? 1 : 0;
            }
            assertThat(strong).isGreaterThan(wb.index.objectCount() / 2);
        }
        assertThat(spinner.stopped.get()).as("close asked it to stop").isTrue();
    }

    @Test
    void withoutWorkBesideNothingIsHandedOut() throws Exception {
        Path dump = FixtureDumps.get(Jvm.JDK17, "demo-shop").hprof();
        try (Workbench wb = Workbench.open(dump, ReadOptions.defaults(), AnalysisListener.QUIET)) {
            assertThat(wb.alongside(Object.class)).isNull();
        }
    }

    @Test
    void aHelperThatDiesBeforeItsResultEndsTheWaitWithWhatKilledItAndPrintsNothing() throws InterruptedException {
        // On a full heap, reporting an OutOfMemoryError can throw another; the thread then dies with the future it
        // was to complete still open. The analysing thread must get that error, not wait forever, and the JVM's
        // default handler (which prints, allocating) must not run.
        PrintStream saved = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Thread> helpers = new ArrayList<>();
        CompletableFuture<String> never = new CompletableFuture<>();
        try {
            System.setErr(new PrintStream(printed, true));
            Workbench.Helper h = new Workbench.Helper(() -> {
                throw new OutOfMemoryError("simulated: the heap was full");
            }, "mapleak-test-helper");
            helpers.add(h);
            h.start();
            h.join();
        } finally {
            System.setErr(saved);
        }
        assertThat(printed.toString()).isEmpty();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> Workbench.await(never, helpers))
                .isInstanceOf(OutOfMemoryError.class).hasMessage("simulated: the heap was full"));
    }

    @Test
    void awaitGivesTheResultOrTheFailureAsItWasThrown() {
        List<Thread> helpers = new ArrayList<>();
        assertThat(Workbench.await(CompletableFuture.completedFuture("done"), helpers)).isEqualTo("done");
        CompletableFuture<String> failed = new CompletableFuture<>();
        failed.completeExceptionally(new IllegalStateException("the tree failed"));
        assertThatThrownBy(() -> Workbench.await(failed, helpers)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the tree failed");
        CompletableFuture<String> late = new CompletableFuture<>();
        Workbench.Helper h = new Workbench.Helper(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            late.complete("after the first timed wait");
        }, "mapleak-test-late");
        helpers.add(h);
        h.start();
        assertThat(Workbench.await(late, helpers)).isEqualTo("after the first timed wait");
    }
}
