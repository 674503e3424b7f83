package io.gyro.engine.cdr;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gyro.engine.store.Account;

/**
 * One charging record as read back from the journal (parsed with Jackson): for the HTTP API's usage
 * query, recovery and tests. Allocated per record; never used on the request path.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class JournalEntry {
    public long seq;
    public String ts;
    public long tsMs;
    public CdrKind kind;
    public long msisdn;
    public long accountId;
    /** The subscriber's base package at the time of the act; null in records written before it was recorded. */
    public String packageId;
    public String sessionId;
    public long ccRequestNumber = CdrRecord.NONE;
    public int service;
    /** The catalogue's name of {@link #service}, on usage records; null when not recorded. */
    public String serviceName;
    public long ratingGroup = CdrRecord.NONE;
    public long units;
    public long retailMicros;
    public String retail;
    public long wholesaleMicros;
    public long uncollectedMicros;
    /** For a recurring fee: the package period it paid for (else {@link CdrRecord#NONE}). */
    public long periodStartMs = CdrRecord.NONE;
    public long periodEndMs = CdrRecord.NONE;
    public List<Touched> bucketsTouched = new ArrayList<>();
    /** Null when the record carries no account after-state. */
    public Long moneyAfterMicros;
    public Long reservedAfterMicros;
    public Long nextBucketId;
    public List<BucketState> buckets;
    public String idempotencyKey;
    public String explanation;
    /** 0 when the record names none. */
    public long imsi;
    /** MCC-MNC digits of the visited network; {@link CdrRecord#NO_VISITED_NETWORK} when none. */
    public int visitedMccMnc = CdrRecord.NO_VISITED_NETWORK;
    public String calledNumber;
    /** Start and stop of the charged usage, epoch ms; {@link CdrRecord#NONE} when not given. */
    public long usageStartMs = CdrRecord.NONE;
    public long usageStopMs = CdrRecord.NONE;

    /** A bucket that paid for (or got back) units in this act; a row {@code [id, units, remainingAfter]} in the line. */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    @JsonPropertyOrder({"id", "units", "remainingAfter"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class Touched {
        public long id;
        public long units;
        public long remainingAfter;
    }

    /**
     * One bucket of the account's after-state; a row {@code [id, service, remaining, reserved, expiryMs,
     * priority, source]} in the line.
     */
    @JsonFormat(shape = JsonFormat.Shape.ARRAY)
    @JsonPropertyOrder({"id", "service", "remaining", "reserved", "expiryMs", "priority", "source"})
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class BucketState {
        public long id;
        public int service;
        public long remaining;
        public long reserved;
        public long expiryMs;
        public int priority;
        public int source;
    }

    public boolean hasAfterState() {
        return moneyAfterMicros != null && reservedAfterMicros != null && buckets != null;
    }

    /**
     * Overwrites {@code account}'s money, reservations, next bucket id and buckets with this record's
     * after-state and sets its {@code lastJournalSeq} to {@link #seq}. Keeps the account id and version.
     *
     * @throws IllegalStateException when the record has no after-state or too many buckets
     */
    public void applyTo(Account account) {
        if (!hasAfterState() || buckets.size() > Account.MAX_BUCKETS) {
            throw new IllegalStateException("journal record seq=" + seq + " has no usable after-state");
        }
        account.moneyMicros(moneyAfterMicros).reservedMicros(reservedAfterMicros).lastJournalSeq(seq);
        if (nextBucketId != null) {
            account.nextBucketId(nextBucketId);
        }
        account.clearBuckets();
        for (BucketState b : buckets) {
            account.putBucket(b.id, b.service, b.remaining, b.reserved, b.expiryMs, b.priority, b.source);
        }
    }

    /** Who, what and how much, for logs and recovery reports (the buckets and the explanation are left out). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(160).append("JournalEntry{seq=").append(seq).append(", kind=").append(kind)
                .append(", msisdn=").append(msisdn).append(", accountId=").append(accountId);
        if (sessionId != null) {
            sb.append(", sessionId=").append(sessionId);
        }
        if (ccRequestNumber != CdrRecord.NONE) {
            sb.append(", ccRequestNumber=").append(ccRequestNumber);
        }
        sb.append(", units=").append(units).append(", retailMicros=").append(retailMicros);
        if (moneyAfterMicros != null) {
            sb.append(", moneyAfterMicros=").append(moneyAfterMicros);
        }
        if (idempotencyKey != null) {
            sb.append(", idempotencyKey=").append(idempotencyKey);
        }
        return sb.append('}').toString();
    }
}
