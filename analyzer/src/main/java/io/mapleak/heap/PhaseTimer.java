package io.mapleak.heap;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Wall-clock seconds per named phase, for the performance breakdown that `info` and the benchmark print. */
public final class PhaseTimer {
    private final Map<String, Double> phases = new LinkedHashMap<>();
    private long last = System.nanoTime();

    /** Ends the current phase under {@code name} and starts the next. */
    public void lap(String name) {
        long now = System.nanoTime();
        phases.merge(name, (now - last) / 1e9, Double::sum);
        last = now;
    }

    public Map<String, Double> phases() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }
}
