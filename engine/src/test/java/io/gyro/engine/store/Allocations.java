package io.gyro.engine.store;

import java.lang.management.ManagementFactory;

/** Bytes allocated by the current thread, from HotSpot's per-thread counter (a sanity check, not a benchmark). */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    public static long threadAllocatedBytes() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** Runs {@code op} {@code warmup} times, then measures {@code n} runs; returns bytes per run. */
    public static double bytesPerOp(int warmup, int n, Runnable op) {
        for (int i = 0; i < warmup; i++) {
            op.run();
        }
        long before = threadAllocatedBytes();
        for (int i = 0; i < n; i++) {
            op.run();
        }
        return (double) (threadAllocatedBytes() - before) / n;
    }
}
