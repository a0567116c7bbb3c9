package io.mapleak.heap;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-thread page caches read the file as it is, across page boundaries, and give their direct memory back
 * when released, even while the thread that filled one lives on in a pool (as the common pool's threads do while
 * {@code mapleak growth} analyses one dump after another).
 */
class DumpPagesTest {
    private static final int PAGE = 16 * 1024;

    @TempDir
    Path temp;

    @Test
    void readsWhatTheFileHoldsAndReleasesPooledThreadsPages() throws Exception {
        byte[] content = new byte[64 * PAGE + 123];
        new Random(7).nextBytes(content);
        Path file = temp.resolve("pages.bin");
        Files.write(file, content);
        ByteBuffer expected = ByteBuffer.wrap(content);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            DumpPages pages = new DumpPages(ch);
            long before = directBytes();
            pool.submit(() -> {
                for (int p = 0; p < 64; p++) {
                    long at = (long) p * PAGE;
                    assertThat(pages.getInt(at)).isEqualTo(expected.getInt((int) at));
                    assertThat(pages.getLong(at + PAGE - 8)).isEqualTo(expected.getLong((int) (at + PAGE - 8)));
                    assertThat(pages.getLong(at + PAGE - 3)).as("across a page boundary")
                            .isEqualTo(expected.getLong((int) (at + PAGE - 3)));
                }
                byte[] out = new byte[3 * PAGE];
                pages.read(5 * PAGE + 17, out, 0, out.length);
                assertThat(out).isEqualTo(java.util.Arrays.copyOfRange(content, 5 * PAGE + 17, 8 * PAGE + 17));
            }).get();
            assertThat(directBytes() - before).as("64 pages cached").isGreaterThanOrEqualTo(64L * PAGE);

            pages.release(); // from another thread than the one whose cache it empties
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (directBytes() - before >= 64L * PAGE && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(50);
            }
            assertThat(directBytes() - before).as("pages freed while their thread lives on").isLessThan(8L * PAGE);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long directBytes() {
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                return b.getMemoryUsed();
            }
        }
        throw new IllegalStateException("no direct buffer pool");
    }
}
