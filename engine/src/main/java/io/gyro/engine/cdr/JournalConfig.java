package io.gyro.engine.cdr;

/**
 * Journal settings, read once by {@link Journal#open} (lifecycle thread).
 *
 * @param maxFileBytes  a file is rotated before a record would take it past this size (it still holds at
 *                      least one record); default 64 MiB. Files also rotate at each UTC day.
 * @param fsyncPerBatch when true, {@link Journal#endOfBatch()} forces what the batch wrote to the device
 *                      (fdatasync), so records survive a power cut, not just a kill -9. Default false: once
 *                      written at the end of the batch the lines are in the OS page cache, which survives the
 *                      death of the process.
 */
public record JournalConfig(long maxFileBytes, boolean fsyncPerBatch) {
    public static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;
    /** A record is at most ~20 KB; smaller files would rotate on every record. */
    public static final long MIN_MAX_FILE_BYTES = 64L * 1024;
    /**
     * The range {@code journal.maxFileBytes} has always had (the files used to be mapped whole, and a mapping is
     * indexed by an int); nothing in the writer needs the bound any more.
     */
    public static final long MAX_MAX_FILE_BYTES = 1L << 30;

    public JournalConfig {
        if (maxFileBytes < MIN_MAX_FILE_BYTES || maxFileBytes > MAX_MAX_FILE_BYTES) {
            throw new IllegalArgumentException("maxFileBytes=" + maxFileBytes + " must be between " + MIN_MAX_FILE_BYTES
                    + " and " + MAX_MAX_FILE_BYTES);
        }
    }

    /** The engine's defaults: 64 MiB files, no fsync. */
    public static JournalConfig defaults() {
        return new JournalConfig(DEFAULT_MAX_FILE_BYTES, false);
    }
}
