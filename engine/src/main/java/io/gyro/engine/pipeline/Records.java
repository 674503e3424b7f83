package io.gyro.engine.pipeline;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.CdrRecord;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalCheckpoint;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.SessionKey;
import io.gyro.engine.store.Subscriber;
import io.gyro.rating.ChargeResult;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;

/**
 * Turns the processor's acts into charging records: fills the journal's reusable record with
 * who, what, how much, which buckets, the account's after-state and the rating explanation,
 * and appends it. Processor thread only; allocates nothing per record.
 */
public final class Records {
    private final Journal journal;
    private final JournalCheckpoint checkpoint;
    private final Account after = new Account();
    private final StringBuilder explanation = new StringBuilder(CdrRecord.MAX_EXPLANATION_CHARS);
    /** Names the services of usage records; set by {@link ChargingState} (null: records carry the index only). */
    private Catalogue catalogue;

    /** Without a checkpoint (tests, benchmarks): every start reads the whole journal. */
    public Records(Journal journal) {
        this(journal, null);
    }

    /** @param checkpoint advanced at every {@link #flush()}, or null */
    public Records(Journal journal, JournalCheckpoint checkpoint) {
        this.journal = journal;
        this.checkpoint = checkpoint;
    }

    public Journal journal() {
        return journal;
    }

    private CdrRecord begin(CdrKind kind, Subscriber subscriber, long nowMs) {
        return journal.record().reset(kind, nowMs).msisdn(subscriber.msisdn()).accountId(subscriber.accountId());
    }

    private long finish(CdrRecord r, Subscriber subscriber, Wallet wallet) {
        r.packageId(subscriber);
        after.clear(subscriber.accountId());
        ChargingState.fromWallet(wallet, after);
        r.afterState(after);
        return journal.append(r);
    }

    /** Usage or an event that was priced and debited. */
    public long charge(CdrKind kind, Subscriber subscriber, SessionKey sessionId, long ccRequestNumber, int service,
                       long ratingGroup, ChargeResult charge, Wallet wallet, long nowMs, Catalogue catalogue) {
        CdrRecord r = begin(kind, subscriber, nowMs)
                .ccRequestNumber(ccRequestNumber)
                .service(service)
                .serviceName(serviceName(service))
                .ratingGroup(ratingGroup)
                .units(charge.usedUnits)
                .retailMicros(charge.moneyDebitedMicros)
                .wholesaleMicros(charge.costMicros)
                .uncollectedMicros(charge.uncollectedMicros)
                .sessionId(sessionId);
        for (int i = 0; i < charge.debitCount; i++) {
            int b = wallet.indexOfBucket(charge.debitBucketId[i]);
            r.bucketTouched(charge.debitBucketId[i], charge.debitUnits[i], b >= 0 ? wallet.bucketRemaining[b] : 0);
        }
        explanation.setLength(0);
        charge.explain(explanation);
        r.explanation(explanation);
        return finish(r, subscriber, wallet);
    }

    /** Money given back for units (CCR-EVENT REFUND_ACCOUNT); recorded as a negative retail amount. */
    public long refund(Subscriber subscriber, SessionKey sessionId, long ccRequestNumber, int service,
                       long ratingGroup, long units, long refundMicros, Wallet wallet, long nowMs) {
        CdrRecord r = begin(CdrKind.REFUND, subscriber, nowMs)
                .ccRequestNumber(ccRequestNumber)
                .service(service)
                .serviceName(serviceName(service))
                .ratingGroup(ratingGroup)
                .units(units)
                .retailMicros(-refundMicros)
                .sessionId(sessionId)
                .explanation("refund of the list price of the units");
        return finish(r, subscriber, wallet);
    }

    /** Reservations of a silent session handed back; nothing charged. */
    public long staleRelease(Subscriber subscriber, SessionKey sessionId, Wallet wallet, long nowMs) {
        CdrRecord r = begin(CdrKind.STALE_RELEASE, subscriber, nowMs)
                .sessionId(sessionId)
                .explanation("session silent past validity time plus grace; reservations released");
        return finish(r, subscriber, wallet);
    }

    /** Money added through the API; {@code amountMicros} counts as a negative charge. */
    public long topUp(Subscriber subscriber, long amountMicros, CharSequence idempotencyKey, Wallet wallet, long nowMs,
                      CharSequence note) {
        CdrRecord r = begin(CdrKind.TOP_UP, subscriber, nowMs)
                .retailMicros(-amountMicros)
                .idempotencyKey(idempotencyKey)
                .explanation(note);
        return finish(r, subscriber, wallet);
    }

    /** A package fee, or buckets granted or renewed; {@code feeMicros} is what money paid. */
    public long fee(CdrKind kind, Subscriber subscriber, long feeMicros, Wallet wallet, long nowMs, CharSequence note) {
        CdrRecord r = begin(kind, subscriber, nowMs)
                .retailMicros(feeMicros)
                .explanation(note);
        return finish(r, subscriber, wallet);
    }

    /** A recurring fee that paid for the package period {@code [periodStartMs, periodEndMs)}. */
    public long renewalFee(Subscriber subscriber, long feeMicros, Wallet wallet, long nowMs, long periodStartMs,
                           long periodEndMs, CharSequence note) {
        CdrRecord r = begin(CdrKind.FEE, subscriber, nowMs)
                .retailMicros(feeMicros)
                .renewedPeriod(periodStartMs, periodEndMs)
                .explanation(note);
        return finish(r, subscriber, wallet);
    }

    /**
     * Ends a processor batch (fsync when configured). Called after every write of the batch's requests (and
     * of the housekeeping that follows them), so it also advances the journal checkpoint to the last record:
     * each of those records has had all its map writes.
     */
    public void flush() {
        journal.endOfBatch();
        if (checkpoint != null) {
            checkpoint.advance(journal.lastSeq());
        }
    }

    /**
     * The records after {@code seq} may be half applied (their request failed part way): the checkpoint stays
     * at or below {@code seq} for the rest of this run, so the next start rolls them forward from the journal.
     */
    public void holdCheckpoint(long seq) {
        if (checkpoint != null) {
            checkpoint.hold(seq);
        }
    }

    /** The catalogue whose service names usage records carry from now on (processor thread, between requests). */
    public void catalogue(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    private String serviceName(int service) {
        return catalogue != null && service >= 0 && service < catalogue.serviceCount()
                ? catalogue.serviceName(service) : null;
    }
}
