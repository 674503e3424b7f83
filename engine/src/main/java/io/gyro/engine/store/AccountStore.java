package io.gyro.engine.store;

import java.util.function.Consumer;

import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;

/**
 * Accounts by account id (today the subscriber's MSISDN digits): money, reserved money and allowance
 * buckets, in off-heap Chronicle Maps held in memory. Called by the charging processor thread only (single
 * writer; the account snapshot thread reads beside it); reads and writes copy through a caller-owned
 * {@link Account} and allocate nothing.
 *
 * <p>Durability: nothing here touches a file, so the charging thread never waits for the kernel's writeback of
 * mapped pages (a file-backed map took one write-protect fault per dirty page after every writeback: 400 ms of
 * stalls every 30 s at 50,000 requests/s). What makes a charge durable is its journal record, which carries the
 * account's after-state; {@link AccountSnapshots} writes the accounts to a snapshot every so often and at close, and
 * a start loads the newest snapshot and rolls the accounts forward with the journal after it
 * ({@code io.gyro.engine.cdr.JournalRecovery}); reservations are recomputed from the open sessions.
 *
 * <p>Shards: a store for a million accounts or more is split by account id over {@value #MAX_SHARDS} maps, smaller
 * ones keep one, as the file-backed versions did (their files are read once at the first start and then deleted, see
 * {@code Stores}); an account's shard is a hash of its id.
 */
public final class AccountStore {
    /** The map file of the versions before snapshots (or accounts-00.cm3 .. -15.cm3): read once, then deleted. */
    static final String FILE_NAME = "accounts.cm3";
    /** Shards of a store created for {@value #SHARDED_FROM} accounts or more. */
    static final int MAX_SHARDS = 16;
    static final long SHARDED_FROM = 1_000_000;

    private final ChronicleMap<LongKey, Account>[] maps;
    private final int shardMask;
    private final LongKey key = new LongKey();
    /** Where each write's account id is noted first, when the maps are an image; null otherwise. */
    private AccountImage image;
    /** Account writes since open; the snapshot thread reads it to tell whether anything changed. */
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();

    AccountStore(ChronicleMap<LongKey, Account>[] maps) {
        if (Integer.bitCount(maps.length) != 1) {
            throw new IllegalArgumentException("shards must be a power of two: " + maps.length);
        }
        this.maps = maps;
        this.shardMask = maps.length - 1;
    }

    /** A store of {@code shards} empty in-memory maps for {@code maxAccounts} accounts together. */
    static AccountStore inMemory(long maxAccounts, int shards) {
        @SuppressWarnings("unchecked")
        ChronicleMap<LongKey, Account>[] maps = new ChronicleMap[shards];
        for (int i = 0; i < shards; i++) {
            // Closed by Stores after the last snapshot, not by Chronicle's own exit hook (which would run first on SIGTERM).
            maps[i] = builder(entriesPerShard(maxAccounts, shards)).skipCloseOnExitHook(true).create();
        }
        return new AccountStore(maps);
    }

    /** Shards for a store created for {@code maxAccounts}. */
    static int shardsFor(long maxAccounts) {
        return maxAccounts >= SHARDED_FROM ? MAX_SHARDS : 1;
    }

    /** The file of shard {@code shard} of {@code shards}. */
    static String fileName(int shard, int shards) {
        return shards == 1 ? FILE_NAME : String.format(java.util.Locale.ROOT, "accounts-%02d.cm3", shard);
    }

    /** Capacity of each of {@code shards} maps holding {@code maxAccounts} together (2 % over an even split). */
    static long entriesPerShard(long maxAccounts, int shards) {
        return shards == 1 ? maxAccounts : maxAccounts / shards + maxAccounts / shards / 50 + 1_000;
    }

    /**
     * The shard of an account id: a 64-bit finalizer (MurmurHash3's fmix64), so that consecutive ids spread
     * evenly and the bits that pick the shard are not those Chronicle's own key hash uses to pick a segment.
     */
    static int shardOf(long accountId, int shardMask) {
        long z = accountId;
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        z ^= z >>> 33;
        return (int) z & shardMask;
    }

    private ChronicleMap<LongKey, Account> map(long accountId) {
        return shardMask == 0 ? maps[0] : maps[shardOf(accountId, shardMask)];
    }

    /** From now on, each write notes its account in the image's ring of recent writes (see {@link AccountImage}). */
    void noteWritesIn(AccountImage image) {
        this.image = image;
    }

    /** Maps of this store. */
    int shards() {
        return maps.length;
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
                .removeReturnsNull(true)
                // No entry checksums, also in an image's files (Chronicle's default for a persisted map): a write in
                // place (InPlaceWrites) does not keep one, and after a kill Chronicle's recovery drops an entry
                // whose checksum disagrees, so every account rewritten in place since the image was made would go
                // (15,763 of 10M in the kill that found it). Without them a kill inside a write leaves at most the
                // one account being written torn; its record (written first) or, for a reservation, the recompute
                // from the sessions repairs it.
                .checksumEntries(false);
    }

    /**
     * The builder of the account map files of the versions before account snapshots: they were made with Chronicle's
     * default for a persisted map, entry checksums on, and a recovery lays a file out from its builder, so reading them
     * with {@link #builder} (no checksums: other tiers' sizes) after a kill would misread every tier after the first.
     */
    static ChronicleMapBuilder<LongKey, Account> legacyBuilder(long entries) {
        return builder(entries).checksumEntries(true);
    }

    /** Map {@code shard} (tests that hold one of its locks). */
    ChronicleMap<LongKey, Account> shardMap(int shard) {
        return maps[shard];
    }

    /**
     * Copies the account into {@code into}.
     *
     * @return false (and {@code into} untouched) when there is no such account
     */
    public boolean read(long accountId, Account into) {
        if (cache.read(accountId, into)) {
            return true;
        }
        if (map(accountId).getUsing(key.set(accountId), into) == null) {
            return false;
        }
        into.accountId = accountId;
        cache.put(accountId, into);
        return true;
    }

    /** Accounts read or written last ({@link ReadCache}). About {@value #CACHE_SLOTS} x 0.8 KB of heap. */
    static final int CACHE_SLOTS = 1 << 14;
    private final ReadCache<Account> cache = new ReadCache<>(CACHE_SLOTS, Account::new, (from, to) -> to.copyFrom(from));

    /**
     * Stores {@code account} under {@link Account#accountId()}, creating or replacing it, after
     * incrementing its {@link Account#version()} (the object is updated too).
     */
    public void write(Account account) {
        if (image != null) {
            image.wrote(account.accountId);
        }
        account.version++;
        // Dropped first, cached again once the map holds the new value: a write that throws leaves no slot.
        cache.drop(account.accountId);
        InPlaceWrites.write(map(account.accountId), key.set(account.accountId), account, AccountMarshaller.INSTANCE, false);
        cache.put(account.accountId, account);
        writes.lazySet(writes.get() + 1);
    }

    /** An account as a snapshot holds it (version and all), at load, before anything reads the store. */
    void restore(Account account) {
        cache.drop(account.accountId);
        InPlaceWrites.write(map(account.accountId), key.set(account.accountId), account, AccountMarshaller.INSTANCE, false);
    }

    /** Removes every account (a snapshot that turned out broken half way through its load). */
    void clear() {
        for (ChronicleMap<LongKey, Account> m : maps) {
            m.clear();
        }
        cache.clear();
    }

    /** Account writes made through this store since it was opened (any thread). */
    long writeCount() {
        return writes.get();
    }

    /** What {@link #forEachRaw} hands over: an account's stored bytes, valid during the call only. */
    @FunctionalInterface
    interface RawVisitor {
        void visit(long accountId, net.openhft.chronicle.bytes.RandomDataInput bytes, long offset, int size);
    }

    /**
     * Visits the stored bytes ({@link AccountMarshaller}'s layout) of every account of map {@code shard}, one map
     * segment at a time, under that segment's lock, running {@code between} after each segment; for the snapshot
     * thread beside the charging thread (which waits for a segment it writes to only while that one segment is walked).
     */
    void forEachRaw(int shard, RawVisitor visitor, Runnable between) {
        LongKey k = new LongKey();
        ChronicleMap<LongKey, Account> m = maps[shard];
        for (int segment = 0; segment < m.segments(); segment++) {
            try (net.openhft.chronicle.map.MapSegmentContext<LongKey, Account, ?> c = m.segmentContext(segment)) {
                c.forEachSegmentEntry(e -> {
                    Data<Account> v = e.value();
                    visitor.visit(e.key().getUsing(k).value, v.bytes(), v.offset(), (int) v.size());
                });
            }
            between.run();
        }
    }

    /**
     * Stores an account's bytes as a snapshot holds them ({@link AccountMarshaller}'s layout, checked here), nothing
     * decoded; at load, before anything reads the store. Safe from several loading threads at once, each with its own
     * {@code key}.
     *
     * @return whether the account holds reserved money or units (start-up recovery recomputes those)
     * @throws IllegalArgumentException when the bytes are not an account's layout
     */
    boolean restoreRaw(LongKey key, long accountId, net.openhft.chronicle.bytes.BytesStore<?, ?> bytes, long offset, int size) {
        int layout = bytes.readInt(offset);
        int buckets = bytes.readInt(offset + AccountMarshaller.BUCKET_COUNT_OFFSET);
        if (layout != AccountMarshaller.LAYOUT || buckets < 0 || buckets > Account.MAX_BUCKETS
                || size != AccountMarshaller.HEADER_BYTES + buckets * AccountMarshaller.BUCKET_BYTES) {
            throw new IllegalArgumentException("account " + accountId + ": not an account's bytes (layout " + layout
                    + ", " + buckets + " buckets, " + size + " bytes)");
        }
        try (net.openhft.chronicle.map.ExternalMapQueryContext<LongKey, Account, ?> c = map(accountId)
                .queryContext(key.set(accountId))) {
            c.writeLock().lock();
            net.openhft.chronicle.map.MapEntry<LongKey, Account> entry = c.entry();
            Data<Account> value = c.wrapValueBytesAsData(bytes, offset, size);
            if (entry == null) {
                c.insert(c.absentEntry(), value);
            } else {
                c.replaceValue(entry, value);
            }
        }
        boolean reserved = bytes.readLong(offset + AccountMarshaller.RESERVED_MICROS_OFFSET) != 0;
        for (int i = 0; i < buckets && !reserved; i++) {
            reserved = bytes.readLong(offset + AccountMarshaller.HEADER_BYTES + (long) i * AccountMarshaller.BUCKET_BYTES
                    + AccountMarshaller.BUCKET_RESERVED_UNITS_OFFSET) != 0;
        }
        return reserved;
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
        if (cache.contains(accountId)) {
            return true;
        }
        return map(accountId).containsKey(key.set(accountId));
    }

    public long count() {
        long n = 0;
        for (ChronicleMap<LongKey, Account> m : maps) {
            n += m.longSize();
        }
        return n;
    }

    /**
     * Visits every account with one reused {@link Account}; for recovery, audits and tests, not the
     * request path. The visitor must not write to this store (it runs under a segment lock): collect
     * ids and write afterwards.
     */
    public void forEach(Consumer<Account> visitor) {
        Account reused = new Account();
        LongKey k = new LongKey();
        for (ChronicleMap<LongKey, Account> m : maps) {
            m.forEachEntry(e -> {
                e.value().getUsing(reused);
                reused.accountId = e.key().getUsing(k).value;
                visitor.accept(reused);
            });
        }
    }

    /** What {@link #forEachRecoveryFields} hands over per account. */
    @FunctionalInterface
    public interface RecoveryFieldsVisitor {
        void visit(long accountId, long lastJournalSeq, long reservedMicros, boolean anyReservedUnits);
    }

    /** The fields of {@link #forEachAuditFields} that start-up recovery needs (all but the money). */
    public void forEachRecoveryFields(RecoveryFieldsVisitor visitor) {
        forEachAuditFields((accountId, moneyMicros, lastJournalSeq, reservedMicros, anyReservedUnits) ->
                visitor.visit(accountId, lastJournalSeq, reservedMicros, anyReservedUnits));
    }

    /** What {@link #forEachAuditFields} hands over per account. */
    @FunctionalInterface
    public interface AuditFieldsVisitor {
        void visit(long accountId, long moneyMicros, long lastJournalSeq, long reservedMicros, boolean anyReservedUnits);
    }

    /**
     * Visits every account's money, journal seq and reservations, read in place from the map's bytes (see the
     * layout in {@link AccountMarshaller}); nothing is decoded or allocated per account, so start-up recovery
     * and the offline audit cost a walk over the file's pages instead of a full decode of every account. The
     * visitor must not write to this store (it runs under a segment lock).
     */
    public void forEachAuditFields(AuditFieldsVisitor visitor) {
        LongKey k = new LongKey();
        for (ChronicleMap<LongKey, Account> m : maps) {
            m.forEachEntry(e -> {
                Data<Account> v = e.value();
                net.openhft.chronicle.bytes.RandomDataInput b = v.bytes();
                long off = v.offset();
                int buckets = b.readInt(off + AccountMarshaller.BUCKET_COUNT_OFFSET);
                boolean anyUnits = false;
                for (int i = 0; i < buckets && !anyUnits; i++) {
                    anyUnits = b.readLong(off + AccountMarshaller.HEADER_BYTES + (long) i * AccountMarshaller.BUCKET_BYTES
                            + AccountMarshaller.BUCKET_RESERVED_UNITS_OFFSET) != 0;
                }
                visitor.visit(e.key().getUsing(k).value, b.readLong(off + AccountMarshaller.MONEY_MICROS_OFFSET),
                        b.readLong(off + AccountMarshaller.LAST_JOURNAL_SEQ_OFFSET),
                        b.readLong(off + AccountMarshaller.RESERVED_MICROS_OFFSET), anyUnits);
            });
        }
    }

    void close() throws java.io.IOException {
        for (ChronicleMap<LongKey, Account> m : maps) {
            m.close();
        }
    }
}
