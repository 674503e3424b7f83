package io.gyro.engine.store;

import java.util.function.Consumer;

import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.engine.status.EngineCounters;
import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gy sessions by Session-Id, in two in-memory (off-heap) Chronicle Maps: no file behind them, so the charging thread
 * never takes the write-protect faults of a mapped file's writeback. Every write and removal is also appended to the
 * {@link SessionLog}, whose snapshots and records give the sessions back after a stop or a kill -9, so that a restart
 * continues them and a retransmission is answered from the stored answer (RFC 4006 §7). Called by the charging
 * processor thread only (and by start-up recovery before it runs). {@link #read(Session)}, {@link #write(Session)} and
 * {@link #remove(SessionKey)} allocate nothing: the key is the session's own {@link SessionKey}, filled from the
 * AVP bytes.
 *
 * <ul>
 *   <li>Live sessions: running ones, with their reservation slots. {@link #count()} counts
 *       these only, and only these are bounded by {@code stores.maxSessions}.</li>
 *   <li>Ended sessions: after their CCR-T or CCR-EVENT they are kept for the grace
 *       period only so that a retransmission of that last request gets its stored answer. They keep only that
 *       ({@link EndedSessionMarshaller}: ids, request number and type, expiry, answer bytes). Their map has its own
 *       capacity ({@code stores.maxEndedSessions}); when it is full the oldest ended sessions are dropped
 *       ({@link EngineCounters#ENDED_SESSIONS_DROPPED}), so an ended session never costs a new one its place.</li>
 * </ul>
 *
 * <p>{@link #write(Session)} of a session whose last request was a TERMINATION or an EVENT, with no slot open,
 * moves it: out of the live map, into the ended one, and the log records the session once (replaying the record
 * moves it the same way). Both in both maps would let a stale live copy with its reservations shadow the ended one.
 * Ended sessions dropped for room are not logged: a restart may bring some back until the map is full again.
 */
public final class SessionStore {
    /** The persisted live map of the versions before the session log: read once at open, then deleted. */
    static final String FILE_NAME = "sessions.cm3";
    private static final long ENTRIES_PER_ENDED_SEGMENT = 512;
    /** Each time the drop cutoff must rise, it takes this fraction of what is left up to the newest expiry. */
    private static final int CUTOFF_STEPS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(SessionStore.class);

    private final ChronicleMap<SessionKey, Session> live;
    private final ChronicleMap<SessionKey, Session> ended;
    private final long maxEnded;
    /** Null until {@link #attach}: while the log itself is being replayed, nothing is logged again. */
    private SessionLog log;
    private final SessionKey scratchKey = new SessionKey();
    /** Entries of each map, counted at open ({@code longSize}) and kept by every insert and remove here. */
    private long liveCount;
    private long endedCount;

    /*
     * Dropping the oldest ended sessions when their map is full (dropOldest): ended sessions expiring at or before
     * dropCutoffMs go first; the cutoff only rises, from the oldest expiry found towards the newest one written.
     */
    private long dropCutoffMs = Long.MIN_VALUE;
    private long newestEndedExpiryMs = Long.MIN_VALUE;
    /** The ended map's segment the next drop looks at (round robin). */
    private int dropSegment;
    private int scanDropped;
    private int scanKept;
    private long scanKeptMinExpiryMs;
    private final Consumer<MapEntry<SessionKey, Session>> dropBeforeCutoff = this::dropIfBeforeCutoff;

    SessionStore(ChronicleMap<SessionKey, Session> live, ChronicleMap<SessionKey, Session> ended, long maxEnded) {
        if (maxEnded < 1) {
            throw new IllegalArgumentException("maxEnded=" + maxEnded + " must be at least 1");
        }
        this.live = live;
        this.ended = ended;
        this.maxEnded = maxEnded;
        this.liveCount = live.longSize();
        this.endedCount = ended.longSize();
    }

    static ChronicleMapBuilder<SessionKey, Session> builder(long entries) {
        return ChronicleMapBuilder.of(SessionKey.class, Session.class)
                .name("sessions")
                .entries(entries)
                .keyMarshallers(SessionKey.Marshaller.INSTANCE, SessionKey.Marshaller.INSTANCE)
                // "pgw1.operator.example;1700000000;123456;7" and the like
                .averageKeySize(48)
                .valueMarshallers(SessionMarshaller.INSTANCE, SessionMarshaller.INSTANCE)
                // typical: 2 slots and a ~400-byte answer; the largest value (~5 KB) takes ~82 chunks
                .averageValueSize(SessionMarshaller.HEADER_BYTES + 2 * SessionMarshaller.SLOT_BYTES + 400)
                .maxChunksPerEntry(128)
                .putReturnsNull(true)
                .removeReturnsNull(true);
    }

    /**
     * The ended sessions' map for {@code entries} of them. {@link #write} keeps the count at {@code entries}; the
     * bloat factor lets a segment that receives more than its share grow a tier instead of failing.
     */
    static ChronicleMapBuilder<SessionKey, Session> endedBuilder(long entries) {
        return ChronicleMapBuilder.of(SessionKey.class, Session.class)
                .name("ended-sessions")
                .entries(entries)
                // small segments (at most ~512 entries): a drop of the oldest looks at one at a time (dropOldest)
                .minSegments((int) Math.min(1 << 16, Math.max(1, entries / ENTRIES_PER_ENDED_SEGMENT)))
                .keyMarshallers(SessionKey.Marshaller.INSTANCE, SessionKey.Marshaller.INSTANCE)
                .averageKeySize(48)
                .valueMarshallers(EndedSessionMarshaller.INSTANCE, EndedSessionMarshaller.INSTANCE)
                // a CCA-T is ~200 bytes, a CCA-EVENT with its MSCC ~300; the largest value is 4,164 bytes
                .averageValueSize(EndedSessionMarshaller.HEADER_BYTES + 250)
                .maxChunksPerEntry(256)
                .maxBloatFactor(2.0)
                .putReturnsNull(true)
                .removeReturnsNull(true);
    }

    /**
     * Reads the session whose id is {@code into.id()}: a live one, else an ended one (with no slots).
     *
     * @return false when there is none ({@code into} keeps its id, other fields untouched)
     */
    public boolean read(Session into) {
        return live.getUsing(into.id, into) != null || ended.getUsing(into.id, into) != null;
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
     * Creates or replaces the session under {@code session.id()} (in place when its stored size is unchanged). An
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
        if (InPlaceWrites.write(live, session.id, session, SessionMarshaller.INSTANCE, false)) {
            liveCount++;
            // A Session-Id names one session (RFC 6733 §8.8): an ended one of the same id is gone for good.
            if (InPlaceWrites.remove(ended, session.id)) {
                endedCount--;
            }
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
        if (InPlaceWrites.remove(live, session.id)) {
            liveCount--;
        }
        newestEndedExpiryMs = Math.max(newestEndedExpiryMs, session.expiresAtMs);
        if (endedCount >= maxEnded && !ended.containsKey(session.id)) {
            dropOldest();
        }
        try {
            if (InPlaceWrites.write(ended, session.id, session, EndedSessionMarshaller.INSTANCE, false)) {
                endedCount++;
            }
        } catch (IllegalStateException segmentFull) {
            // Chronicle could not place it (a segment past its tiers): the session is not kept, and a
            // retransmission of its last request gets 5002 DIAMETER_UNKNOWN_SESSION_ID. Never an exception here.
            EngineCounters.ENDED_SESSIONS_DROPPED.increment();
            io.gyro.engine.status.ErrorLog.error(LOG, "ended session not kept: the ended-session map is full",
                    segmentFull);
        }
    }

    /**
     * Makes room in the full ended map by dropping its oldest entries (those whose retransmission is least likely):
     * looks at the next segment (round robin) and drops every entry that expires at or before {@link #dropCutoffMs};
     * when none does, the cutoff rises by 1/{@value #CUTOFF_STEPS} of the way from that segment's oldest entry to
     * the newest ended session, and the segment is looked at again. Session-Ids hash evenly over the segments, so a
     * segment's oldest entry is close to the map's, and the cutoff climbs from the oldest expiries up: what is
     * dropped comes from the oldest 1/{@value #CUTOFF_STEPS} of the time span the map holds, a segment at a time
     * (a few hundred entries, of which about 1/{@value #CUTOFF_STEPS} go). Stops at the first drop: at most two looks
     * at one non-empty segment, and at most one look at each empty one. Measured at the default 1.2M capacity (4,096
     * segments) writing 300,000 past full on a loaded 2-core box: about one drop per 75 ended sessions, 98% of the
     * oldest 300,000 dropped, the newest all kept.
     */
    private void dropOldest() {
        int segments = ended.segments();
        for (int tried = 0; tried < segments && endedCount >= maxEnded; tried++) {
            int segment = dropSegment;
            dropSegment = (segment + 1) % segments;
            try (MapSegmentContext<SessionKey, Session, ?> c = ended.segmentContext(segment)) {
                scanSegment(c);
                if (scanDropped == 0 && scanKept > 0) {
                    long from = scanKeptMinExpiryMs;
                    long step = newestEndedExpiryMs > from ? (newestEndedExpiryMs - from) / CUTOFF_STEPS : 0;
                    dropCutoffMs = Math.max(dropCutoffMs, from + step);
                    scanSegment(c);
                }
            }
        }
    }

    private void scanSegment(MapSegmentContext<SessionKey, Session, ?> c) {
        scanDropped = 0;
        scanKept = 0;
        scanKeptMinExpiryMs = Long.MAX_VALUE;
        c.forEachSegmentEntry(dropBeforeCutoff);
    }

    private void dropIfBeforeCutoff(MapEntry<SessionKey, Session> e) {
        long expiresAtMs = expiresAtMs(e);
        if (expiresAtMs <= dropCutoffMs) {
            e.doRemove();
            endedCount--;
            scanDropped++;
            EngineCounters.ENDED_SESSIONS_DROPPED.increment();
        } else {
            scanKept++;
            scanKeptMinExpiryMs = Math.min(scanKeptMinExpiryMs, expiresAtMs);
        }
    }

    private static long expiresAtMs(MapEntry<SessionKey, Session> e) {
        Data<Session> v = e.value();
        return v.bytes().readLong(v.offset() + EndedSessionMarshaller.EXPIRES_AT_OFFSET);
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
        if (InPlaceWrites.remove(live, id)) {
            liveCount--;
        }
        if (InPlaceWrites.remove(ended, id)) {
            endedCount--;
        }
    }

    /** Removes by an id given as characters. */
    public void remove(CharSequence sessionId) {
        if (scratchKey.set(sessionId)) {
            remove(scratchKey);
        }
    }

    public boolean exists(SessionKey id) {
        return live.containsKey(id) || ended.containsKey(id);
    }

    /** Live sessions (running, with their reservations): what {@code stores.maxSessions} bounds. Constant time. */
    public long count() {
        return liveCount;
    }

    /** Ended sessions kept for retransmissions; at most {@link #maxEnded()}. Constant time. */
    public long endedCount() {
        return endedCount;
    }

    /** Capacity of the ended sessions' map: beyond it the oldest are dropped. */
    public long maxEnded() {
        return maxEnded;
    }

    /**
     * Visits every session, live ones first, then ended ones (no slots), with a reused value (its id set). The
     * visitor must not write to this store. For start-up recovery, the audit and the processor's expiry wheel, not
     * the hot path.
     */
    public void forEach(Consumer<Session> visitor) {
        Session reused = new Session();
        live.forEachEntry(e -> {
            e.key().getUsing(reused.id);
            e.value().getUsing(reused);
            visitor.accept(reused);
        });
        ended.forEachEntry(e -> {
            e.key().getUsing(reused.id);
            e.value().getUsing(reused);
            visitor.accept(reused);
        });
    }

    /**
     * Visits every session as {@link #forEach} does, one map segment at a time, and runs {@code between} after each
     * segment, outside its lock: the snapshot thread pauses there, so that it never holds the charging thread's
     * segments or its CPU for long.
     */
    void forEachBySegment(Consumer<Session> visitor, Runnable between) {
        Session reused = new Session();
        visitSegments(live, reused, visitor, between);
        visitSegments(ended, reused, visitor, between);
    }

    private static void visitSegments(ChronicleMap<SessionKey, Session> map, Session reused, Consumer<Session> visitor,
                                      Runnable between) {
        int segments = map.segments();
        for (int i = 0; i < segments; i++) {
            try (MapSegmentContext<SessionKey, Session, ?> c = map.segmentContext(i)) {
                c.forEachSegmentEntry(e -> {
                    e.key().getUsing(reused.id);
                    e.value().getUsing(reused);
                    visitor.accept(reused);
                });
            }
            between.run();
        }
    }

    /** Empties both maps (a snapshot that turned out damaged half way through its load). */
    void clear() {
        live.clear();
        ended.clear();
        liveCount = 0;
        endedCount = 0;
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
            try {
                ended.close();
            } finally {
                live.close();
            }
        }
    }

    /** Closes like a kill -9 would leave it: no last snapshot (tests, a failed start). */
    void closeWithoutSnapshot() throws java.io.IOException {
        try {
            if (log != null) {
                log.closeWithoutSnapshot();
            }
        } finally {
            try {
                ended.close();
            } finally {
                live.close();
            }
        }
    }
}
