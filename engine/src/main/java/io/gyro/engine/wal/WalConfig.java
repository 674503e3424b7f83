package io.gyro.engine.wal;

/**
 * Write-ahead log settings, read once by {@link Wal#open} (lifecycle thread).
 *
 * @param segmentBytes  size of each segment file, preallocated (sparse) and mapped whole when it is started;
 *                      a record that would not fit in what is left starts the next segment. Default 64 MiB
 *                      ({@code wal.segmentBytes}).
 * @param fsyncPerBatch when true, {@link Wal#endOfBatch()} forces what the batch wrote to the device (msync)
 *                      before publishing it, so records survive a power cut, not only a kill -9. The engine
 *                      reads it from {@code journal.fsync}, the setting the JSON journal had for the same promise.
 */
public record WalConfig(long segmentBytes, boolean fsyncPerBatch) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    /** A CDR record is at most ~8 KiB ({@link CdrWalCodec#MAX_PAYLOAD_BYTES}); smaller segments would hold one or two. */
    public static final long MIN_SEGMENT_BYTES = 64L * 1024;
    /** A segment is mapped whole, and a mapping is indexed by an int. */
    public static final long MAX_SEGMENT_BYTES = 1L << 30;

    public WalConfig {
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES || segmentBytes % 8 != 0) {
            throw new IllegalArgumentException("segmentBytes=" + segmentBytes + " must be a multiple of 8 between "
                    + MIN_SEGMENT_BYTES + " and " + MAX_SEGMENT_BYTES);
        }
    }

    /** 64 MiB segments, no fsync. */
    public static WalConfig defaults() {
        return new WalConfig(DEFAULT_SEGMENT_BYTES, false);
    }
}
