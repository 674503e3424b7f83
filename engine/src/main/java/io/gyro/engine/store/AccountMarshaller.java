package io.gyro.engine.store;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.RandomDataOutput;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.impl.EnumMarshallable;

/**
 * Writes an {@link Account} as a variable-size value: only the buckets in use are stored, so a typical
 * account with a few buckets takes ~200 bytes instead of the 752 of a full one.
 *
 * <pre>
 *  offset size field                  (Chronicle Bytes order: little-endian)
 *     0    4  layout version (= 1)
 *     4    4  bucketCount n (0..16)
 *     8    8  moneyMicros
 *    16    8  reservedMicros
 *    24    8  nextBucketId
 *    32    8  lastJournalSeq
 *    40    8  version
 *    48 44*n  bucket i: +0 bucketId(8) +8 remainingUnits(8) +16 reservedUnits(8) +24 expiryMs(8)
 *                       +32 service(4) +36 priority(4) +40 sourceCode(4)
 * </pre>
 */
final class AccountMarshaller implements SizedReader<Account>, SizedWriter<Account>,
        EnumMarshallable<AccountMarshaller>, InPlaceWrites.Layout<Account> {
    static final AccountMarshaller INSTANCE = new AccountMarshaller();

    static final int LAYOUT = 1;
    static final int HEADER_BYTES = 48;
    static final int BUCKET_BYTES = 44;
    static final int MAX_BYTES = HEADER_BYTES + Account.MAX_BUCKETS * BUCKET_BYTES;
    /** Offsets of the fields recovery and the audit read in place ({@link AccountStore#forEachRecoveryFields}). */
    static final int BUCKET_COUNT_OFFSET = 4;
    static final int MONEY_MICROS_OFFSET = 8;
    static final int RESERVED_MICROS_OFFSET = 16;
    static final int LAST_JOURNAL_SEQ_OFFSET = 32;
    static final int BUCKET_RESERVED_UNITS_OFFSET = 16;

    private AccountMarshaller() {
    }

    @Override
    public long size(Account a) {
        return HEADER_BYTES + (long) a.bucketCount * BUCKET_BYTES;
    }

    /**
     * The layout of {@link #writeInPlace}, at {@code out}'s write position: one description of the bytes for new
     * entries and in-place rewrites alike.
     */
    @Override
    public void write(Bytes<?> out, long size, Account a) {
        long at = out.writePosition();
        out.writeSkip(size);   // grows an elastic buffer, so the absolute writes below land inside it
        writeInPlace(out, at, a);
    }

    /**
     * Writes {@code a} in the layout above at {@code offset} of {@code out} (native order, as Chronicle Bytes
     * writes): over a stored value of the same size, or into the space {@link #write(Bytes, long, Account)} skipped.
     */
    @Override
    public void writeInPlace(RandomDataOutput out, long offset, Account a) {
        out.writeInt(offset, LAYOUT);
        out.writeInt(offset + 4, a.bucketCount);
        out.writeLong(offset + 8, a.moneyMicros);
        out.writeLong(offset + 16, a.reservedMicros);
        out.writeLong(offset + 24, a.nextBucketId);
        out.writeLong(offset + 32, a.lastJournalSeq);
        out.writeLong(offset + 40, a.version);
        long at = offset + HEADER_BYTES;
        for (int i = 0; i < a.bucketCount; i++, at += BUCKET_BYTES) {
            out.writeLong(at, a.raw(i, Account.ID));
            out.writeLong(at + 8, a.raw(i, Account.REMAINING));
            out.writeLong(at + 16, a.raw(i, Account.RESERVED));
            out.writeLong(at + 24, a.raw(i, Account.EXPIRY));
            out.writeInt(at + 32, (int) a.raw(i, Account.SERVICE));
            out.writeInt(at + 36, (int) a.raw(i, Account.PRIORITY));
            out.writeInt(at + 40, (int) a.raw(i, Account.SOURCE));
        }
    }

    @Override
    public Account read(Bytes<?> in, long size, Account using) {
        Account a = using != null ? using : new Account();
        int layout = in.readInt();
        int n = in.readInt();
        if (layout != LAYOUT || n < 0 || n > Account.MAX_BUCKETS || size != HEADER_BYTES + (long) n * BUCKET_BYTES) {
            throw new IllegalStateException("corrupt account value: layout=" + layout + " buckets=" + n + " size=" + size);
        }
        a.bucketCount = n;
        a.moneyMicros = in.readLong();
        a.reservedMicros = in.readLong();
        a.nextBucketId = in.readLong();
        a.lastJournalSeq = in.readLong();
        a.version = in.readLong();
        for (int i = 0; i < n; i++) {
            a.raw(i, Account.ID, in.readLong());
            a.raw(i, Account.REMAINING, in.readLong());
            a.raw(i, Account.RESERVED, in.readLong());
            a.raw(i, Account.EXPIRY, in.readLong());
            a.raw(i, Account.SERVICE, in.readInt());
            a.raw(i, Account.PRIORITY, in.readInt());
            a.raw(i, Account.SOURCE, in.readInt());
        }
        return a;
    }

    @Override
    public AccountMarshaller readResolve() {
        return INSTANCE;
    }
}
