package io.gyro.engine.cdr;

/**
 * Journal settings, read once by {@link Journal#open} (lifecycle thread).
 *
 * @param maxFileBytes  a file is rotated before a record would take it past this size (it still holds at
 *                      least one record); default 64 MiB. Files also rotate at each UTC day.
 * @param fsyncPerBatch when true, {@link Journal#endOfBatch()} forces the file to the device
 *                      (msync), so records survive a power cut, not just a kill -9. Default false:
 *                      once copied into the file's mapping the bytes are in the OS page cache, which
 *                      survives the death of the process.
 * @param housekeeper   when true (the default), a {@link JournalHousekeeper} thread faults in the pages
 *                      ahead of the writer, prepares the next file and closes full ones, so the charging
 *                      thread does none of that file work. On a quiet 2-core box it cut the writer's p99 four
 *                      fold; on one oversubscribed by other processes the extra thread made its tail worse
 *                      (bench/RESULTS.md). The two-argument constructor leaves it off.
 */
public record JournalConfig(long maxFileBytes, boolean fsyncPerBatch, boolean housekeeper) {
    public static final long DEFAULT_MAX_FILE_BYTES = 64L * 1024 * 1024;
    /** A record is at most ~20 KB; smaller files would rotate on every record. */
    public static final long MIN_MAX_FILE_BYTES = 64L * 1024;
    /** The current file is mapped whole, and a mapping is indexed by an int. */
    public static final long MAX_MAX_FILE_BYTES = 1L << 30;

    public JournalConfig {
        if (maxFileBytes < MIN_MAX_FILE_BYTES || maxFileBytes > MAX_MAX_FILE_BYTES) {
            throw new IllegalArgumentException("maxFileBytes=" + maxFileBytes + " must be between " + MIN_MAX_FILE_BYTES
                    + " and " + MAX_MAX_FILE_BYTES);
        }
    }

    /** Pages this far ahead of the writer are faulted in by the housekeeper (at most the file size). */
    public static final long PREFAULT_BYTES = 4L * 1024 * 1024;

    /** Without the housekeeper. */
    public JournalConfig(long maxFileBytes, boolean fsyncPerBatch) {
        this(maxFileBytes, fsyncPerBatch, false);
    }

    /** The engine's defaults: 64 MiB files, no fsync, with the housekeeper. */
    public static JournalConfig defaults() {
        return new JournalConfig(DEFAULT_MAX_FILE_BYTES, false, true);
    }
}
