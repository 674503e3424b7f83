package io.gyro.engine.store;

import io.gyro.engine.wal.Wal;
import io.gyro.engine.wal.WalConfig;
import io.gyro.engine.wal.WalPayload;
import io.gyro.engine.wal.WalReader;
import io.gyro.engine.wal.WalRecordKind;
import net.openhft.chronicle.bytes.Bytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What keeps the open sessions across a stop or a kill -9 now that they live in memory (issue "Charging core v2":
 * the charging thread must take no file-writeback stall, and 87 % of those faults were in the mapped session map).
 * Every session write and removal is appended to a write-ahead log of its own ({@code <data>/session-log/}, the same
 * {@link Wal} format as the charging log) as the session's whole after-state; a snapshot of all sessions
 * ({@link SessionSnapshot}) is taken every so often on a thread of its own without stopping the charging thread, and
 * log segments older than the older kept snapshot are deleted. At open: the newest whole snapshot, then the log's
 * session records after it, give the sessions as the last run left them: the state the persisted map used to hold.
 *
 * <pre>
 *   SESSION record payload (kind {@link WalRecordKind#SESSION}, layout 1, little-endian)
 *     0  2  key length k (1..256)
 *     2  k  Session-Id bytes
 *   2+k  .  the session value in {@link SessionMarshaller}'s layout (its size is the rest of the payload)
 *   SESSION_REMOVED payload (kind {@link WalRecordKind#SESSION_REMOVED}, layout 1): key length, key bytes
 * </pre>
 *
 * <p>Threads: {@link #written}, {@link #removed} and {@link #endOfBatch} on the charging thread (the lifecycle thread
 * before it starts); the snapshots on their own thread, reading the concurrent map; {@link #open} and
 * {@link #close} on the lifecycle thread.
 */
public final class SessionLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionLog.class);
    public static final String DIR_NAME = "session-log";
    private static final int LAYOUT = 1;

    private final Path dataDir;
    private final SessionStore store;
    private final Wal wal;
    private final SessionPayload sessionPayload = new SessionPayload();
    private final RemovedPayload removedPayload = new RemovedPayload();
    private ScheduledExecutorService snapshots;
    private volatile long lastSnapshotMs;
    private volatile long snapshotsTaken;
    private volatile long lastSnapshotSessions;
    private boolean closed;
    /** The latest record time logged (record times are informative: replay applies records in seq order). */
    private long lastTimeMs;

    private SessionLog(Path dataDir, SessionStore store, Wal wal) {
        this.dataDir = dataDir;
        this.store = store;
        this.wal = wal;
    }

    /** What {@link #open} found, for the start-up log. */
    public static final class Opened {
        public final SessionLog log;
        public final long snapshotSessions;
        public final long logRecordsApplied;
        public final long millis;

        Opened(SessionLog log, long snapshotSessions, long logRecordsApplied, long millis) {
            this.log = log;
            this.snapshotSessions = snapshotSessions;
            this.logRecordsApplied = logRecordsApplied;
            this.millis = millis;
        }
    }

    /**
     * Fills the empty in-memory {@code store} from the newest snapshot and the log after it, opens the log for
     * appending and attaches it to the store (every later change is logged).
     */
    public static Opened open(Path dataDir, SessionStore store, WalConfig config) throws IOException {
        long startNs = System.nanoTime();
        SessionSnapshot.Loaded loaded = SessionSnapshot.load(dataDir, store);
        Path dir = dataDir.resolve(DIR_NAME);
        Wal wal = Wal.open(dir, config);
        long applied = 0;
        try (WalReader reader = WalReader.stopped(dir, Math.max(loaded.logSeq + 1, 1))) {
            Session session = new Session();
            byte[] value = new byte[SessionMarshaller.MAX_BYTES];
            Bytes<byte[]> valueBytes = Bytes.wrapForRead(value);
            while (reader.next()) {
                ByteBuffer b = reader.buffer();
                int at = reader.payloadOffset();
                int keyLength = b.getShort(at) & 0xFFFF;
                if (keyLength == 0 || keyLength > SessionKey.MAX_BYTES) {
                    throw new IOException("session log record " + reader.seq() + " has a key of " + keyLength
                            + " bytes");
                }
                b.get(at + 2, session.id.bytes, 0, keyLength);
                session.id.length = keyLength;
                if (reader.kind() == WalRecordKind.SESSION) {
                    int size = reader.payloadLength() - 2 - keyLength;
                    if (size < SessionMarshaller.HEADER_BYTES || size > SessionMarshaller.MAX_BYTES) {
                        throw new IOException("session log record " + reader.seq() + " has a value of " + size
                                + " bytes");
                    }
                    b.get(at + 2 + keyLength, value, 0, size);
                    valueBytes.readPositionRemaining(0, size);
                    SessionMarshaller.INSTANCE.read(valueBytes, size, session);
                    store.apply(session);
                } else if (reader.kind() == WalRecordKind.SESSION_REMOVED) {
                    store.applyRemove(session.id);
                } else {
                    throw new IOException("session log record " + reader.seq() + " has kind " + reader.kind());
                }
                applied++;
            }
        } catch (IOException | RuntimeException e) {
            wal.close();
            throw e;
        }
        if (loaded.logSeq > wal.lastSeq()) {
            // the log was cut behind its snapshot (it cannot be, unless files were removed by hand): go on after it
            wal.continueAfter(loaded.logSeq);
        }
        long millis = (System.nanoTime() - startNs) / 1_000_000;
        SessionLog log = new SessionLog(dataDir, store, wal);
        store.attach(log);
        return new Opened(log, loaded.sessions, applied, millis);
    }

    /** Logs a session's after-state (charging thread), at the session's last activity. */
    void written(Session session) {
        lastTimeMs = Math.max(lastTimeMs, session.lastActivityMs());
        wal.append(session.lastActivityMs(), sessionPayload.wrap(session));
    }

    /** Logs a session's removal (charging thread), at the latest time the log has seen. */
    void removed(SessionKey id) {
        wal.append(lastTimeMs, removedPayload.wrap(id));
    }

    /** The end of a charging batch: forces (when configured) and publishes what it logged. */
    void endOfBatch() {
        wal.endOfBatch();
    }

    /** Takes a snapshot every {@code intervalMs} on a daemon thread of its own. */
    public synchronized void startSnapshots(long intervalMs) {
        if (snapshots != null || closed) {
            return;
        }
        snapshots = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gyro-session-snapshots");
            t.setDaemon(true);
            return t;
        });
        snapshots.scheduleWithFixedDelay(() -> {
            try {
                snapshot(wal.publishedSeq(), false, true);
            } catch (IOException | RuntimeException e) {
                LOG.warn("session snapshot failed (the log keeps everything until the next one): {}", e.toString());
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** A snapshot at the log's end, now, on the caller's thread (no charging thread may be writing). */
    void snapshotNow() throws IOException {
        wal.endOfBatch();
        snapshot(wal.lastSeq(), true);
    }

    /**
     * Writes a snapshot starting from {@code logSeq} (every session change after it is in the log), then deletes the
     * log segments only records before the older kept snapshot are in.
     */
    private void snapshot(long logSeq) throws IOException {
        snapshot(logSeq, false, false);
    }

    private void snapshot(long logSeq, boolean always) throws IOException {
        snapshot(logSeq, always, false);
    }

    /**
     * @param always also when nothing was logged since the newest snapshot (the store was changed unlogged)
     * @param paced  beside a running charging thread: paced so as not to starve it ({@link SessionSnapshot#write})
     */
    private void snapshot(long logSeq, boolean always, boolean paced) throws IOException {
        if (!always && logSeq == SessionSnapshot.newestSeq(dataDir)) {
            return;   // nothing logged since the newest snapshot: it is this one (a read-only run leaves no trace)
        }
        long startNs = System.nanoTime();
        Path file = SessionSnapshot.write(dataDir, store, logSeq, System.currentTimeMillis(), paced);
        long olderSnapshotSeq = SessionSnapshot.oldestKeptSeq(dataDir);
        wal.deleteSegmentsBefore(olderSnapshotSeq + 1, 0);
        lastSnapshotMs = (System.nanoTime() - startNs) / 1_000_000;
        lastSnapshotSessions = store.count() + store.endedCount();
        snapshotsTaken++;
        LOG.info("session snapshot at log seq {}: {} sessions, {} KiB, {} ms", logSeq, lastSnapshotSessions,
                Files.size(file) / 1024, lastSnapshotMs);
    }

    public long lastSeq() {
        return wal.lastSeq();
    }

    public long snapshotsTaken() {
        return snapshotsTaken;
    }

    public long lastSnapshotMillis() {
        return lastSnapshotMs;
    }

    public long lastSnapshotSessions() {
        return lastSnapshotSessions;
    }

    /**
     * Stops the snapshots and, the charging thread being stopped, takes a last one at the log's end (the next start
     * then reads no log), and closes the log.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (snapshots != null) {
            snapshots.shutdown();
            try {
                snapshots.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            wal.endOfBatch();
            snapshot(wal.lastSeq());
        } finally {
            wal.close();
        }
    }

    /** Closes the log without a snapshot (a start that failed; or a test simulating a kill). */
    synchronized void closeWithoutSnapshot() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (snapshots != null) {
            snapshots.shutdownNow();
            try {
                snapshots.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        wal.close();
    }

    /** Whether no snapshot thread can still be reading the store (none was started, or it has ended). */
    boolean snapshotsStopped() {
        return snapshots == null || snapshots.isTerminated();
    }

    /** SESSION payload over a session (a flyweight: wrapped before each append). */
    private static final class SessionPayload implements WalPayload {
        private final byte[] value = new byte[SessionMarshaller.MAX_BYTES];
        private final Bytes<byte[]> valueBytes = Bytes.wrapForWrite(value);
        private Session session;
        private int size;

        SessionPayload wrap(Session s) {
            this.session = s;
            this.size = (int) SessionMarshaller.INSTANCE.size(s);
            SessionMarshaller.INSTANCE.writeInPlace(valueBytes, 0, s);
            return this;
        }

        @Override
        public int kind() {
            return WalRecordKind.SESSION;
        }

        @Override
        public int layoutVersion() {
            return LAYOUT;
        }

        @Override
        public int length() {
            return 2 + session.id.length + size;
        }

        @Override
        public void write(ByteBuffer dst, int offset) {
            dst.order(ByteOrder.LITTLE_ENDIAN).putShort(offset, (short) session.id.length);
            dst.put(offset + 2, session.id.bytes, 0, session.id.length);
            dst.put(offset + 2 + session.id.length, value, 0, size);
        }
    }

    /** SESSION_REMOVED payload over a key. */
    private static final class RemovedPayload implements WalPayload {
        private SessionKey id;

        RemovedPayload wrap(SessionKey id) {
            this.id = id;
            return this;
        }

        @Override
        public int kind() {
            return WalRecordKind.SESSION_REMOVED;
        }

        @Override
        public int layoutVersion() {
            return LAYOUT;
        }

        @Override
        public int length() {
            return 2 + id.length;
        }

        @Override
        public void write(ByteBuffer dst, int offset) {
            dst.order(ByteOrder.LITTLE_ENDIAN).putShort(offset, (short) id.length);
            dst.put(offset + 2, id.bytes, 0, id.length);
        }
    }
}
