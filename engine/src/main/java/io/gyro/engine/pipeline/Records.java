package io.gyro.engine.pipeline;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.CdrRecord;
import io.gyro.engine.cdr.Journal;
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
    private final Account after = new Account();
    private final StringBuilder explanation = new StringBuilder(CdrRecord.MAX_EXPLANATION_CHARS);

    public Records(Journal journal) {
        this.journal = journal;
    }

    public Journal journal() {
        return journal;
    }

    private CdrRecord begin(CdrKind kind, Subscriber subscriber, long nowMs) {
        return journal.record().reset(kind, nowMs).msisdn(subscriber.msisdn()).accountId(subscriber.accountId());
    }

    private long finish(CdrRecord r, Subscriber subscriber, Wallet wallet) {
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

    /** Ends a processor batch (fsync when configured). */
    public void flush() {
        journal.endOfBatch();
    }
}
