package io.gyro.bench.load;

/**
 * What every connection plays, fixed for a run: the PGW session shape (CCR-I, {@link #updates}
 * CCR-U reporting {@link #usedOctets}, CCR-T), the share of SMS events, and the subscribers.
 * Immutable; shared by the connections' event loops.
 */
final class Workload {
    static final String DATA_CONTEXT = "32251@3gpp.org";
    static final String SMS_CONTEXT = "32274@3gpp.org";
    static final long DATA_RATING_GROUP = 100;
    static final String SMS_RECIPIENT = "8613800138000";

    final int sessionsPerConnection;
    final int updates;
    final long usedOctets;
    /** Fraction of requests that are SMS events (EVENT_REQUEST, DIRECT_DEBITING), 0..1. */
    final double smsShare;
    final long firstMsisdn;
    final int subscribers;
    /**
     * When positive, subscribers are drawn uniformly at random from {@code pickFrom .. pickFrom+pickCount-1}
     * (a new one for each session's CCR-I and each SMS), so the engine's working set is the whole
     * range; otherwise session i keeps subscriber {@code firstMsisdn + i % subscribers}.
     */
    final long pickFrom;
    final long pickCount;
    final String originHost;
    final String originRealm;
    final String destinationRealm;
    /** Distinguishes this run's Session-Ids from earlier runs against the same server. */
    final long runId;

    Workload(int sessionsPerConnection, int updates, long usedOctets, double smsShare, long firstMsisdn,
             int subscribers, long pickFrom, long pickCount, String originHost, String originRealm,
             String destinationRealm, long runId) {
        this.sessionsPerConnection = sessionsPerConnection;
        this.updates = updates;
        this.usedOctets = usedOctets;
        this.smsShare = smsShare;
        this.firstMsisdn = firstMsisdn;
        this.subscribers = subscribers;
        this.pickFrom = pickFrom;
        this.pickCount = pickCount;
        this.originHost = originHost;
        this.originRealm = originRealm;
        this.destinationRealm = destinationRealm;
        this.runId = runId;
    }
}
