package io.gyro.engine.status;

/** The names of an engine's counters ({@link Counters}, one set per engine), served by GET /status. */
public enum EngineCounters {
    CCR_RECEIVED,
    CCR_ANSWERED,
    INVALID_CCR,
    TOO_BUSY,
    RETRANSMISSIONS,
    UNKNOWN_SESSION,
    UNKNOWN_USER,
    SERVICE_DENIED,
    CREDIT_LIMIT,
    RATING_FAILED,
    CHARGES,
    STALE_RELEASES,
    RENEWALS,
    JOURNAL_RECORDS,
    ADMIN_TASKS,
    SESSION_STORE_FULL,
    /**
     * Ended sessions (kept after CCR-T/CCR-EVENT for retransmissions) dropped before their grace ran out because the
     * ended-session table was full (stores.maxEndedSessions): a retransmission of theirs gets 5002, not the answer.
     */
    ENDED_SESSIONS_DROPPED,
    PROCESSOR_ERRORS,
    /** Batches the charging processor ended (journal flushed, answers handed over): requests per batch = CCR_RECEIVED / this. */
    PROCESSOR_BATCHES;

    static final EngineCounters[] ALL = values();
}
