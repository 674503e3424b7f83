package io.gyro.engine.wal;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.gyro.engine.cdr.CdrRecord;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.status.ErrorLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces the JSON-lines CDR files (the {@link Journal} that settlement, {@code records}, start-up recovery and
 * {@code gyro audit} read) from the write-ahead log, off the charging thread: tails the {@link Wal}, decodes every
 * CDR record and appends it to the journal with its seq unchanged, so the files keep their names, format and seqs.
 * It ends the journal's batch each time it has caught up, then publishes {@link #exportedSeq()}.
 *
 * <p>Threads: {@link #drain()} on the lifecycle thread before the exporter's thread starts (start-up: everything
 * the log holds beyond the journal is exported before recovery reads the journal); {@link #start()} starts the
 * exporter's own thread ({@code gyro-cdr-export}), the only one that then writes the journal; {@link #close()}
 * on the lifecycle thread after the log's writer stopped: the thread stops and the rest is exported.
 * {@link #exportedSeq()} and {@link #awaitExported} on any thread; {@link #awaitExport()} (the journal's
 * {@link Journal.Upstream}) on the log's writer thread only, because it publishes the log first.
 *
 * <p>When the journal refuses a write (disk full), the export stops and says so once; charging goes on (the log
 * is the record of truth) and the next start exports what is missing.
 *
 * <p>Retention: a segment of the log is deleted once nothing can need it: every record in it is exported and that
 * export durable (the journal's batch ended: in the page cache, or forced to the device with {@code journal.fsync},
 * which also forces the journal's directory first), so a start after a kill, which reads the log only after the
 * journal's last record, never reads it; the segment being written is never deleted; the
 * {@code keepExportedSegments} newest done segments are kept as well, for a look at the binary records. The check
 * runs on the exporter's thread when its reader enters another segment (one listing and a few file operations per
 * segment, nothing per record), and after each {@link #drain()}; the deleting is {@link Wal#deleteSegmentsBefore},
 * the session log's mechanism. A failure to delete is logged once and leaves the segments for the next pass. After
 * the deletion the JSON journal is the only copy of those records: never remove its files.
 */
public final class CdrExport implements Journal.Upstream, AutoCloseable {
    /** How long a query (or the processor's failure path) waits for the export before it gives up. */
    public static final long DEFAULT_AWAIT_MS = 5_000;
    /** Done segments kept beyond what recovery needs ({@code wal.keepExportedSegments}). */
    public static final int DEFAULT_KEEP_EXPORTED_SEGMENTS = 2;
    /** Keeping more than this is keeping everything (a million segments of 64 KiB are 64 GiB). */
    public static final int MAX_KEEP_EXPORTED_SEGMENTS = 1_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(CdrExport.class);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Wal wal;
    private final Journal journal;
    private final long awaitMs;
    private final int keepExportedSegments;
    /** Records after this seq are kept whether exported or not (start-up recovery reads them); see {@link #keepAfter}. */
    private volatile java.util.function.LongSupplier keepAfter = () -> Long.MAX_VALUE;
    private final CdrWalCodec codec = new CdrWalCodec();
    private final CdrRecord record = new CdrRecord();
    private WalReader reader;
    private Thread thread;
    private volatile boolean running;
    private volatile boolean failed;
    private volatile long exportedSeq;
    /** The reader's segment at the last retention pass (-1: none yet); the thread that exports. */
    private long retainedAtSegment = -1;
    // written by the thread that exports, read by /status
    private volatile long segmentsDeleted;
    private volatile int retainedSegments;
    private volatile long retainedBytes;

    public CdrExport(Wal wal, Journal journal) {
        this(wal, journal, DEFAULT_AWAIT_MS);
    }

    /** @param awaitMs bound of {@link #awaitExport()} */
    public CdrExport(Wal wal, Journal journal, long awaitMs) {
        this(wal, journal, awaitMs, DEFAULT_KEEP_EXPORTED_SEGMENTS);
    }

    /**
     * @param awaitMs              bound of {@link #awaitExport()}
     * @param keepExportedSegments segments kept after everything in them is exported, besides the one being written
     * @throws IllegalArgumentException when {@code keepExportedSegments} is negative or above
     *                                  {@link #MAX_KEEP_EXPORTED_SEGMENTS}
     */
    public CdrExport(Wal wal, Journal journal, long awaitMs, int keepExportedSegments) {
        if (keepExportedSegments < 0 || keepExportedSegments > MAX_KEEP_EXPORTED_SEGMENTS) {
            throw new IllegalArgumentException("wal.keepExportedSegments=" + keepExportedSegments
                    + ": must be between 0 and " + MAX_KEEP_EXPORTED_SEGMENTS
                    + " (exported segments of the write-ahead log kept on disk)");
        }
        this.wal = wal;
        this.journal = journal;
        this.awaitMs = awaitMs;
        this.keepExportedSegments = keepExportedSegments;
        this.exportedSeq = journal.writtenSeq();
        this.reader = wal.reader(journal.writtenSeq() + 1);
    }

    /**
     * Exports every published record of the log after the journal's last one, on the calling thread, and ends the
     * journal's batch. Lifecycle thread, exporter's thread not running.
     *
     * @return the number of records exported
     */
    public long drain() {
        long n = 0;
        long got;
        while ((got = exportSome(Integer.MAX_VALUE)) > 0) {
            n += got;
        }
        retain();
        return n;
    }

    /** Starts the exporter's thread (daemon). */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "gyro-cdr-export");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        int idle = 0;
        while (running) {
            long n;
            try {
                n = exportSome(4096);
            } catch (RuntimeException e) {
                failed = true;
                ErrorLog.error(LOG, "CDR export stopped at seq " + exportedSeq + ": the JSON journal is behind the "
                        + "write-ahead log until the next start exports the rest", e);
                return;
            }
            if (n > 0) {
                idle = 0;
                if (reader.segmentFirstSeq() != retainedAtSegment) {
                    retain();
                }
            } else if (++idle < 100) {
                Thread.onSpinWait();
            } else {
                // a quiet log: back off to a millisecond, the CDR files' latency, not the answers'
                LockSupport.parkNanos(Math.min(MAX_PARK_NANOS, 1_000L * (idle - 99)));
            }
        }
    }

    /**
     * Appends up to {@code max} published records to the journal; when it reaches the published end, ends the
     * journal's batch and publishes the export's seq.
     */
    private long exportSome(int max) {
        long n = 0;
        boolean caughtUp = false;
        while (n < max) {
            if (!reader.next()) {
                caughtUp = true;
                break;
            }
            if (reader.kind() == WalRecordKind.CDR) {
                codec.decode(reader.buffer(), reader.payloadOffset(), reader.payloadLength(), reader.timeMs(),
                        reader.layoutVersion(), record);
                journal.append(record, reader.seq());
            }
            n++;
        }
        if (n > 0 || caughtUp) {
            if (n > 0) {
                journal.endOfBatch();
            }
            long seq = reader.seq();
            if (seq > exportedSeq) {
                exportedSeq = seq;
            }
        }
        return n;
    }

    /**
     * A retention pass: deletes the segments whose records are all exported, but the {@code keepExportedSegments}
     * newest of them and the one being written. Only after the journal's batch ended: {@link #exportedSeq} is then
     * durable as the journal's settings say. The thread that exports (tests call it with no thread running).
     */
    void retain() {
        retainedAtSegment = reader.segmentFirstSeq();
        try {
            journal.syncDirectory();
            Wal.Retained r = wal.deleteSegmentsBefore(Math.min(exportedSeq, Math.max(keepAfter.getAsLong(), 0)) + 1,
                    keepExportedSegments);
            segmentsDeleted += r.deleted();
            retainedSegments = r.segments();
            retainedBytes = r.bytes();
        } catch (IOException | RuntimeException e) {
            ErrorLog.error(LOG, "write-ahead log retention: exported segments could not be deleted (kept; tried again "
                    + "at the next segment)", e);
        }
    }

    /**
     * Keeps every record after {@code seq.getAsLong()} in the log, exported or not: the older kept account snapshot's
     * seq, so that a start after a kill rolls the accounts forward from the log (decoded) instead of the JSON journal
     * (parsed, about 15 times slower). A negative value keeps everything.
     */
    public void keepAfter(java.util.function.LongSupplier seq) {
        this.keepAfter = seq;
    }

    /** Segments of the log deleted since this export started (any thread). */
    public long segmentsDeleted() {
        return segmentsDeleted;
    }

    /** Segments of the log on disk at the last retention pass, the one being written included (any thread). */
    public int retainedSegments() {
        return retainedSegments;
    }

    /** Their bytes (file sizes; a segment's file has its full size from its start) at the last pass (any thread). */
    public long retainedBytes() {
        return retainedBytes;
    }

    /** Seq of the last log record whose CDR is in the journal's files (any thread). */
    public long exportedSeq() {
        return exportedSeq;
    }

    /** False once the export stopped on an error. */
    public boolean healthy() {
        return !failed;
    }

    /**
     * Waits until the record {@code seq} of the log is exported (it must be published, or this waits for its
     * publication too). Any thread.
     *
     * @return false when {@code timeoutMs} passed first, or the export stopped on an error
     */
    public boolean awaitExported(long seq, long timeoutMs) {
        if (exportedSeq >= seq) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (exportedSeq < seq) {
            if (failed || System.nanoTime() - deadline > 0) {
                return exportedSeq >= seq;
            }
            LockSupport.parkNanos(50_000);
        }
        return true;
    }

    @Override
    public long lastSeq() {
        return wal.lastSeq();
    }

    /**
     * Publishes what the log's writer appended (ending its batch early: with fsync on, that forces it) and waits
     * for the export of all of it. The log's writer thread only.
     *
     * @throws IllegalStateException when the export does not get there within the bound
     */
    @Override
    public void awaitExport() {
        wal.endOfBatch();
        long seq = wal.lastSeq();
        if (!awaitExported(seq, awaitMs)) {
            throw new IllegalStateException("the CDR export did not reach seq " + seq + " within " + awaitMs
                    + " ms (exported up to " + exportedSeq + (failed ? ", stopped on an error" : "") + ")");
        }
    }

    /**
     * Stops the exporter's thread where it is and exports nothing more, as a kill would leave it; for tests that
     * simulate one. The journal and the log stay open.
     */
    public void halt() {
        stopThread();
        failed = true;
    }

    /** Tells the exporter's thread to stop and waits for it, up to 10 s; returns it (null when none ran). */
    private Thread stopThread() {
        Thread t;
        synchronized (this) {
            t = thread;
            running = false;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return t;
    }

    /**
     * Stops the exporter's thread and exports what the log published since (the log's writer must have stopped
     * and ended its batch). Lifecycle thread.
     */
    @Override
    public void close() {
        Thread t = stopThread();
        if (t != null && t.isAlive()) {
            LOG.error("the CDR export thread did not stop in 10 s; the next start exports what is missing");
            return;
        }
        if (!failed) {
            drain();
        }
        reader.close();
    }
}
