package io.gyro.bench.load;

import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the connections record, read by the main thread: latency (nanoseconds, from the
 * intended send time) in a {@link Recorder} sampled once per second, answers by top-level
 * Result-Code, and the failures that make a run fail. Event loops write, the main thread reads.
 */
final class Stats {
    /** Latencies up to 60 s at 3 significant digits. */
    static final long HIGHEST_NS = 60_000_000_000L;
    private static final int MAX_CODE = 6000;

    final Recorder latency = new Recorder(HIGHEST_NS, 3);
    private final AtomicLongArray resultCodes = new AtomicLongArray(MAX_CODE);
    final LongAdder otherResultCodes = new LongAdder();
    /** Answers whose top-level Result-Code was 2001 but an MSCC said otherwise. */
    final LongAdder msccNotSuccess = new LongAdder();
    /** Requests that got no answer: connection closed, or still unanswered when the run drained. */
    final LongAdder unanswered = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder smsSent = new LongAdder();
    /** Open loop: requests sent more than 1 ms after their intended time (no idle session, in-flight cap, slow loop). */
    final LongAdder late = new LongAdder();

    void resultCode(long code) {
        if (code >= 0 && code < MAX_CODE) {
            resultCodes.incrementAndGet((int) code);
        } else {
            otherResultCodes.increment();
        }
    }

    long resultCodeCount(int code) {
        return resultCodes.get(code);
    }

    int maxCode() {
        return MAX_CODE;
    }
}
