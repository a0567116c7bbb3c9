package io.mapleak.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A program that thrashes on a full heap, for {@link GcWatchTest}: it fills the heap with live 64 KB arrays until
 * it runs out, lets a hundredth of them go, then keeps replacing random ones with new ones, so that every
 * collection frees a little and none frees enough. Started with the command line's watch ({@link Main#watchGc}).
 */
public final class ThrashingMain {
    private ThrashingMain() {
    }

    public static void main(String[] args) {
        Main.watchGc();
        Random random = new Random(1);
        List<byte[]> live = new ArrayList<>();
        try {
            while (true) {
                live.add(new byte[64 << 10]);
            }
        } catch (OutOfMemoryError e) {
            // full: now let a little go
        }
        int keep = live.size() - live.size() / 100;
        while (live.size() > keep) {
            live.remove(live.size() - 1);
        }
        while (true) {
            try {
                live.set(random.nextInt(live.size()), new byte[64 << 10]);
            } catch (OutOfMemoryError e) {
                try {
                    live.remove(live.size() - 1); // out after all (G1 gives up now and then): a little more room
                } catch (OutOfMemoryError again) {
                    // the next round frees it
                }
            }
        }
    }
}
