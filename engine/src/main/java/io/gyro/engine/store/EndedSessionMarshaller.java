package io.gyro.engine.store;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Writes an ended {@link Session} (after its CCR-T or CCR-EVENT) as only what a retransmission of its last request
 * needs (RFC 4006 §7: same CC-Request-Number and type, answered with the stored answer): no reservation slots and no
 * called number. A CCR-T answer of ~200 bytes takes ~270 bytes. Reading fills a Session with no slots. The first
 * 64 bytes sit where {@link SessionMarshaller} puts them, so {@link #EXPIRES_AT_OFFSET} is the same in both maps.
 *
 * <pre>
 *  offset size field
 *     0    8  msisdn
 *     8    8  accountId
 *    16    8  lastCcRequestNumber
 *    24    8  createdMs
 *    32    8  lastActivityMs       (start-up reads it: how long the engine was down, ChargingProcessor)
 *    40    8  expiresAtMs          (the sweep and the drop of the oldest read it in place)
 *    48    8  lastJournalSeq
 *    56    4  layout version (= 1)
 *    60    4  lastRequestType      (3 TERMINATION_REQUEST or 4 EVENT_REQUEST)
 *    64    4  answerLength a (0..4096)
 *    68    a  answer bytes
 * </pre>
 */
final class EndedSessionMarshaller implements SizedReader<Session>, SizedWriter<Session>,
        EnumMarshallable<EndedSessionMarshaller>, InPlaceWrites.Layout<Session> {
    static final EndedSessionMarshaller INSTANCE = new EndedSessionMarshaller();

    static final int LAYOUT = 1;
    static final int HEADER_BYTES = 68;
    static final int EXPIRES_AT_OFFSET = SessionMarshaller.EXPIRES_AT_OFFSET;
    static final int MAX_BYTES = HEADER_BYTES + Session.MAX_ANSWER_BYTES;

    private EndedSessionMarshaller() {
    }

    @Override
    public long size(Session s) {
        return HEADER_BYTES + s.answerLength;
    }

    @Override
    public void write(Bytes<?> out, long size, Session s) {
        long at = out.writePosition();
        out.writeSkip(size);   // grows an elastic buffer, so the absolute writes below land inside it
        writeInPlace(out, at, s);
    }

    @Override
    public void writeInPlace(RandomDataOutput out, long offset, Session s) {
        SessionMarshaller.writeHead(out, offset, s, LAYOUT);
        out.writeInt(offset + 64, s.answerLength);
        out.write(offset + HEADER_BYTES, s.answer, 0, s.answerLength);
    }

    @Override
    public Session read(Bytes<?> in, long size, Session using) {
        Session s = using != null ? using : new Session();
        int layout = SessionMarshaller.readHead(in, s);
        int answerLength = in.readInt();
        if (layout != LAYOUT || answerLength < 0 || answerLength > Session.MAX_ANSWER_BYTES
                || size != HEADER_BYTES + (long) answerLength) {
            throw new IllegalStateException("corrupt ended session value: layout=" + layout + " answerLength="
                    + answerLength + " size=" + size);
        }
        s.slotCount = 0;
        s.calledLength = 0;
        s.answerLength = answerLength;
        in.read(s.answer, 0, answerLength);
        return s;
    }

    @Override
    public EndedSessionMarshaller readResolve() {
        return INSTANCE;
    }
}
