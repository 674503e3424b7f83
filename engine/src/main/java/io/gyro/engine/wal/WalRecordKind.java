package io.gyro.engine.wal;

/** The record kinds of the write-ahead log, by their number in the frame. Append only: never renumber. */
public final class WalRecordKind {
    private WalRecordKind() {
    }

    /** A charging record ({@link CdrWalCodec}): every act the JSON CDR export carries. */
    public static final int CDR = 1;
}
