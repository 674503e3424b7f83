package io.gyro.engine.store;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Writes a {@link Subscriber} as a constant-size value of {@value #SIZE} bytes (the MSISDN is the key
 * and is not repeated). Unused parts of the id fields are written as zeros.
 *
 * <pre>
 *  offset size field
 *     0    8  imsi
 *     8    8  accountId
 *    16    8  subscriptionStartMs
 *    24    8  periodStartMs
 *    32    8  nextRenewalMs
 *    40    8  createdMs
 *    48    1  layout version (= 1)
 *    49    1  state (SubscriberState ordinal)
 *    50    1  flags: bit 0 = realNameVerified
 *    51    1  packageId length (0..32)
 *    52    1  addOnCount (0..4)
 *    53   32  packageId, ASCII
 *    85  4x33 add-on i: length(1) + id(32), ASCII
 *   217    8  promotionsUsedMask (bit i: catalogue promotion i already used)
 *   225       end
 * </pre>
 */
final class SubscriberMarshaller implements SizedReader<Subscriber>, SizedWriter<Subscriber>,
        EnumMarshallable<SubscriberMarshaller> {
    static final SubscriberMarshaller INSTANCE = new SubscriberMarshaller();

    static final int LAYOUT = 2;
    static final int SIZE = 225;
    /** Where nextRenewalMs sits in the value (read in place by the renewal sweep). */
    static final int NEXT_RENEWAL_OFFSET = 32;
    private static final int FLAG_REAL_NAME_VERIFIED = 1;
    private static final byte[] ZEROS = new byte[Subscriber.MAX_PACKAGE_ID_LENGTH];

    private SubscriberMarshaller() {
    }

    @Override
    public long size(Subscriber s) {
        return SIZE;
    }

    @Override
    public void write(Bytes<?> out, long size, Subscriber s) {
        out.writeLong(s.imsi);
        out.writeLong(s.accountId);
        out.writeLong(s.subscriptionStartMs);
        out.writeLong(s.periodStartMs);
        out.writeLong(s.nextRenewalMs);
        out.writeLong(s.createdMs);
        out.writeByte((byte) LAYOUT);
        out.writeByte((byte) s.state.ordinal());
        out.writeByte((byte) (s.realNameVerified ? FLAG_REAL_NAME_VERIFIED : 0));
        out.writeByte((byte) s.packageIdLength);
        out.writeByte((byte) s.addOnCount);
        writePadded(out, s.packageId, s.packageIdLength);
        for (int i = 0; i < Subscriber.MAX_ADD_ONS; i++) {
            int len = i < s.addOnCount ? s.addOnLengths[i] : 0;
            out.writeByte((byte) len);
            writePadded(out, s.addOnIds[i], len);
        }
        out.writeLong(s.promotionsUsedMask);
    }

    private static void writePadded(Bytes<?> out, byte[] id, int len) {
        out.write(id, 0, len);
        out.write(ZEROS, 0, Subscriber.MAX_PACKAGE_ID_LENGTH - len);
    }

    @Override
    public Subscriber read(Bytes<?> in, long size, Subscriber using) {
        Subscriber s = using != null ? using : new Subscriber();
        if (size != SIZE) {
            throw new IllegalStateException("corrupt subscriber value: size=" + size);
        }
        s.imsi = in.readLong();
        s.accountId = in.readLong();
        s.subscriptionStartMs = in.readLong();
        s.periodStartMs = in.readLong();
        s.nextRenewalMs = in.readLong();
        s.createdMs = in.readLong();
        int layout = in.readByte();
        if (layout != LAYOUT) {
            throw new IllegalStateException("corrupt subscriber value: layout=" + layout);
        }
        s.state = SubscriberState.ofOrdinal(in.readByte());
        s.realNameVerified = (in.readByte() & FLAG_REAL_NAME_VERIFIED) != 0;
        s.packageIdLength = checkedLength(in.readByte());
        s.addOnCount = in.readByte();
        if (s.addOnCount < 0 || s.addOnCount > Subscriber.MAX_ADD_ONS) {
            throw new IllegalStateException("corrupt subscriber value: addOnCount=" + s.addOnCount);
        }
        in.read(s.packageId, 0, Subscriber.MAX_PACKAGE_ID_LENGTH);
        for (int i = 0; i < Subscriber.MAX_ADD_ONS; i++) {
            s.addOnLengths[i] = checkedLength(in.readByte());
            in.read(s.addOnIds[i], 0, Subscriber.MAX_PACKAGE_ID_LENGTH);
        }
        s.promotionsUsedMask = in.readLong();
        return s;
    }

    private static int checkedLength(int len) {
        if (len < 0 || len > Subscriber.MAX_PACKAGE_ID_LENGTH) {
            throw new IllegalStateException("corrupt subscriber value: id length=" + len);
        }
        return len;
    }

    @Override
    public SubscriberMarshaller readResolve() {
        return INSTANCE;
    }
}
