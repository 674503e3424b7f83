package io.gyro.engine.store;

import java.util.function.Consumer;

import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * Accounts by account id (today the subscriber's MSISDN digits): money, reserved money and allowance
 * buckets, in a file-persisted Chronicle Map. Called by the charging processor thread only (single
 * writer); reads and writes copy through a caller-owned {@link Account} and allocate nothing.
 *
 * <p>Durability: a write lands in a memory-mapped file, so it survives kill -9 of the process (not a
 * power cut). What makes a charge durable is the journal record; see
 * {@code io.gyro.engine.cdr.JournalRecovery} for how the two are reconciled after an unclean stop.
 */
public final class AccountStore {
    static final String FILE_NAME = "accounts.cm3";

    private final ChronicleMap<LongKey, Account> map;
    private final LongKey key = new LongKey();
    private final RecentAccountWrites recent;

    AccountStore(ChronicleMap<LongKey, Account> map, RecentAccountWrites recent) {
        this.map = map;
        this.recent = recent;
    }

    static ChronicleMapBuilder<LongKey, Account> builder(long entries) {
        return ChronicleMapBuilder.of(LongKey.class, Account.class)
                .name("accounts")
                .entries(entries)
                .keyMarshallers(LongKey.Marshaller.INSTANCE, LongKey.Marshaller.INSTANCE)
                .constantKeySizeBySample(new LongKey())
                .valueMarshallers(AccountMarshaller.INSTANCE, AccountMarshaller.INSTANCE)
                // typical account: 3-4 buckets; the largest (16 buckets) is 752 bytes
                .averageValueSize(AccountMarshaller.HEADER_BYTES + 4 * AccountMarshaller.BUCKET_BYTES)
                .putReturnsNull(true)
                .removeReturnsNull(true);
    }

    /**
     * Copies the account into {@code into}.
     *
     * @return false (and {@code into} untouched) when there is no such account
     */
    public boolean read(long accountId, Account into) {
        if (map.getUsing(key.set(accountId), into) == null) {
            return false;
        }
        into.accountId = accountId;
        return true;
    }

    /**
     * Stores {@code account} under {@link Account#accountId()}, creating or replacing it, after
     * incrementing its {@link Account#version()} (the object is updated too).
     */
    public void write(Account account) {
        recent.add(account.accountId);
        account.version++;
        map.put(key.set(account.accountId), account);
    }

    /**
     * Creates an account unless one with the same id exists.
     *
     * @return false when the id is taken (nothing is changed)
     */
    public boolean create(Account account) {
        if (exists(account.accountId)) {
            return false;
        }
        write(account);
        return true;
    }

    public boolean exists(long accountId) {
        return map.containsKey(key.set(accountId));
    }

    public long count() {
        return map.longSize();
    }

    /**
     * Visits every account with one reused {@link Account}; for recovery, audits and tests, not the
     * request path. The visitor must not write to this store (it runs under a segment lock): collect
     * ids and write afterwards.
     */
    public void forEach(Consumer<Account> visitor) {
        Account reused = new Account();
        LongKey k = new LongKey();
        map.forEachEntry(e -> {
            e.value().getUsing(reused);
            reused.accountId = e.key().getUsing(k).value;
            visitor.accept(reused);
        });
    }

    /**
     * The accounts written last (the last {@value RecentAccountWrites#SLOTS} writes, this run's and then the
     * previous runs', distinct ids): at start after a kill -9, before anything else writes, this holds the
     * only accounts that can be out of step with their sessions or ahead of the journal (see
     * {@link RecentAccountWrites}).
     */
    public long[] writtenLast() {
        return recent.distinctIds();
    }

    /**
     * As {@link #writtenLast}, only the accounts of the writes from number {@code accountWrites} on (a count
     * taken from {@link #accountWrites()} when the stores were known to agree, e.g. at the journal checkpoint);
     * all of {@link #writtenLast} when {@code accountWrites < 0} or when that is too far back to tell.
     */
    public long[] writtenSince(long accountWrites) {
        return recent.distinctIdsSince(accountWrites);
    }

    /**
     * Whether {@link #writtenSince} of {@code accountWrites} names every account written since that count (false
     * when it is unknown or further back than the ring holds, and it falls back to the last ones written).
     */
    public boolean writtenSinceIsComplete(long accountWrites) {
        return recent.covers(accountWrites);
    }

    /** Account writes made so far in this data directory (every run); for the journal checkpoint. */
    public long accountWrites() {
        return recent.count();
    }

    /** What {@link #forEachRecoveryFields} hands over per account. */
    @FunctionalInterface
    public interface RecoveryFieldsVisitor {
        void visit(long accountId, long lastJournalSeq, long reservedMicros, boolean anyReservedUnits);
    }

    /**
     * Visits every account's journal seq and reservations, read in place from the map's bytes (see the
     * layout in {@link AccountMarshaller}); nothing is decoded or allocated per account, so at start-up
     * recovery this costs a walk over the file's pages instead of a full decode of every account. The
     * visitor must not write to this store (it runs under a segment lock).
     */
    public void forEachRecoveryFields(RecoveryFieldsVisitor visitor) {
        LongKey k = new LongKey();
        map.forEachEntry(e -> {
            Data<Account> v = e.value();
            net.openhft.chronicle.bytes.RandomDataInput b = v.bytes();
            long off = v.offset();
            int buckets = b.readInt(off + AccountMarshaller.BUCKET_COUNT_OFFSET);
            boolean anyUnits = false;
            for (int i = 0; i < buckets && !anyUnits; i++) {
                anyUnits = b.readLong(off + AccountMarshaller.HEADER_BYTES + (long) i * AccountMarshaller.BUCKET_BYTES
                        + AccountMarshaller.BUCKET_RESERVED_UNITS_OFFSET) != 0;
            }
            visitor.visit(e.key().getUsing(k).value, b.readLong(off + AccountMarshaller.LAST_JOURNAL_SEQ_OFFSET),
                    b.readLong(off + AccountMarshaller.RESERVED_MICROS_OFFSET), anyUnits);
        });
    }

    void close() throws java.io.IOException {
        map.close();
        recent.close();
    }
}
