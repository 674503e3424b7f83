package io.gyro.engine.store;

/**
 * Lifecycle state of a subscriber, stored as its ordinal (one byte): append new states at the end,
 * never reorder.
 */
public enum SubscriberState {
    /** May use every service the package allows. */
    ACTIVE,
    /** Temporarily blocked (unpaid fee, operator action); may come back to ACTIVE. */
    SUSPENDED,
    /** Blocked by the operator. */
    BARRED,
    /** Provisioned but not yet through the real-name identity check required before service. */
    AWAITING_REAL_NAME;

    private static final SubscriberState[] VALUES = values();

    static SubscriberState ofOrdinal(int ordinal) {
        if (ordinal < 0 || ordinal >= VALUES.length) {
            throw new IllegalStateException("corrupt subscriber state ordinal " + ordinal);
        }
        return VALUES[ordinal];
    }
}
