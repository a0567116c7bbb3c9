package io.mapleak.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void aPassThatReadsAStretchAgainNeverStepsTheBarBack() {
        List<Long> shown = new ArrayList<>();
        LongConsumer bar = Progress.forwardOnly(shown::add);
        for (long v : new long[] {0, 100, 400, 150, 400, 300, 500, 900}) {
            bar.accept(v);
        }
        assertThat(shown).containsExactly(0L, 100L, 400L, 500L, 900L);
    }

    @Test
    void valuesFromSeveralThreadsReachTheBarInRisingOrder() throws InterruptedException {
        List<Long> shown = new ArrayList<>();
        LongConsumer bar = Progress.forwardOnly(shown::add);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            threads.add(new Thread(() -> {
                for (long v = first; v < 40_000; v += 4) {
                    bar.accept(v);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(shown).isSorted().doesNotHaveDuplicates().contains(39_999L);
    }
}
