package io.gyro.engine.status;

import java.util.concurrent.atomic.LongAdder;

/**
 * One engine's counters, by {@link EngineCounters} name: counting replaces per-request logging. Each engine has its
 * own, so that two engines in one JVM (tests, benchmarks) do not add into each other's. Any thread increments (a
 * {@link LongAdder} each: no lock, no allocation); any thread reads.
 */
public final class Counters {
    private final LongAdder[] adders = new LongAdder[EngineCounters.ALL.length];

    public Counters() {
        for (int i = 0; i < adders.length; i++) {
            adders[i] = new LongAdder();
        }
    }

    public void increment(EngineCounters counter) {
        adders[counter.ordinal()].increment();
    }

    public void add(EngineCounters counter, long n) {
        adders[counter.ordinal()].add(n);
    }

    public long get(EngineCounters counter) {
        return adders[counter.ordinal()].sum();
    }
}
