package io.gyro.engine.store;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * Open Gy sessions by Session-Id, in a file-persisted Chronicle Map, so that a restart continues them
 * and a retransmission is answered from the stored answer. Called by the charging processor thread
 * only. {@link #read(Session)}, {@link #write(Session)} and {@link #remove(SessionKey)} allocate
 * nothing: the key is the session's own {@link SessionKey}, filled from the AVP bytes.
 */
public final class SessionStore {
    static final String FILE_NAME = "sessions.cm3";

    private final ChronicleMap<SessionKey, Session> map;
    private final SessionKey scratchKey = new SessionKey();

    SessionStore(ChronicleMap<SessionKey, Session> map) {
        this.map = map;
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
        InPlaceWrites.write(map, session.id, session, SessionMarshaller.INSTANCE);
    }

    public void remove(SessionKey id) {
        map.remove(id);
    }

    /** Removes by an id given as characters. */
    public void remove(CharSequence sessionId) {
        if (scratchKey.set(sessionId)) {
            map.remove(scratchKey);
        }
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

    /** Whether every stored entry's checksum matches its bytes (tests of the in-place writes). */
    boolean checksumsHold() {
        boolean[] ok = {true};
        map.forEachEntry(e -> ok[0] &= ((net.openhft.chronicle.hash.ChecksumEntry) e).checkSum());
        return ok[0];
    }

    void close() {
        map.close();
    }
}
