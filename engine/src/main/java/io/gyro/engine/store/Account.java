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
    final long[] bucketId = new long[MAX_BUCKETS];
    final int[] service = new int[MAX_BUCKETS];
    final long[] remainingUnits = new long[MAX_BUCKETS];
    final long[] reservedUnits = new long[MAX_BUCKETS];
    final long[] expiryMs = new long[MAX_BUCKETS];
    final int[] priority = new int[MAX_BUCKETS];
    final int[] sourceCode = new int[MAX_BUCKETS];

    /** Resets every field to a fresh, empty account with the given id. */
    public Account clear(long accountId) {
        this.accountId = accountId;
        moneyMicros = 0;
        reservedMicros = 0;
        nextBucketId = 1;
        lastJournalSeq = 0;
        version = 0;
        bucketCount = 0;
        Arrays.fill(bucketId, 0);
        Arrays.fill(service, 0);
        Arrays.fill(remainingUnits, 0);
        Arrays.fill(reservedUnits, 0);
        Arrays.fill(expiryMs, 0);
        Arrays.fill(priority, 0);
        Arrays.fill(sourceCode, 0);
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
        // A loop over the few buckets in use: seven System.arraycopy calls of all 16 slots cost more (stub calls).
        for (int i = 0; i < n; i++) {
            bucketId[i] = other.bucketId[i];
            service[i] = other.service[i];
            remainingUnits[i] = other.remainingUnits[i];
            reservedUnits[i] = other.reservedUnits[i];
            expiryMs[i] = other.expiryMs[i];
            priority[i] = other.priority[i];
            sourceCode[i] = other.sourceCode[i];
        }
        return this;
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

    public long bucketId(int i) { return bucketId[check(i)]; }
    public int service(int i) { return service[check(i)]; }
    public long remainingUnits(int i) { return remainingUnits[check(i)]; }
    public long reservedUnits(int i) { return reservedUnits[check(i)]; }
    public long expiryMs(int i) { return expiryMs[check(i)]; }
    public int priority(int i) { return priority[check(i)]; }
    public int sourceCode(int i) { return sourceCode[check(i)]; }
    public Account sourceCode(int i, int v) { sourceCode[check(i)] = v; return this; }

    public Account remainingUnits(int i, long v) { remainingUnits[check(i)] = v; return this; }
    public Account reservedUnits(int i, long v) { reservedUnits[check(i)] = v; return this; }
    public Account expiryMs(int i, long v) { expiryMs[check(i)] = v; return this; }
    public Account priority(int i, int v) { priority[check(i)] = v; return this; }

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
        this.bucketId[i] = id;
        this.service[i] = service;
        this.remainingUnits[i] = remainingUnits;
        this.reservedUnits[i] = reservedUnits;
        this.expiryMs[i] = expiryMs;
        this.priority[i] = priority;
        this.sourceCode[i] = sourceCode;
        return i;
    }

    /** @return index of the bucket with this id, or -1 */
    public int findBucket(long id) {
        for (int i = 0; i < bucketCount; i++) {
            if (bucketId[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** Removes the bucket at {@code i}; later buckets move down by one, keeping their order. */
    public void removeBucket(int i) {
        check(i);
        int tail = bucketCount - i - 1;
        System.arraycopy(bucketId, i + 1, bucketId, i, tail);
        System.arraycopy(service, i + 1, service, i, tail);
        System.arraycopy(remainingUnits, i + 1, remainingUnits, i, tail);
        System.arraycopy(reservedUnits, i + 1, reservedUnits, i, tail);
        System.arraycopy(expiryMs, i + 1, expiryMs, i, tail);
        System.arraycopy(priority, i + 1, priority, i, tail);
        System.arraycopy(sourceCode, i + 1, sourceCode, i, tail);
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
        for (int i = 0; i < bucketCount; i++) {
            if (bucketId[i] != o.bucketId[i] || service[i] != o.service[i]
                    || remainingUnits[i] != o.remainingUnits[i] || reservedUnits[i] != o.reservedUnits[i]
                    || expiryMs[i] != o.expiryMs[i] || priority[i] != o.priority[i]
                    || sourceCode[i] != o.sourceCode[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(128).append("Account{id=").append(accountId)
                .append(", moneyMicros=").append(moneyMicros).append(", reservedMicros=").append(reservedMicros)
                .append(", nextBucketId=").append(nextBucketId).append(", lastJournalSeq=").append(lastJournalSeq)
                .append(", version=").append(version).append(", buckets=[");
        for (int i = 0; i < bucketCount; i++) {
            sb.append(i == 0 ? "" : ", ").append('{').append("id=").append(bucketId[i])
                    .append(", service=").append(service[i]).append(", remaining=").append(remainingUnits[i])
                    .append(", reserved=").append(reservedUnits[i]).append(", expiryMs=").append(expiryMs[i])
                    .append(", priority=").append(priority[i]).append(", source=").append(sourceCode[i]).append('}');
        }
        return sb.append("]}").toString();
    }
}
