package io.gyro.rating;

/**
 * The balance view of one account: money, money held by open reservations, and up to
 * {@link #MAX_BUCKETS} allowance buckets in parallel primitive arrays. A plain mutable, reusable
 * object: the engine's charging processor fills it from its store before a rating call and
 * writes it back after; the rater never keeps a reference. Single-threaded (the processor).
 *
 * <p>Available units of a bucket = remaining - reserved; available money = moneyMicros -
 * reservedMicros. Buckets carry the catalogue's bucket source code
 * ({@code Catalogue.bucketSource(code)}): which allowance or promotion created them, hence where
 * they may be spent.
 */
public final class Wallet {

    public static final int MAX_BUCKETS = 16;

    /** Money balance in micros; never negative. */
    public long moneyMicros;
    /** Money held by open reservations. */
    public long reservedMicros;
    /** Next bucket id to hand out; persisted by the engine with the account so ids stay unique. */
    public long nextBucketId = 1;

    public int bucketCount;
    public final long[] bucketId = new long[MAX_BUCKETS];
    public final int[] bucketService = new int[MAX_BUCKETS];
    public final long[] bucketRemaining = new long[MAX_BUCKETS];
    public final long[] bucketReserved = new long[MAX_BUCKETS];
    public final long[] bucketExpiryMs = new long[MAX_BUCKETS];
    public final int[] bucketPriority = new int[MAX_BUCKETS];
    public final int[] bucketSourceCode = new int[MAX_BUCKETS];

    /** Empties the wallet for reuse. */
    public Wallet clear() {
        moneyMicros = 0;
        reservedMicros = 0;
        nextBucketId = 1;
        bucketCount = 0;
        return this;
    }

    /** Money not held by reservations (never below zero). */
    public long availableMoney() {
        return Math.max(0, moneyMicros - reservedMicros);
    }

    /** Units of bucket {@code i} not held by reservations. */
    public long available(int i) {
        return Math.max(0, bucketRemaining[i] - bucketReserved[i]);
    }

    /**
     * Adds a bucket with a new id from {@link #nextBucketId}, or adds the units to an existing bucket
     * of the same source, service, expiry and priority (so renewals do not fill the wallet).
     *
     * @return the bucket's index, or -1 when the wallet already holds {@link #MAX_BUCKETS}
     */
    public int addBucket(int service, long units, long expiryMs, int priority, int sourceCode) {
        for (int i = 0; i < bucketCount; i++) {
            if (bucketSourceCode[i] == sourceCode && bucketService[i] == service && bucketExpiryMs[i] == expiryMs
                    && bucketPriority[i] == priority) {
                bucketRemaining[i] = Math.addExact(bucketRemaining[i], units);
                return i;
            }
        }
        return addBucket(nextBucketId++, service, units, expiryMs, priority, sourceCode);
    }

    /** Adds a bucket with an explicit id (restoring from the store). @return index, or -1 when full */
    public int addBucket(long id, int service, long units, long expiryMs, int priority, int sourceCode) {
        if (bucketCount == MAX_BUCKETS) {
            return -1;
        }
        int i = bucketCount++;
        bucketId[i] = id;
        bucketService[i] = service;
        bucketRemaining[i] = units;
        bucketReserved[i] = 0;
        bucketExpiryMs[i] = expiryMs;
        bucketPriority[i] = priority;
        bucketSourceCode[i] = sourceCode;
        if (id >= nextBucketId) {
            nextBucketId = id + 1;
        }
        return i;
    }

    /** Index of the bucket with this id, or -1. */
    public int indexOfBucket(long id) {
        for (int i = 0; i < bucketCount; i++) {
            if (bucketId[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** Removes bucket {@code i}, keeping the order of the others. */
    public void removeBucket(int i) {
        int tail = bucketCount - i - 1;
        if (tail > 0) {
            System.arraycopy(bucketId, i + 1, bucketId, i, tail);
            System.arraycopy(bucketService, i + 1, bucketService, i, tail);
            System.arraycopy(bucketRemaining, i + 1, bucketRemaining, i, tail);
            System.arraycopy(bucketReserved, i + 1, bucketReserved, i, tail);
            System.arraycopy(bucketExpiryMs, i + 1, bucketExpiryMs, i, tail);
            System.arraycopy(bucketPriority, i + 1, bucketPriority, i, tail);
            System.arraycopy(bucketSourceCode, i + 1, bucketSourceCode, i, tail);
        }
        bucketCount--;
    }

    /**
     * Drops buckets that expired at or before {@code nowMs} and hold no reservation (a reserved
     * bucket stays until its session reports, so the release finds it).
     *
     * @return how many were dropped
     */
    public int dropExpired(long nowMs) {
        int dropped = 0;
        for (int i = bucketCount - 1; i >= 0; i--) {
            if (bucketExpiryMs[i] <= nowMs && bucketReserved[i] == 0) {
                removeBucket(i);
                dropped++;
            }
        }
        return dropped;
    }

    /** Copies every field of {@code other} into this wallet. */
    public Wallet copyFrom(Wallet other) {
        moneyMicros = other.moneyMicros;
        reservedMicros = other.reservedMicros;
        nextBucketId = other.nextBucketId;
        bucketCount = other.bucketCount;
        System.arraycopy(other.bucketId, 0, bucketId, 0, MAX_BUCKETS);
        System.arraycopy(other.bucketService, 0, bucketService, 0, MAX_BUCKETS);
        System.arraycopy(other.bucketRemaining, 0, bucketRemaining, 0, MAX_BUCKETS);
        System.arraycopy(other.bucketReserved, 0, bucketReserved, 0, MAX_BUCKETS);
        System.arraycopy(other.bucketExpiryMs, 0, bucketExpiryMs, 0, MAX_BUCKETS);
        System.arraycopy(other.bucketPriority, 0, bucketPriority, 0, MAX_BUCKETS);
        System.arraycopy(other.bucketSourceCode, 0, bucketSourceCode, 0, MAX_BUCKETS);
        return this;
    }

    /** Sum of remaining units of a service's buckets (any scope, unexpired at {@code nowMs}). */
    public long remainingUnits(int service, long nowMs) {
        long total = 0;
        for (int i = 0; i < bucketCount; i++) {
            if (bucketService[i] == service && bucketExpiryMs[i] > nowMs) {
                total += bucketRemaining[i];
            }
        }
        return total;
    }
}
