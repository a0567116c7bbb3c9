package io.mapleak.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesTest {

    @Test
    void dumpsStartEveryIntervalApart() throws Exception {
        List<Long> starts = new ArrayList<>();

        int taken = new Series(Duration.ofMillis(200), 3).run((i, late) -> starts.add(System.nanoTime()));

        assertThat(taken).isEqualTo(3);
        assertThat(starts.get(1) - starts.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(starts.get(2) - starts.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    }

    @Test
    void aSlowDumpDelaysTheNextInsteadOfCrowdingIt() throws Exception {
        List<Long> starts = new ArrayList<>();
        List<Duration> lateness = new ArrayList<>();

        new Series(Duration.ofMillis(100), 3).run((i, late) -> {
            starts.add(System.nanoTime());
            lateness.add(late);
            if (i == 0) {
                sleep(300); // longer than the interval
            }
        });

        assertThat(lateness.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(starts.get(2) - starts.get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    }

    @Test
    void stopEndsTheWaitForTheNextDumpAtOnce() throws Exception {
        Series series = new Series(Duration.ofMinutes(10), 3);
        long before = System.nanoTime();

        int taken = series.run((i, late) -> new Thread(() -> {
            sleep(100);
            series.stop();
        }).start());

        assertThat(taken).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
        assertThat(series.isStopped()).isTrue();
    }

    @Test
    void aFailedDumpEndsTheSeries() {
        List<Integer> taken = new ArrayList<>();

        assertThatThrownBy(() -> new Series(Duration.ofMillis(10), 5).run((i, late) -> {
            taken.add(i);
            if (i == 1) {
                throw new CaptureException(Failure.NO_SUCH_PROCESS, "process 1 exited");
            }
        })).isInstanceOf(CaptureException.class);
        assertThat(taken).containsExactly(0, 1);
    }

    @Test
    void aSeriesNeedsDumpsAndTimeBetweenThem() {
        assertThatThrownBy(() -> new Series(Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Series(null, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Series(null, 1).count()).isEqualTo(1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
