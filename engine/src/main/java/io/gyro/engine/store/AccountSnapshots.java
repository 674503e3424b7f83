package io.gyro.engine.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * When account snapshots ({@link AccountSnapshot}) are taken: every so often on a thread of its own while the engine
 * runs, and once more at close when anything was written since the last one, so that a clean start reads no journal
 * tail. The accounts live in memory only ({@link AccountStore}): the newest snapshot and the journal after it are what
 * a start (after a clean stop or a kill -9 alike) rebuilds them from.
 *
 * <p>The periodic snapshot is paced: after each map segment the writer pauses {@value #PAUSE_FACTOR} times as long as
 * the segment took (at most 20 ms), so that it takes at most about a fifth of a core and holds a segment's lock for
 * one segment's walk only.
 *
 * <p>Threads: {@link #start} and {@link #close} on the lifecycle thread; the snapshots on their own thread.
 */
public final class AccountSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(AccountSnapshots.class);
    private static final long PAUSE_FACTOR = 4;
    private static final long MAX_PAUSE_NS = 20_000_000L;
    /** How long a snapshot waits for the journal to hold the newest record it saw before it is given up. */
    private static final long PUBLISH_WAIT_NS = 5_000_000_000L;

    private final Path dataDir;
    private final AccountStore store;
    private ScheduledExecutorService thread;
    private LongSupplier appliedSeq;
    private LongSupplier journaledSeq;
    private volatile BooleanSupplier recoveryDue = () -> false;
    private volatile long newestSeq;
    /** The seq of the older of the two kept snapshots (the one a start falls back to), -1 when none. */
    private volatile long oldestKeptSeq;
    private volatile long taken;
    private volatile long lastMillis;
    private volatile long lastAccounts;
    /** {@link AccountStore#writeCount()} when the newest snapshot's walk began (or at load). */
    private volatile long writesAtNewest;
    private volatile long everyRecords = Long.MAX_VALUE;
    private boolean closed;

    AccountSnapshots(Path dataDir, AccountStore store, long loadedSeq) {
        this.dataDir = dataDir;
        this.store = store;
        this.newestSeq = loadedSeq;
        this.oldestKeptSeq = AccountSnapshot.oldestKeptSeq(dataDir);
        this.writesAtNewest = store.writeCount();
    }

    private boolean changedSinceNewest(long seq) {
        return seq != newestSeq || store.writeCount() != writesAtNewest;
    }

    /**
     * Takes a snapshot every {@code intervalMs} (and every {@link #everyRecords} records) on a daemon thread of its own.
     *
     * @param appliedSeq   the seq up to which every record is applied to the accounts (the charging thread's batch
     *                     end; any thread may read it)
     * @param journaledSeq the seq up to which records are in the journal (published by the log at batch end; as
     *                     durable as the journal's fsync setting makes it)
     * @param recoveryDue  true once a request failed half way in this run (the journal checkpoint is held): what it
     *                     left may be a write no record carries (a reservation without its session), which no snapshot
     *                     seq can point the next start at, so the stores are then closed without the clean-shutdown
     *                     marker and the next start recovers as after a kill (reservations recomputed from the
     *                     sessions)
     */
    public synchronized void start(long intervalMs, LongSupplier appliedSeq, LongSupplier journaledSeq,
                                   BooleanSupplier recoveryDue) {
        if (thread != null || closed) {
            return;
        }
        this.appliedSeq = appliedSeq;
        this.journaledSeq = journaledSeq;
        this.recoveryDue = recoveryDue;
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gyro-account-snapshots");
            t.setDaemon(true);
            return t;
        });
        long checkMs = Math.min(intervalMs, 1000);
        long[] lastNs = {System.nanoTime()};
        thread.scheduleWithFixedDelay(() -> {
            try {
                long seq = appliedSeq.getAsLong();
                boolean due = System.nanoTime() - lastNs[0] >= intervalMs * 1_000_000L
                        || seq - Math.max(newestSeq, 0) >= everyRecords;
                if (due && changedSinceNewest(seq)) {
                    lastNs[0] = System.nanoTime();
                    take(seq, true);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("account snapshot failed (the journal keeps everything after the last one): {}", e.toString());
            }
        }, checkMs, checkMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Also takes a snapshot once {@code records} journal records were applied since the newest (call before
     * {@link #start}): what a start after a kill re-reads from the journal is then about that many records, whatever
     * the rate (at 33,000 requests/s, 60 s of them took 17 s to roll forward from the JSON journal at 10 million
     * accounts).
     */
    public synchronized void everyRecords(long records) {
        if (records < 1) {
            throw new IllegalArgumentException("records must be positive: " + records);
        }
        this.everyRecords = records;
    }

    /** Whether this run asked the next start to recover as after a kill (see {@link #start}); any thread. */
    boolean recoveryDue() {
        return recoveryDue.getAsBoolean();
    }

    /**
     * The journal seq of the older of the two kept snapshots, the one a start falls back to when the newest is damaged:
     * the write-ahead log keeps every record after it. -1 when there is none.
     */
    public long oldestKeptSeq() {
        return oldestKeptSeq;
    }

    /** The journal seq of the newest snapshot written or loaded (-1 when there is none). */
    public long newestSeq() {
        return newestSeq;
    }

    public long taken() {
        return taken;
    }

    /** Wall time of the last snapshot, ms. */
    public long lastMillis() {
        return lastMillis;
    }

    public long lastAccounts() {
        return lastAccounts;
    }

    /**
     * A snapshot now, on the caller's thread, starting from {@code seq} (every record up to it applied; no charging
     * thread may be writing, or it must be the seq its batch end published).
     */
    public synchronized void takeNow(long seq) throws IOException {
        take(seq, false);
    }

    private void take(long seq, boolean paced) throws IOException {
        long startNs = System.nanoTime();
        long writes = store.writeCount();
        long[] segmentStartNs = {System.nanoTime()};
        Runnable between = !paced ? () -> { } : () -> {
            long spentNs = System.nanoTime() - segmentStartNs[0];
            LockSupport.parkNanos(Math.min(PAUSE_FACTOR * spentNs, MAX_PAUSE_NS));
            segmentStartNs[0] = System.nanoTime();
        };
        AccountSnapshot.Written w = AccountSnapshot.write(dataDir, store, seq, System.currentTimeMillis(), between,
                maxSeen -> awaitJournal(maxSeen, paced));
        newestSeq = seq;
        oldestKeptSeq = AccountSnapshot.oldestKeptSeq(dataDir);
        writesAtNewest = writes;
        taken++;
        lastAccounts = w.accounts();
        lastMillis = (System.nanoTime() - startNs) / 1_000_000;
    }

    /**
     * A snapshot must never be ahead of the journal: an account the walk caught after a record of a batch not yet
     * published waits for that batch's end (or the snapshot is given up). Not needed when the charging thread is
     * stopped (every record it applied is published).
     */
    private void awaitJournal(long maxSeen, boolean paced) {
        if (journaledSeq == null || !paced) {
            return;
        }
        long deadline = System.nanoTime() + PUBLISH_WAIT_NS;
        while (journaledSeq.getAsLong() < maxSeen) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the journal did not reach seq " + maxSeen
                        + " (an account written during the walk) within 5 s; snapshot given up");
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    /**
     * Stops the periodic snapshots, then takes a last one when anything changed since the newest: at the seq the
     * charging thread applied last when the engine ran it (the charging thread has stopped), else at the newest
     * snapshot's own seq (offline writers such as the bulk loader: rolling forward from there is idempotent).
     */
    synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        stopThread();
        long seq = appliedSeq != null ? appliedSeq.getAsLong() : Math.max(newestSeq, 0);
        if (changedSinceNewest(seq)) {
            take(seq, false);
        }
    }

    /** Stops the periodic snapshots without a last one (a start that failed, a simulated crash in tests). */
    synchronized void closeWithoutSnapshot() {
        closed = true;
        stopThread();
    }

    private void stopThread() {
        if (thread == null) {
            return;
        }
        thread.shutdown();
        try {
            if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("account snapshot thread still running after 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
