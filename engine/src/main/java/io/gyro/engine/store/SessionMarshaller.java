package io.gyro.engine.store;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Writes a {@link Session} as a variable-size value: only the open slots and the answer's actual
 * bytes are stored (a two-slot session with a 300-byte answer takes ~580 bytes; the largest, 8 slots
 * and a 4096-byte answer, 4,136 + 832 bytes). The session id is the key and is not repeated.
 *
 * <pre>
 *  offset size field
 *     0    8  msisdn
 *     8    8  accountId
 *    16    8  lastCcRequestNumber (-1 none)
 *    24    8  createdMs
 *    32    8  lastActivityMs
 *    40    8  expiresAtMs          (the sweep files sessions by it: ExpiryWheel)
 *    48    8  lastJournalSeq
 *    56    4  layout version (= 1)
 *    60    4  lastRequestType
 *    64    4  slotCount s (0..8)
 *    68    4  answerLength a (0..4096)
 *    72    4  calledLength c (0..32)
 *    76   32  called number digits (the call's destination, kept for later CCR-Us without it)
 *   108 152*s slot i: +0 ratingGroup(8) +8 grantedUnits(8) +16 reservedMicros(8) +24 validUntilMs(8)
 *                     +32 serviceIndex(4) +36 pairCount(4) +40 4 x (bucketId(8) units(8))
 *                     +104 chargedUnits(8) +112 ratedUnits(8) +120 moneyRawMicros(8) +128 moneyMicros(8)
 *                     +136 grantedAtMs(8) +144 tariffChangeMs(8)
 * 108+152s  a  answer bytes
 * </pre>
 * Layout 3 (before the session's grid position was kept) had 112-byte slots ending at chargedUnits; such values
 * are still read, with the later fields 0 (the grid then restarts once, as it did in that version).
 * <pre>
 * </pre>
 */
final class SessionMarshaller implements SizedReader<Session>, SizedWriter<Session>,
        EnumMarshallable<SessionMarshaller>, InPlaceWrites.Layout<Session> {
    static final SessionMarshaller INSTANCE = new SessionMarshaller();

    static final int LAYOUT = 4;
    static final int HEADER_BYTES = 108;
    static final int SLOT_BYTES = 152;
    private static final int LAYOUT_3 = 3;
    private static final int SLOT_BYTES_3 = 112;
    static final int EXPIRES_AT_OFFSET = 40;
    static final int MAX_BYTES = HEADER_BYTES + Session.MAX_SLOTS * SLOT_BYTES + Session.MAX_ANSWER_BYTES;

    private SessionMarshaller() {
    }

    @Override
    public long size(Session s) {
        return HEADER_BYTES + (long) s.slotCount * SLOT_BYTES + s.answerLength;
    }

    /**
     * The layout of {@link #writeInPlace}, at {@code out}'s write position: one description of the bytes for new
     * entries and in-place rewrites alike.
     */
    @Override
    public void write(Bytes<?> out, long size, Session s) {
        long at = out.writePosition();
        out.writeSkip(size);   // grows an elastic buffer, so the absolute writes below land inside it
        writeInPlace(out, at, s);
    }

    /**
     * Writes {@code s} in the layout above at {@code offset} of {@code out}: over a stored value of the same size, or
     * into the space {@link #write(Bytes, long, Session)} skipped. Every byte of the value is written.
     */
    @Override
    public void writeInPlace(RandomDataOutput out, long offset, Session s) {
        writeHead(out, offset, s, LAYOUT);
        out.writeInt(offset + 64, s.slotCount);
        out.writeInt(offset + 68, s.answerLength);
        out.writeInt(offset + 72, s.calledLength);
        out.write(offset + 76, s.called, 0, Session.MAX_CALLED_BYTES);
        long at = offset + HEADER_BYTES;
        for (int i = 0; i < s.slotCount; i++, at += SLOT_BYTES) {
            out.writeLong(at, s.ratingGroup[i]);
            out.writeLong(at + 8, s.grantedUnits[i]);
            out.writeLong(at + 16, s.reservedMicros[i]);
            out.writeLong(at + 24, s.validUntilMs[i]);
            out.writeInt(at + 32, s.serviceIndex[i]);
            out.writeInt(at + 36, s.pairCount[i]);
            int base = i * Session.MAX_BUCKETS_PER_SLOT;
            for (int p = 0; p < Session.MAX_BUCKETS_PER_SLOT; p++) {
                boolean used = p < s.pairCount[i];
                out.writeLong(at + 40 + 16L * p, used ? s.pairBucketId[base + p] : 0);
                out.writeLong(at + 48 + 16L * p, used ? s.pairUnits[base + p] : 0);
            }
            out.writeLong(at + 104, s.chargedUnits[i]);
            out.writeLong(at + 112, s.ratedUnits[i]);
            out.writeLong(at + 120, s.moneyRawMicros[i]);
            out.writeLong(at + 128, s.moneyMicros[i]);
            out.writeLong(at + 136, s.grantedAtMs[i]);
            out.writeLong(at + 144, s.tariffChangeMs[i]);
        }
        out.write(at, s.answer, 0, s.answerLength);
    }

    /**
     * The 64-byte head this layout and {@link EndedSessionMarshaller}'s share (offsets 0-63 above: ids, times, the
     * layout number, the last request type), written at {@code offset}.
     */
    static void writeHead(RandomDataOutput out, long offset, Session s, int layout) {
        out.writeLong(offset, s.msisdn);
        out.writeLong(offset + 8, s.accountId);
        out.writeLong(offset + 16, s.lastCcRequestNumber);
        out.writeLong(offset + 24, s.createdMs);
        out.writeLong(offset + 32, s.lastActivityMs);
        out.writeLong(offset + EXPIRES_AT_OFFSET, s.expiresAtMs);
        out.writeLong(offset + 48, s.lastJournalSeq);
        out.writeInt(offset + 56, layout);
        out.writeInt(offset + 60, s.lastRequestType);
    }

    /** Reads the shared head ({@link #writeHead}) at {@code in}'s read position into {@code s}; returns the layout. */
    static int readHead(Bytes<?> in, Session s) {
        s.msisdn = in.readLong();
        s.accountId = in.readLong();
        s.lastCcRequestNumber = in.readLong();
        s.createdMs = in.readLong();
        s.lastActivityMs = in.readLong();
        s.expiresAtMs = in.readLong();
        s.lastJournalSeq = in.readLong();
        int layout = in.readInt();
        s.lastRequestType = in.readInt();
        return layout;
    }

    @Override
    public Session read(Bytes<?> in, long size, Session using) {
        Session s = using != null ? using : new Session();
        int layout = readHead(in, s);
        int slots = in.readInt();
        int answerLength = in.readInt();
        int calledLength = in.readInt();
        in.read(s.called, 0, Session.MAX_CALLED_BYTES);
        if (calledLength < 0 || calledLength > Session.MAX_CALLED_BYTES) {
            throw new IllegalStateException("corrupt session value: calledLength=" + calledLength);
        }
        s.calledLength = calledLength;
        int slotBytes = layout == LAYOUT_3 ? SLOT_BYTES_3 : SLOT_BYTES;
        if ((layout != LAYOUT && layout != LAYOUT_3) || slots < 0 || slots > Session.MAX_SLOTS || answerLength < 0
                || answerLength > Session.MAX_ANSWER_BYTES
                || size != HEADER_BYTES + (long) slots * slotBytes + answerLength) {
            throw new IllegalStateException("corrupt session value: layout=" + layout + " slots=" + slots
                    + " answerLength=" + answerLength + " size=" + size);
        }
        s.slotCount = slots;
        s.answerLength = answerLength;
        for (int i = 0; i < slots; i++) {
            s.ratingGroup[i] = in.readLong();
            s.grantedUnits[i] = in.readLong();
            s.reservedMicros[i] = in.readLong();
            s.validUntilMs[i] = in.readLong();
            s.serviceIndex[i] = in.readInt();
            int pairs = in.readInt();
            if (pairs < 0 || pairs > Session.MAX_BUCKETS_PER_SLOT) {
                throw new IllegalStateException("corrupt session value: pairCount=" + pairs);
            }
            s.pairCount[i] = pairs;
            int base = i * Session.MAX_BUCKETS_PER_SLOT;
            for (int p = 0; p < Session.MAX_BUCKETS_PER_SLOT; p++) {
                s.pairBucketId[base + p] = in.readLong();
                s.pairUnits[base + p] = in.readLong();
            }
            s.chargedUnits[i] = in.readLong();
            boolean current = layout == LAYOUT;
            s.ratedUnits[i] = current ? in.readLong() : s.chargedUnits[i];
            s.moneyRawMicros[i] = current ? in.readLong() : 0;
            s.moneyMicros[i] = current ? in.readLong() : 0;
            s.grantedAtMs[i] = current ? in.readLong() : 0;
            s.tariffChangeMs[i] = current ? in.readLong() : 0;
        }
        in.read(s.answer, 0, answerLength);
        return s;
    }

    @Override
    public SessionMarshaller readResolve() {
        return INSTANCE;
    }
}
