package io.gyro.engine.store;

/**
 * Capacities of the Chronicle Map files under the data directory. Read once by {@link Stores#open}
 * (lifecycle thread); a map's capacity is fixed when its file is first created, so changing a value
 * later only affects a fresh data directory.
 *
 * @param maxSubscribers expected number of subscribers; also sizes the account map and the IMSI index
 *                       (one account per subscriber today)
 * @param maxSessions    expected number of concurrently open Gy sessions
 */
public record StoreConfig(long maxSubscribers, long maxSessions) {

    public static final long DEFAULT_MAX_SUBSCRIBERS = 1_000_000L;
    public static final long DEFAULT_MAX_SESSIONS = 200_000L;

    public StoreConfig {
        if (maxSubscribers < 1) {
            throw new IllegalArgumentException("maxSubscribers=" + maxSubscribers + " must be at least 1");
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions=" + maxSessions + " must be at least 1");
        }
    }

    public static StoreConfig defaults() {
        return new StoreConfig(DEFAULT_MAX_SUBSCRIBERS, DEFAULT_MAX_SESSIONS);
    }
}
