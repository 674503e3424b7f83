package io.gyro.engine.store;

import java.util.Arrays;

/**
 * Reusable, mutable view of one prepaid account: money, the money held by open reservations, and up
 * to {@value #MAX_BUCKETS} allowance buckets. Primitive fields and arrays only, so the charging
 * processor can keep one instance and {@link AccountStore#read read} into it on every request without
 * allocating. Not thread-safe: owned by the charging processor thread (or a test).
 *
 * <p>Money is in micro-units of the currency (1 CNY = 1,000,000). Bucket units are whatever the
 * bucket's service counts (octets, seconds, messages).
 */
public final class Account {
    public static final int MAX_BUCKETS = 16;

    long accountId;
    long moneyMicros;
    long reservedMicros;
    long nextBucketId = 1;
    long lastJournalSeq;
    long version;
    int bucketCount;
    /**
     * The buckets, {@value #STRIDE} longs each, side by side (one array, so that a copy or a read of an account's
     * few buckets touches a few adjacent cache lines, not seven arrays): id, remaining units, reserved units,
     * expiry, service, priority, source code.
     */
    final long[] buckets = new long[MAX_BUCKETS * STRIDE];

    static final int STRIDE = 7;
    static final int ID = 0;
    static final int REMAINING = 1;
    static final int RESERVED = 2;
    static final int EXPIRY = 3;
    static final int SERVICE = 4;
    static final int PRIORITY = 5;
    static final int SOURCE = 6;

    /** Resets every field to a fresh, empty account with the given id. */
    public Account clear(long accountId) {
        this.accountId = accountId;
        moneyMicros = 0;
        reservedMicros = 0;
        nextBucketId = 1;
        lastJournalSeq = 0;
        version = 0;
        bucketCount = 0;
        Arrays.fill(buckets, 0);
        return this;
    }

    /**
     * Copies the state of {@code other} into this object: every field and the buckets in use (bucket slots past
     * {@link #bucketCount()} keep whatever they held; nothing reads them).
     */
    public Account copyFrom(Account other) {
        accountId = other.accountId;
        moneyMicros = other.moneyMicros;
        reservedMicros = other.reservedMicros;
        nextBucketId = other.nextBucketId;
        lastJournalSeq = other.lastJournalSeq;
        version = other.version;
        int n = other.bucketCount;
        bucketCount = n;
        System.arraycopy(other.buckets, 0, buckets, 0, n * STRIDE);
        return this;
    }

    /** Bucket {@code i}'s field {@code field} ({@link #ID} ... {@link #SOURCE}), unchecked: for the marshaller. */
    long raw(int i, int field) {
        return buckets[i * STRIDE + field];
    }

    void raw(int i, int field, long value) {
        buckets[i * STRIDE + field] = value;
    }

    public long accountId() { return accountId; }
    public Account accountId(long v) { accountId = v; return this; }
    public long moneyMicros() { return moneyMicros; }
    public Account moneyMicros(long v) { moneyMicros = v; return this; }
    public long reservedMicros() { return reservedMicros; }
    public Account reservedMicros(long v) { reservedMicros = v; return this; }
    /** Money that a new reservation may still take: {@code moneyMicros - reservedMicros}. */
    public long availableMicros() { return moneyMicros - reservedMicros; }
    public long nextBucketId() { return nextBucketId; }
    public Account nextBucketId(long v) { nextBucketId = v; return this; }
    /** Seq of the last journal record whose after-state this account reflects (0 = none). */
    public long lastJournalSeq() { return lastJournalSeq; }
    public Account lastJournalSeq(long v) { lastJournalSeq = v; return this; }
    /** Incremented by {@link AccountStore#write} on every write. */
    public long version() { return version; }
    public Account version(long v) { version = v; return this; }
    public int bucketCount() { return bucketCount; }

    public long bucketId(int i) { return buckets[check(i) * STRIDE + ID]; }
    public int service(int i) { return (int) buckets[check(i) * STRIDE + SERVICE]; }
    public long remainingUnits(int i) { return buckets[check(i) * STRIDE + REMAINING]; }
    public long reservedUnits(int i) { return buckets[check(i) * STRIDE + RESERVED]; }
    public long expiryMs(int i) { return buckets[check(i) * STRIDE + EXPIRY]; }
    public int priority(int i) { return (int) buckets[check(i) * STRIDE + PRIORITY]; }
    public int sourceCode(int i) { return (int) buckets[check(i) * STRIDE + SOURCE]; }
    public Account sourceCode(int i, int v) { buckets[check(i) * STRIDE + SOURCE] = v; return this; }

    public Account remainingUnits(int i, long v) { buckets[check(i) * STRIDE + REMAINING] = v; return this; }
    public Account reservedUnits(int i, long v) { buckets[check(i) * STRIDE + RESERVED] = v; return this; }
    public Account expiryMs(int i, long v) { buckets[check(i) * STRIDE + EXPIRY] = v; return this; }
    public Account priority(int i, int v) { buckets[check(i) * STRIDE + PRIORITY] = v; return this; }

    /**
     * Adds a bucket with a fresh id taken from {@link #nextBucketId()}.
     *
     * @return the new bucket's index, or -1 when all {@value #MAX_BUCKETS} slots are in use
     */
    public int addBucket(int service, long remainingUnits, long expiryMs, int priority, int sourceCode) {
        if (bucketCount == MAX_BUCKETS) {
            return -1;
        }
        return putBucket(nextBucketId++, service, remainingUnits, 0, expiryMs, priority, sourceCode);
    }

    /**
     * Appends a bucket with an explicit id (recovery, tests). Does not touch {@link #nextBucketId()}.
     *
     * @return the new bucket's index, or -1 when full
     */
    public int putBucket(long id, int service, long remainingUnits, long reservedUnits, long expiryMs,
                         int priority, int sourceCode) {
        if (bucketCount == MAX_BUCKETS) {
            return -1;
        }
        int i = bucketCount++;
        int at = i * STRIDE;
        buckets[at + ID] = id;
        buckets[at + REMAINING] = remainingUnits;
        buckets[at + RESERVED] = reservedUnits;
        buckets[at + EXPIRY] = expiryMs;
        buckets[at + SERVICE] = service;
        buckets[at + PRIORITY] = priority;
        buckets[at + SOURCE] = sourceCode;
        return i;
    }

    /** @return index of the bucket with this id, or -1 */
    public int findBucket(long id) {
        for (int i = 0; i < bucketCount; i++) {
            if (buckets[i * STRIDE + ID] == id) {
                return i;
            }
        }
        return -1;
    }

    /** Removes the bucket at {@code i}; later buckets move down by one, keeping their order. */
    public void removeBucket(int i) {
        check(i);
        int tail = bucketCount - i - 1;
        System.arraycopy(buckets, (i + 1) * STRIDE, buckets, i * STRIDE, tail * STRIDE);
        bucketCount--;
    }

    /** Removes every bucket (used by recovery before loading an after-state). */
    public void clearBuckets() {
        bucketCount = 0;
    }

    private int check(int i) {
        if (i < 0 || i >= bucketCount) {
            throw new IndexOutOfBoundsException("bucket index " + i + " of " + bucketCount);
        }
        return i;
    }

    /** Field-by-field equality of the persisted state (ignores nothing but unused bucket slots). */
    public boolean sameStateAs(Account o) {
        if (accountId != o.accountId || moneyMicros != o.moneyMicros || reservedMicros != o.reservedMicros
                || nextBucketId != o.nextBucketId || lastJournalSeq != o.lastJournalSeq
                || version != o.version || bucketCount != o.bucketCount) {
            return false;
        }
        return Arrays.equals(buckets, 0, bucketCount * STRIDE, o.buckets, 0, bucketCount * STRIDE);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(128).append("Account{id=").append(accountId)
                .append(", moneyMicros=").append(moneyMicros).append(", reservedMicros=").append(reservedMicros)
                .append(", nextBucketId=").append(nextBucketId).append(", lastJournalSeq=").append(lastJournalSeq)
                .append(", version=").append(version).append(", buckets=[");
        for (int i = 0; i < bucketCount; i++) {
            sb.append(i == 0 ? "" : ", ").append('{').append("id=").append(raw(i, ID))
                    .append(", service=").append(raw(i, SERVICE)).append(", remaining=").append(raw(i, REMAINING))
                    .append(", reserved=").append(raw(i, RESERVED)).append(", expiryMs=").append(raw(i, EXPIRY))
                    .append(", priority=").append(raw(i, PRIORITY)).append(", source=").append(raw(i, SOURCE))
                    .append('}');
        }
        return sb.append("]}").toString();
    }
}
