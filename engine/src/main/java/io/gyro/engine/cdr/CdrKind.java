package io.gyro.engine.cdr;

/**
 * What a charging record records. Written by name into the journal, and by ordinal into the write-ahead log
 * ({@code io.gyro.engine.wal.CdrWalCodec}): rename nothing, reorder nothing, add new kinds at the end.
 */
public enum CdrKind {
    /** Usage reported by a CCR-Update (RFC 4006 §8.3 UPDATE_REQUEST) and charged. */
    SESSION_INTERIM,
    /** Final usage of a CCR-Terminate, unused reservations released. */
    SESSION_END,
    /** A one-off charge: CCR-Event with Requested-Action DIRECT_DEBITING (RFC 4006 §8.41). */
    EVENT,
    /** Money or units given back: CCR-Event with Requested-Action REFUND_ACCOUNT. */
    REFUND,
    /** Money added by the HTTP API; carries the caller's idempotency key. */
    TOP_UP,
    /** A recurring or one-off package fee. */
    FEE,
    /** Reservations of a silent session released after validity time plus grace. */
    STALE_RELEASE,
    /** Operator correction, bucket renewal or anything else that changes an account without usage. */
    ADJUSTMENT
}
