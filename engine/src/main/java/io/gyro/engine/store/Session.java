package io.gyro.engine.store;

/**
 * Reusable, mutable view of one Gy credit-control session (RFC 4006 §8): who it charges, the last
 * CC-Request-Number seen and the answer sent to it (replayed byte for byte on a retransmission,
 * RFC 4006 §7), and up to {@value #MAX_SLOTS} open reservations, one per Multiple-Services-Credit-
 * Control (rating group / service identifier). Each reservation remembers which buckets hold units for
 * it ({@value #MAX_BUCKETS_PER_SLOT} at most) and the money it holds.
 *
 * <p>The session's own key is {@link #id()}: set it, then {@link SessionStore#read(Session)}.
 * Not thread-safe: owned by the charging processor thread.
 */
public final class Session {
    public static final int MAX_SLOTS = 8;
    public static final int MAX_BUCKETS_PER_SLOT = 4;
    public static final int MAX_ANSWER_BYTES = 4096;
    /** {@link #lastCcRequestNumber()} when no request has been answered yet. */
    public static final long NO_REQUEST = -1;

    final SessionKey id = new SessionKey();
    long msisdn;
    long accountId;
    long lastCcRequestNumber = NO_REQUEST;
    int lastRequestType;
    long createdMs;
    long lastActivityMs;
    long expiresAtMs;
    long lastJournalSeq;

    int slotCount;
    final long[] ratingGroup = new long[MAX_SLOTS];
    final int[] serviceIndex = new int[MAX_SLOTS];
    final long[] grantedUnits = new long[MAX_SLOTS];
    final long[] reservedMicros = new long[MAX_SLOTS];
    final long[] validUntilMs = new long[MAX_SLOTS];
    final int[] pairCount = new int[MAX_SLOTS];
    final long[] chargedUnits = new long[MAX_SLOTS];
    final long[] ratedUnits = new long[MAX_SLOTS];
    final long[] moneyRawMicros = new long[MAX_SLOTS];
    final long[] moneyMicros = new long[MAX_SLOTS];
    final long[] grantedAtMs = new long[MAX_SLOTS];
    final long[] tariffChangeMs = new long[MAX_SLOTS];
    final long[] pairBucketId = new long[MAX_SLOTS * MAX_BUCKETS_PER_SLOT];
    final long[] pairUnits = new long[MAX_SLOTS * MAX_BUCKETS_PER_SLOT];

    final byte[] answer = new byte[MAX_ANSWER_BYTES];
    int answerLength;

    /** Longest called number kept for a session. */
    public static final int MAX_CALLED_BYTES = 32;
    final byte[] called = new byte[MAX_CALLED_BYTES];
    int calledLength;

    /** Resets everything except {@link #id()}. */
    public Session clear() {
        msisdn = 0;
        accountId = 0;
        lastCcRequestNumber = NO_REQUEST;
        lastRequestType = 0;
        createdMs = 0;
        lastActivityMs = 0;
        expiresAtMs = 0;
        lastJournalSeq = 0;
        slotCount = 0;
        answerLength = 0;
        calledLength = 0;
        return this;
    }

    public SessionKey id() { return id; }
    public long msisdn() { return msisdn; }
    public Session msisdn(long v) { msisdn = v; return this; }
    public long accountId() { return accountId; }
    public Session accountId(long v) { accountId = v; return this; }
    public long lastCcRequestNumber() { return lastCcRequestNumber; }
    public Session lastCcRequestNumber(long v) { lastCcRequestNumber = v; return this; }
    /** CC-Request-Type of the last answered request (RFC 4006 §8.3: 1 initial .. 4 event). */
    public int lastRequestType() { return lastRequestType; }
    public Session lastRequestType(int v) { lastRequestType = v; return this; }
    public long createdMs() { return createdMs; }
    public Session createdMs(long v) { createdMs = v; return this; }
    public long lastActivityMs() { return lastActivityMs; }
    public Session lastActivityMs(long v) { lastActivityMs = v; return this; }
    /** When the session counts as stale: last activity + validity time + grace. */
    public long expiresAtMs() { return expiresAtMs; }
    public Session expiresAtMs(long v) { expiresAtMs = v; return this; }
    /** Seq of the last journal record written for this session (0 = none); informational. */
    public long lastJournalSeq() { return lastJournalSeq; }
    public Session lastJournalSeq(long v) { lastJournalSeq = v; return this; }

    public int slotCount() { return slotCount; }

    /**
     * Opens a reservation slot with zero grant and no buckets.
     *
     * @return its index, or -1 when {@value #MAX_SLOTS} are open
     */
    public int addSlot(long ratingGroup, int serviceIndex) {
        if (slotCount == MAX_SLOTS) {
            return -1;
        }
        int i = slotCount++;
        this.ratingGroup[i] = ratingGroup;
        this.serviceIndex[i] = serviceIndex;
        grantedUnits[i] = 0;
        reservedMicros[i] = 0;
        validUntilMs[i] = 0;
        pairCount[i] = 0;
        chargedUnits[i] = 0;
        ratedUnits[i] = 0;
        moneyRawMicros[i] = 0;
        moneyMicros[i] = 0;
        grantedAtMs[i] = 0;
        tariffChangeMs[i] = 0;
        return i;
    }

    /** @return index of the slot for this rating group, or -1 */
    public int findSlot(long ratingGroup) {
        for (int i = 0; i < slotCount; i++) {
            if (this.ratingGroup[i] == ratingGroup) {
                return i;
            }
        }
        return -1;
    }

    /** Closes slot {@code i}; later slots move down by one. */
    public void removeSlot(int i) {
        checkSlot(i);
        int tail = slotCount - i - 1;
        System.arraycopy(ratingGroup, i + 1, ratingGroup, i, tail);
        System.arraycopy(serviceIndex, i + 1, serviceIndex, i, tail);
        System.arraycopy(grantedUnits, i + 1, grantedUnits, i, tail);
        System.arraycopy(reservedMicros, i + 1, reservedMicros, i, tail);
        System.arraycopy(validUntilMs, i + 1, validUntilMs, i, tail);
        System.arraycopy(pairCount, i + 1, pairCount, i, tail);
        System.arraycopy(chargedUnits, i + 1, chargedUnits, i, tail);
        System.arraycopy(ratedUnits, i + 1, ratedUnits, i, tail);
        System.arraycopy(moneyRawMicros, i + 1, moneyRawMicros, i, tail);
        System.arraycopy(moneyMicros, i + 1, moneyMicros, i, tail);
        System.arraycopy(grantedAtMs, i + 1, grantedAtMs, i, tail);
        System.arraycopy(tariffChangeMs, i + 1, tariffChangeMs, i, tail);
        System.arraycopy(pairBucketId, (i + 1) * MAX_BUCKETS_PER_SLOT, pairBucketId, i * MAX_BUCKETS_PER_SLOT,
                tail * MAX_BUCKETS_PER_SLOT);
        System.arraycopy(pairUnits, (i + 1) * MAX_BUCKETS_PER_SLOT, pairUnits, i * MAX_BUCKETS_PER_SLOT,
                tail * MAX_BUCKETS_PER_SLOT);
        slotCount--;
    }

    public long ratingGroup(int slot) { return ratingGroup[checkSlot(slot)]; }
    public int serviceIndex(int slot) { return serviceIndex[checkSlot(slot)]; }
    public long grantedUnits(int slot) { return grantedUnits[checkSlot(slot)]; }
    public Session grantedUnits(int slot, long v) { grantedUnits[checkSlot(slot)] = v; return this; }
    public long reservedMicros(int slot) { return reservedMicros[checkSlot(slot)]; }
    public Session reservedMicros(int slot, long v) { reservedMicros[checkSlot(slot)] = v; return this; }
    public long validUntilMs(int slot) { return validUntilMs[checkSlot(slot)]; }
    /** Units of this rating group charged so far in the session (connection fee, first increment, tiers). */
    public long chargedUnits(int slot) { return chargedUnits[checkSlot(slot)]; }
    public Session chargedUnits(int slot, long v) { chargedUnits[checkSlot(slot)] = v; return this; }
    public Session validUntilMs(int slot, long v) { validUntilMs[checkSlot(slot)] = v; return this; }
    /**
     * The rating group's position on its tariff's increment grid: raw units paid from buckets plus units paid from
     * money rounded up (at least {@link #chargedUnits}); usage up to it is already paid (CATALOGUE.md "Rounding").
     */
    public long ratedUnits(int slot) { return ratedUnits[checkSlot(slot)]; }
    public Session ratedUnits(int slot, long v) { ratedUnits[checkSlot(slot)] = v; return this; }
    /** Raw retail price of the money-paid units so far, before minimum charge, price rounding and connection fee. */
    public long moneyRawMicros(int slot) { return moneyRawMicros[checkSlot(slot)]; }
    public Session moneyRawMicros(int slot, long v) { moneyRawMicros[checkSlot(slot)] = v; return this; }
    /** What money charges of this rating group took so far in the session, finished (fee, minimum, rounding). */
    public long moneyMicros(int slot) { return moneyMicros[checkSlot(slot)]; }
    public Session moneyMicros(int slot, long v) { moneyMicros[checkSlot(slot)] = v; return this; }
    /** When the current grant was made: its usage is priced at the band in force then (TS 32.299 §5.1.2.2.2). */
    public long grantedAtMs(int slot) { return grantedAtMs[checkSlot(slot)]; }
    public Session grantedAtMs(int slot, long v) { grantedAtMs[checkSlot(slot)] = v; return this; }
    /** The Tariff-Time-Change sent with the current grant, or 0: usage reported as after it is priced at its band. */
    public long tariffChangeMs(int slot) { return tariffChangeMs[checkSlot(slot)]; }
    public Session tariffChangeMs(int slot, long v) { tariffChangeMs[checkSlot(slot)] = v; return this; }

    public int bucketPairCount(int slot) { return pairCount[checkSlot(slot)]; }
    public long pairBucketId(int slot, int pair) { return pairBucketId[pairIndex(slot, pair)]; }
    public long pairUnits(int slot, int pair) { return pairUnits[pairIndex(slot, pair)]; }

    /**
     * Records that bucket {@code bucketId} holds {@code units} for this slot (adds to an existing pair
     * for the same bucket).
     *
     * @return false when the slot already references {@value #MAX_BUCKETS_PER_SLOT} other buckets
     */
    public boolean addBucketUnits(int slot, long bucketId, long units) {
        checkSlot(slot);
        int base = slot * MAX_BUCKETS_PER_SLOT;
        for (int p = 0; p < pairCount[slot]; p++) {
            if (pairBucketId[base + p] == bucketId) {
                pairUnits[base + p] += units;
                return true;
            }
        }
        if (pairCount[slot] == MAX_BUCKETS_PER_SLOT) {
            return false;
        }
        int p = pairCount[slot]++;
        pairBucketId[base + p] = bucketId;
        pairUnits[base + p] = units;
        return true;
    }

    public void clearBucketUnits(int slot) {
        pairCount[checkSlot(slot)] = 0;
    }

    /** The answer buffer, for encoding into in place; follow with {@link #answerLength(int)}. */
    /** The call's destination (digits, as rated), kept from the CCR that carried it. */
    public byte[] called() { return called; }
    public int calledLength() { return calledLength; }
    public Session called(byte[] src, int len) {
        int n = Math.min(Math.max(len, 0), MAX_CALLED_BYTES);
        System.arraycopy(src, 0, called, 0, n);
        calledLength = n;
        return this;
    }

    public byte[] answer() { return answer; }
    public int answerLength() { return answerLength; }

    public Session answerLength(int len) {
        if (len < 0 || len > MAX_ANSWER_BYTES) {
            throw new IllegalArgumentException("answer length=" + len + " must be 0.." + MAX_ANSWER_BYTES);
        }
        answerLength = len;
        return this;
    }

    /**
     * Copies the encoded answer to keep for retransmissions.
     *
     * @return false (answer unchanged) when longer than {@value #MAX_ANSWER_BYTES} bytes
     */
    public boolean answer(byte[] src, int offset, int len) {
        if (len < 0 || len > MAX_ANSWER_BYTES) {
            return false;
        }
        System.arraycopy(src, offset, answer, 0, len);
        answerLength = len;
        return true;
    }

    /** Copies every field of {@code o}, its id included. */
    public Session copyFrom(Session o) {
        id.copyFrom(o.id);
        msisdn = o.msisdn;
        accountId = o.accountId;
        lastCcRequestNumber = o.lastCcRequestNumber;
        lastRequestType = o.lastRequestType;
        createdMs = o.createdMs;
        lastActivityMs = o.lastActivityMs;
        expiresAtMs = o.expiresAtMs;
        lastJournalSeq = o.lastJournalSeq;
        slotCount = o.slotCount;
        System.arraycopy(o.ratingGroup, 0, ratingGroup, 0, MAX_SLOTS);
        System.arraycopy(o.serviceIndex, 0, serviceIndex, 0, MAX_SLOTS);
        System.arraycopy(o.grantedUnits, 0, grantedUnits, 0, MAX_SLOTS);
        System.arraycopy(o.reservedMicros, 0, reservedMicros, 0, MAX_SLOTS);
        System.arraycopy(o.validUntilMs, 0, validUntilMs, 0, MAX_SLOTS);
        System.arraycopy(o.pairCount, 0, pairCount, 0, MAX_SLOTS);
        System.arraycopy(o.chargedUnits, 0, chargedUnits, 0, MAX_SLOTS);
        System.arraycopy(o.ratedUnits, 0, ratedUnits, 0, MAX_SLOTS);
        System.arraycopy(o.moneyRawMicros, 0, moneyRawMicros, 0, MAX_SLOTS);
        System.arraycopy(o.moneyMicros, 0, moneyMicros, 0, MAX_SLOTS);
        System.arraycopy(o.grantedAtMs, 0, grantedAtMs, 0, MAX_SLOTS);
        System.arraycopy(o.tariffChangeMs, 0, tariffChangeMs, 0, MAX_SLOTS);
        System.arraycopy(o.pairBucketId, 0, pairBucketId, 0, pairBucketId.length);
        System.arraycopy(o.pairUnits, 0, pairUnits, 0, pairUnits.length);
        System.arraycopy(o.answer, 0, answer, 0, o.answerLength);
        answerLength = o.answerLength;
        calledLength = o.calledLength;
        System.arraycopy(o.called, 0, called, 0, MAX_CALLED_BYTES);
        return this;
    }

    private int checkSlot(int i) {
        if (i < 0 || i >= slotCount) {
            throw new IndexOutOfBoundsException("slot index " + i + " of " + slotCount);
        }
        return i;
    }

    private int pairIndex(int slot, int pair) {
        checkSlot(slot);
        if (pair < 0 || pair >= pairCount[slot]) {
            throw new IndexOutOfBoundsException("pair index " + pair + " of " + pairCount[slot]);
        }
        return slot * MAX_BUCKETS_PER_SLOT + pair;
    }
}
