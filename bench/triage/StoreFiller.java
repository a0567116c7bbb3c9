// Fills a triage store with N analysed dumps through mapleak's own store API (register, claim, finish), for the
// index-page benchmark in bench/triage.sh: java -cp analyzer/target/mapleak.jar bench/triage/StoreFiller.java URL N
//
// The dumps look like a fleet's: 200 applications (svc-NNN/java_pid#), dumps spread over 30 days, 2 sightings per
// dump drawn from 400 leak signatures (a few common, most rare), and 20 inventory rows per dump, as the job keeps.
import io.mapleak.detect.Severity;
import io.mapleak.triage.MapGrowth;
import io.mapleak.triage.Owner;
import io.mapleak.triage.Signatures;
import io.mapleak.triage.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

public class StoreFiller {
    public static void main(String[] args) {
        String url = args[0];
        int n = Integer.parseInt(args[1]);
        Random random = new Random(20261205L); // the same store every time
        Owner owner = new Owner("bench", ProcessHandle.current().pid(), 1);
        long start = 1_762_000_000_000L;
        long t0 = System.nanoTime();
        try (Store store = Store.open(url)) {
            long run = store.startRun(owner, "bench");
            for (int i = 0; i < n; i++) {
                int app = random.nextInt(200);
                long taken = start + (long) (random.nextDouble() * 30 * 86_400_000L);
                String file = String.format("/dumps/svc-%03d/java_pid%d.hprof", app, 1000 + i);
                store.register(new Store.NewDump(String.format("%032x", i), file, String.format("svc-%03d/java_pid#", app),
                        200L << 20, taken), run);
                Store.Claim c = store.claim(owner, "t" + i, 60_000, 3, Set.of());
                List<Signatures.Sighting> sightings = new ArrayList<>();
                for (int k = 0; k < 2; k++) {
                    int sig = (int) Math.min(399, Math.abs(random.nextGaussian()) * 80);
                    String kind = sig % 3 == 0 ? "unique-keys" : sig % 3 == 1 ? "unbounded-growth" : "unbounded-cache";
                    String key = "static com.acme.svc" + (sig % 50) + ".Registry" + sig + ".ENTRIES";
                    Severity severity = sig % 4 == 0 ? Severity.MEDIUM : Severity.HIGH;
                    sightings.add(new Signatures.Sighting(Signatures.id(kind, key), kind, key,
                            "com.acme.svc" + (sig % 50) + ".Registry" + sig + ".ENTRIES",
                            "ConcurrentHashMap keyed by UUIDs keeps growing: com.acme.svc" + (sig % 50) + ".Registry"
                                    + sig + ".ENTRIES", severity));
                }
                sightings.sort((a, b) -> a.id().compareTo(b.id()));
                if (sightings.get(0).id().equals(sightings.get(1).id())) {
                    sightings.remove(1);
                }
                List<MapGrowth.MapRow> maps = new ArrayList<>();
                for (int m = 0; m < 20; m++) {
                    maps.add(new MapGrowth.MapRow("static com.acme.svc" + app + ".Cache" + m + ".MAP",
                            "com.acme.svc" + app + ".Cache" + m + ".MAP", "java.util.HashMap",
                            1000L * (20 - m) + random.nextInt(1000), (20L - m) << 20));
                }
                String stem = "java_pid" + (1000 + i) + "-" + c.dumpId();
                store.finish(c, new Store.Result("reports/" + stem + ".json", "reports/" + stem + ".html", taken,
                        150L << 20, false, sightings.get(0).severity().word(), sightings.get(0).title(),
                        sightings.get(0).label(), sightings, maps), run, false,
                        new Store.AttemptFacts(512L << 20, 3.0, 2.0));
                if ((i + 1) % 2000 == 0) {
                    System.err.printf("%,d dumps stored (%.0f s)%n", i + 1, (System.nanoTime() - t0) / 1e9);
                }
            }
            store.finishRun(run);
        }
        System.out.printf("stored %,d analysed dumps in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    }
}
