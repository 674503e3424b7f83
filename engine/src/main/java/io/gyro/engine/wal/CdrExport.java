package io.gyro.engine.wal;

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
 */
public final class CdrExport implements Journal.Upstream, AutoCloseable {
    /** How long a query (or the processor's failure path) waits for the export before it gives up. */
    public static final long DEFAULT_AWAIT_MS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(CdrExport.class);
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Wal wal;
    private final Journal journal;
    private final long awaitMs;
    private final CdrWalCodec codec = new CdrWalCodec();
    private final CdrRecord record = new CdrRecord();
    private WalReader reader;
    private Thread thread;
    private volatile boolean running;
    private volatile boolean failed;
    private volatile long exportedSeq;

    public CdrExport(Wal wal, Journal journal) {
        this(wal, journal, DEFAULT_AWAIT_MS);
    }

    /** @param awaitMs bound of {@link #awaitExport()} */
    public CdrExport(Wal wal, Journal journal, long awaitMs) {
        this.wal = wal;
        this.journal = journal;
        this.awaitMs = awaitMs;
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
