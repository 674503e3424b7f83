package io.gyro.engine.store;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * Open Gy sessions by Session-Id, in an in-memory (off-heap) Chronicle Map: no file behind it, so the charging thread
 * never takes the write-protect faults of a mapped file's writeback. Every write and removal is also appended to the
 * {@link SessionLog}, whose snapshots and records give the sessions back after a stop or a kill -9, so that a restart
 * continues them and a retransmission is answered from the stored answer. Called by the charging processor thread
 * only. {@link #read(Session)}, {@link #write(Session)} and {@link #remove(SessionKey)} allocate nothing: the key is
 * the session's own {@link SessionKey}, filled from the AVP bytes.
 */
public final class SessionStore {
    /** The persisted map of the versions before the session log: read once at open, then deleted. */
    static final String FILE_NAME = "sessions.cm3";

    private final ChronicleMap<SessionKey, Session> map;
    private final SessionLog log;
    private final SessionKey scratchKey = new SessionKey();

    SessionStore(ChronicleMap<SessionKey, Session> map, SessionLog log) {
        this.map = map;
        this.log = log;
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
     * Reads the session whose id is {@code into.id()}.
     *
     * @return false when there is none ({@code into} keeps its id, other fields untouched)
     */
    public boolean read(Session into) {
        return map.getUsing(into.id, into) != null;
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

    /** Creates or replaces the session under {@code session.id()} (in place when its stored size is unchanged). */
    public void write(Session session) {
        if (session.id.length == 0) {
            throw new IllegalArgumentException("session id not set");
        }
        InPlaceWrites.write(map, session.id, session, SessionMarshaller.INSTANCE, false);
        log.written(session);
    }

    /** Removes the session, if there is one (the log records the removal either way: replaying it is harmless). */
    public void remove(SessionKey id) {
        map.remove(id);
        log.removed(id);
    }

    /** Removes by an id given as characters. */
    public void remove(CharSequence sessionId) {
        if (scratchKey.set(sessionId)) {
            remove(scratchKey);
        }
    }

    /** The end of a charging batch: what the batch logged is forced (when configured) and published. */
    public void endOfBatch() {
        log.endOfBatch();
    }

    /** The session log (snapshots, its position). */
    public SessionLog log() {
        return log;
    }

    public boolean exists(SessionKey id) {
        return map.containsKey(id);
    }

    public long count() {
        return map.longSize();
    }

    /**
     * Visits every session with a reused value (its id set). The visitor must not write to this
     * store. For start-up recovery, not the hot path.
     */
    public void forEach(java.util.function.Consumer<Session> visitor) {
        Session reused = new Session();
        map.forEachEntry(e -> {
            e.key().getUsing(reused.id);
            e.value().getUsing(reused);
            visitor.accept(reused);
        });
    }

    void close() throws java.io.IOException {
        try {
            log.close();
        } finally {
            map.close();
        }
    }

    /** Closes like a kill -9 would leave it: no last snapshot (tests). */
    void closeWithoutSnapshot() throws java.io.IOException {
        try {
            log.closeWithoutSnapshot();
        } finally {
            map.close();
        }
    }
}
