package io.gyro.engine.store;

/**
 * Capacities of the Chronicle Map files under the data directory. Read once by {@link Stores#open}
 * (lifecycle thread); a map's capacity is fixed when its file is first created, so changing a value
 * later only affects a fresh data directory (or, for the ended sessions, one created before their map).
 *
 * @param maxSubscribers    expected number of subscribers; also sizes the account map and the IMSI index
 *                          (one account per subscriber today)
 * @param maxSessions       expected number of concurrently running (live) Gy sessions; ended ones do not count
 * @param maxEndedSessions  ended sessions kept for retransmissions (after CCR-T / CCR-EVENT, for the grace
 *                          period); beyond it the oldest are dropped
 */
public record StoreConfig(long maxSubscribers, long maxSessions, long maxEndedSessions) {

    public static final long DEFAULT_MAX_SUBSCRIBERS = 1_000_000L;
    public static final long DEFAULT_MAX_SESSIONS = 200_000L;
    /** 20,000 new sessions a second for the default 60 s grace (sessions.graceSeconds). */
    public static final long DEFAULT_MAX_ENDED_SESSIONS = 1_200_000L;

    public StoreConfig {
        if (maxSubscribers < 1) {
            throw new IllegalArgumentException("maxSubscribers=" + maxSubscribers + " must be at least 1");
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions=" + maxSessions + " must be at least 1");
        }
        if (maxEndedSessions < 1) {
            throw new IllegalArgumentException("maxEndedSessions=" + maxEndedSessions + " must be at least 1");
        }
    }

    /** As many ended sessions kept as live ones (small stores of tests and tools; the engine passes its setting). */
    public StoreConfig(long maxSubscribers, long maxSessions) {
        this(maxSubscribers, maxSessions, maxSessions);
    }

    public static StoreConfig defaults() {
        return new StoreConfig(DEFAULT_MAX_SUBSCRIBERS, DEFAULT_MAX_SESSIONS, DEFAULT_MAX_ENDED_SESSIONS);
    }
}
