package io.gyro.diameter.peer;

import java.util.concurrent.atomic.LongAdder;

/** Event counters of the peer layer: counted, never logged per message (STYLE.md §15). */
public enum Counters {
    FRAMING_ERRORS,
    INVALID_REQUESTS,
    REJECTED_BEFORE_CER,
    CER_REJECTED,
    WATCHDOG_CLOSES,
    UNEXPECTED_ANSWERS,
    APPLICATION_ERRORS,
    /** Exceptions that closed a connection (each distinct one is logged once). */
    EXCEPTIONS,
    /** A peer's Origin-State-Id changed on an open connection (RFC 6733 §8.16). */
    PEER_RESTARTS;

    private final LongAdder adder = new LongAdder();

    public void increment() {
        adder.increment();
    }

    public long get() {
        return adder.sum();
    }
}
