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

    /** The Result-Codes answers are counted by (RFC 6733 §7.1, RFC 4006 §9); any other counts as {@link #OTHER_CODE}. */
    static final int[] RESULT_CODES = {2001, 2002, 3001, 3002, 3003, 3004, 3005, 3007, 3008, 3009, 3010, 4010, 4011, 4012,
            5001, 5002, 5003, 5004, 5005, 5006, 5007, 5008, 5009, 5010, 5011, 5012, 5013, 5014, 5015, 5016, 5017, 5030,
            5031};
    /** The label of a Result-Code outside {@link #RESULT_CODES}. */
    static final String OTHER_CODE = "other";
    private final LongAdder[] answers = new LongAdder[RESULT_CODES.length + 1];

    {
        for (int i = 0; i < answers.length; i++) {
            answers[i] = new LongAdder();
        }
    }

    /** One Credit-Control-Answer sent with this top-level Result-Code (any thread; no allocation). */
    public void answered(int resultCode) {
        int i = java.util.Arrays.binarySearch(RESULT_CODES, resultCode);
        answers[i >= 0 ? i : RESULT_CODES.length].increment();
    }

    /** Answers sent with the {@code i}-th code of {@link #RESULT_CODES} ({@code RESULT_CODES.length}: any other). */
    long answers(int i) {
        return answers[i].sum();
    }
}
