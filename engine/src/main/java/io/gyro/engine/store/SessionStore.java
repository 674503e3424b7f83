package io.gyro.engine.store;

import java.util.function.Consumer;

import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.engine.status.EngineCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * Gy sessions by Session-Id, in two {@link SessionTable}s on the charging thread (no file behind them, so the
 * charging thread never takes the write-protect faults of a mapped file's writeback, and no Chronicle Map machinery
 * per request: a hash, a short chain, the session's own bytes). Every write and removal is also appended to the
 * {@link SessionLog}, whose snapshots and records give the sessions back after a stop or a kill -9, so that a restart
 * continues them and a retransmission is answered from the stored answer (RFC 4006 §7). Called by the charging
 * processor thread only (and by start-up recovery before it runs); the snapshot thread reads through
 * {@link #forEachBySegment}. {@link #read(Session)}, {@link #write(Session)} and {@link #remove(SessionKey)} allocate
 * nothing: the key is the session's own {@link SessionKey}, filled from the AVP bytes.
 *
 * <ul>
 *   <li>Live sessions: running ones, with their reservation slots. {@link #count()} counts
 *       these only, and only these are bounded by {@code stores.maxSessions}.</li>
 *   <li>Ended sessions: after their CCR-T or CCR-EVENT they are kept for the grace
 *       period only so that a retransmission of that last request gets its stored answer. They keep only that
 *       ({@link EndedSessionMarshaller}: ids, request number and type, expiry, answer bytes). Their table has its own
 *       capacity ({@code stores.maxEndedSessions}); when it is full the oldest ended session is dropped
 *       ({@link EngineCounters#ENDED_SESSIONS_DROPPED}), so an ended session never costs a new one its place.</li>
 * </ul>
 *
 * <p>{@link #write(Session)} of a session whose last request was a TERMINATION or an EVENT, with no slot open,
 * moves it: out of the live table, into the ended one, and the log records the session once (replaying the record
 * moves it the same way). Both in both tables would let a stale live copy with its reservations shadow the ended
 * one. Ended sessions dropped for room are not logged: a restart may bring some back until the table is full again.
 */
public final class SessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(SessionStore.class);
    /** The persisted live map of the versions before the session log: read once at open, then deleted. */
    static final String FILE_NAME = "sessions.cm3";
    /** Sessions the snapshot thread reads between two pauses. */
    private static final int SNAPSHOT_STRIDE = 1024;

    private final SessionTable live;
    private final SessionTable ended;
    private final long maxEnded;
    /** Null until {@link #attach}: while the log itself is being replayed, nothing is logged again. */
    private SessionLog log;
    private final SessionKey scratchKey = new SessionKey();

    /**
     * @param maxLive  live sessions the engine admits ({@code stores.maxSessions}); the table takes a quarter more,
     *                 so that a restart with a lower setting still loads what the last run held
     * @param maxEnded ended sessions kept ({@code stores.maxEndedSessions})
     */
    SessionStore(long maxLive, long maxEnded) {
        if (maxEnded < 1 || maxLive < 1) {
            throw new IllegalArgumentException("maxLive=" + maxLive + " and maxEnded=" + maxEnded
                    + " must be at least 1");
        }
        if (maxLive > Integer.MAX_VALUE / 2 || maxEnded > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("maxLive=" + maxLive + " and maxEnded=" + maxEnded
                    + " must be at most " + Integer.MAX_VALUE / 2);
        }
        this.live = new SessionTable("the live session table", (int) (maxLive + maxLive / 4 + 16),
                SessionMarshaller.INSTANCE, SessionMarshaller.INSTANCE);
        this.ended = new SessionTable("the ended session table", (int) maxEnded,
                EndedSessionMarshaller.INSTANCE, EndedSessionMarshaller.INSTANCE);
        this.maxEnded = maxEnded;
    }

    /** The persisted live map of versions before the session log ({@value #FILE_NAME}), opened once to move it. */
    static ChronicleMapBuilder<SessionKey, Session> legacyBuilder(long entries) {
        return ChronicleMapBuilder.of(SessionKey.class, Session.class)
                .name("sessions")
                .entries(entries)
                .keyMarshallers(SessionKey.Marshaller.INSTANCE, SessionKey.Marshaller.INSTANCE)
                .averageKeySize(48)
                .valueMarshallers(SessionMarshaller.INSTANCE, SessionMarshaller.INSTANCE)
                .averageValueSize(SessionMarshaller.HEADER_BYTES + 2 * SessionMarshaller.SLOT_BYTES + 400)
                .maxChunksPerEntry(128)
                .putReturnsNull(true)
                .removeReturnsNull(true);
    }

    /**
     * Reads the session whose id is {@code into.id()}: a live one, else an ended one (with no slots).
     *
     * @return false when there is none ({@code into} keeps its id, other fields untouched)
     */
    public boolean read(Session into) {
        return live.read(into.id, into) || ended.read(into.id, into);
    }

    /**
     * Reads a session by an id given as characters (encoded into a reused key; no String made).
     *
     * @return false when there is none or the id is longer than {@value SessionKey#MAX_BYTES} bytes
     */
    public boolean read(CharSequence sessionId, Session into) {
        if (!into.id.set(sessionId)) {
            return false;
        }
        return read(into);
    }

    /**
     * Creates or replaces the session under {@code session.id()} (in its block when the block's size class still fits). An
     * ended session (last request TERMINATION or EVENT, no slot open) moves to the ended map; see the class doc.
     */
    public void write(Session session) {
        if (session.id.length == 0) {
            throw new IllegalArgumentException("session id not set");
        }
        apply(session);
        if (log != null) {
            log.written(session);
        }
    }

    /** Starts logging every change (after the snapshot and the log were read back through {@link #apply}). */
    void attach(SessionLog log) {
        this.log = log;
    }

    /** Puts a session where it belongs (live or ended) without logging it: a write, or a snapshot or log replayed. */
    void apply(Session session) {
        if (isEnded(session)) {
            writeEnded(session);
            return;
        }
        if (live.write(session.id, session)) {
            // A Session-Id names one session (RFC 6733 §8.8): an ended one of the same id is gone for good.
            ended.remove(session.id);
        }
    }

    /**
     * Ended: RFC 4006 §8.3, nothing follows a TERMINATION_REQUEST or an EVENT_REQUEST but its retransmission. A
     * session that still holds a slot (the processor releases them all first) stays live, so no reservation is lost.
     */
    private static boolean isEnded(Session s) {
        return (s.lastRequestType == Enumerations.TERMINATION_REQUEST
                || s.lastRequestType == Enumerations.EVENT_REQUEST) && s.slotCount == 0;
    }

    private void writeEnded(Session session) {
        live.remove(session.id);
        if (ended.count() >= maxEnded && !ended.contains(session.id)) {
            // the oldest ended session is the one whose retransmission is least likely
            ended.removeOldest(scratchKey);
            counters.increment(EngineCounters.ENDED_SESSIONS_DROPPED);
        }
        ended.write(session.id, session);
    }

    /** Removes the session from whichever map holds it (the log records it either way: replaying it is harmless). */
    public void remove(SessionKey id) {
        applyRemove(id);
        if (log != null) {
            log.removed(id);
        }
    }

    /** Removes without logging (a removal replayed). */
    void applyRemove(SessionKey id) {
        if (!live.remove(id)) {
            ended.remove(id);
        }
    }

    /** Removes by an id given as characters. */
    public void remove(CharSequence sessionId) {
        if (scratchKey.set(sessionId)) {
            remove(scratchKey);
        }
    }

    public boolean exists(SessionKey id) {
        return live.contains(id) || ended.contains(id);
    }

    /** Live sessions (running, with their reservations): what {@code stores.maxSessions} bounds. Constant time. */
    public long count() {
        return live.count();
    }

    /** Ended sessions kept for retransmissions; at most {@link #maxEnded()}. Constant time. */
    public long endedCount() {
        return ended.count();
    }

    /** Capacity of the ended sessions' map: beyond it the oldest are dropped. */
    public long maxEnded() {
        return maxEnded;
    }

    /**
     * Visits every session, live ones first (oldest first), then ended ones (no slots), with a reused value (its id
     * set). The visitor must not write to this store. For start-up recovery, the audit and the sweeper's first
     * filing, on the charging thread or before it runs; not the hot path.
     */
    public void forEach(Consumer<Session> visitor) {
        Session reused = new Session();
        live.forEach(reused, visitor);
        ended.forEach(reused, visitor);
    }

    private io.gyro.engine.status.Counters counters = new io.gyro.engine.status.Counters();

    /** Counts into the engine's counters from now on (ENDED_SESSIONS_DROPPED). */
    public void countInto(io.gyro.engine.status.Counters counters) {
        this.counters = counters;
    }

    /** The counters this store counts into. */
    public io.gyro.engine.status.Counters counters() {
        return counters;
    }

    /**
     * Visits the live sessions only (those that can hold a reservation), as {@link #forEach} does them: start-up
     * recovery's recount of reservations, which need not decode the hundreds of thousands of ended ones.
     */
    public void forEachLive(Consumer<Session> visitor) {
        live.forEach(new Session(), visitor);
    }

    /**
     * Visits every session as {@link #forEach} does, from the snapshot thread while the charging thread goes on
     * writing (what it sees: {@link SessionTable#forEachConcurrent}), and runs {@code between} after each
     * {@value #SNAPSHOT_STRIDE} sessions: the snapshot thread pauses there, so that it never takes much of the CPU the
     * charging thread needs.
     */
    void forEachBySegment(Consumer<Session> visitor, Runnable between) {
        Session reused = new Session();
        live.forEachConcurrent(reused, visitor, SNAPSHOT_STRIDE, between);
        between.run();
        ended.forEachConcurrent(reused, visitor, SNAPSHOT_STRIDE, between);
        between.run();
    }

    /** Memory the two tables' blocks take, in bytes (for /status). */
    public long tableBytes() {
        return live.slabBytes() + ended.slabBytes();
    }

    /** Empties both tables (a snapshot that turned out damaged half way through its load). */
    void clear() {
        live.clear();
        ended.clear();
    }

    /** The end of a charging batch: what the batch logged is forced (when configured) and published. */
    public void endOfBatch() {
        if (log != null) {
            log.endOfBatch();
        }
    }

    /** The session log (snapshots, its position). */
    public SessionLog log() {
        return log;
    }

    void close() throws java.io.IOException {
        try {
            if (log != null) {
                log.close();
            }
        } finally {
            release();
        }
    }

    /** Closes like a kill -9 would leave it: no last snapshot (tests, a failed start). */
    void closeWithoutSnapshot() throws java.io.IOException {
        try {
            if (log != null) {
                log.closeWithoutSnapshot();
            }
        } finally {
            release();
        }
    }

    /**
     * Gives the tables' memory back, once no snapshot thread can be reading them; while one might be (it did not end
     * within its close's wait), the memory is left to the process's end: a read of freed native memory could crash the
     * JVM, a leak at shutdown cannot.
     */
    private void release() {
        if (log != null && !log.snapshotsStopped()) {
            LOG.warn("session tables not freed: the session snapshot thread has not ended");
            return;
        }
        live.release();
        ended.release();
    }
}
