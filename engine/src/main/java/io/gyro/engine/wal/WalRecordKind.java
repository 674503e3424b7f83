package io.gyro.engine.wal;

/** The record kinds of the write-ahead log, by their number in the frame. Append only: never renumber. */
public final class WalRecordKind {
    private WalRecordKind() {
    }

    /** A charging record ({@link CdrWalCodec}): every act the JSON CDR export carries. */
    public static final int CDR = 1;

    /** A session's whole after-state, in the session log ({@code io.gyro.engine.store.SessionLog}). */
    public static final int SESSION = 2;

    /** A session removed, in the session log. */
    public static final int SESSION_REMOVED = 3;
}
