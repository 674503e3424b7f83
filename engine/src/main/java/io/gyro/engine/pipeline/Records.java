package io.gyro.engine.pipeline;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.CdrRecord;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalCheckpoint;
import io.gyro.engine.store.Account;
import io.gyro.engine.wal.CdrExport;
import io.gyro.engine.wal.CdrWalCodec;
import io.gyro.engine.wal.Wal;
import io.gyro.engine.store.SessionKey;
import io.gyro.engine.store.Subscriber;
import io.gyro.rating.ChargeResult;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;

/**
 * Turns the processor's acts into charging records: fills a reusable record with who, what, how much, which
 * buckets, the account's after-state and the rating explanation, and appends it: to the write-ahead log
 * ({@link Wal}, binary, {@link CdrWalCodec}) in the engine, whose {@link CdrExport} writes the JSON journal off
 * this thread; or straight to the JSON {@link Journal} without a log (bulk loader, tests, benchmarks).
 * Processor thread only (the lifecycle thread before it starts); allocates nothing per record.
 *
 * <p>The network context of a request ({@link #network}, {@link #usagePeriod}) goes into the usage records
 * ({@link #charge}, {@link #refund}) that follow it; the other kinds carry none.
 */
public final class Records {
    private final Journal journal;
    /** Null when records go straight to the journal. */
    private final Wal wal;
    private final CdrExport export;
    private final JournalCheckpoint checkpoint;
    private final CdrRecord record;
    private final CdrWalCodec codec = new CdrWalCodec();
    private final Account after = new Account();
    private final StringBuilder explanation = new StringBuilder(CdrRecord.MAX_EXPLANATION_CHARS);
    /** Names the services of usage records; set by {@link ChargingState} (null: records carry the index only). */
    private Catalogue catalogue;

    private long imsi;
    private int visitedMccMnc = CdrRecord.NO_VISITED_NETWORK;
    private final byte[] called = new byte[CdrRecord.MAX_CALLED_NUMBER_BYTES];
    private int calledLength;
    private long usageStartMs = CdrRecord.NONE;
    private long usageStopMs = CdrRecord.NONE;

    /** Without a checkpoint (tests, benchmarks): every start reads the whole journal. */
    public Records(Journal journal) {
        this(journal, null);
    }

    /** Straight to the JSON journal. @param checkpoint advanced at every {@link #flush()}, or null */
    public Records(Journal journal, JournalCheckpoint checkpoint) {
        this.journal = journal;
        this.wal = null;
        this.export = null;
        this.checkpoint = checkpoint;
        this.record = journal.record();
    }

    /**
     * To the write-ahead log; {@code export} writes the JSON journal from it.
     *
     * @param checkpoint advanced at every {@link #flush()} to the log's seq (the export keeps the seq), or null
     */
    public Records(Wal wal, CdrExport export, Journal journal, JournalCheckpoint checkpoint) {
        this.journal = journal;
        this.wal = wal;
        this.export = export;
        this.checkpoint = checkpoint;
        this.record = new CdrRecord();
    }

    /**
     * The JSON journal (the export, when there is a log). With a log its {@link Journal#lastSeq()} is the log's,
     * and its readers first wait for the export (on this thread only).
     */
    public Journal journal() {
        return journal;
    }

    /** The write-ahead log, or null when records go straight to the journal. */
    public Wal wal() {
        return wal;
    }

    /** Seq of the last record appended (log or journal). */
    public long lastSeq() {
        return wal != null ? wal.lastSeq() : journal.lastSeq();
    }

    /**
     * Makes the JSON journal hold every record appended so far, for a query that reads it: publishes the log and
     * waits for the export, at most {@code timeoutMs}. Nothing to do without a log.
     *
     * @return false when the export did not get there in time
     */
    public boolean awaitExport(long timeoutMs) {
        if (wal == null) {
            return true;
        }
        wal.endOfBatch();
        return export.awaitExported(wal.lastSeq(), timeoutMs);
    }

    /**
     * The network context of the request being processed, carried by the usage records ({@link #charge},
     * {@link #refund}) that follow, until the next call or {@link #clearNetwork()}: the IMSI (0: unknown), the
     * visited network's MCC-MNC ({@code RingEvent.visitedMccMnc}, -1 home) and the called number's bytes
     * ({@code RingEvent.called}, length 0: none).
     */
    public void network(long imsi, int visitedMccMnc, byte[] called, int calledLength) {
        this.imsi = imsi;
        this.visitedMccMnc = visitedMccMnc;
        int n = Math.max(0, Math.min(calledLength, this.called.length));
        if (n > 0) {
            System.arraycopy(called, 0, this.called, 0, n);
        }
        this.calledLength = n;
    }

    /** Forgets the network context and any usage period (after a request). */
    public void clearNetwork() {
        imsi = 0;
        visitedMccMnc = CdrRecord.NO_VISITED_NETWORK;
        calledLength = 0;
        usageStartMs = CdrRecord.NONE;
        usageStopMs = CdrRecord.NONE;
    }

    /**
     * Start and stop (epoch ms) of the usage the next {@link #charge} or {@link #refund} records; used by that one
     * record only.
     */
    public void usagePeriod(long startMs, long stopMs) {
        this.usageStartMs = startMs;
        this.usageStopMs = stopMs;
    }

    private CdrRecord begin(CdrKind kind, Subscriber subscriber, long nowMs) {
        return record.reset(kind, nowMs).msisdn(subscriber.msisdn()).accountId(subscriber.accountId());
    }

    /** Adds the request's network context and usage period to a usage record. */
    private CdrRecord usage(CdrRecord r) {
        r.imsi(imsi).visitedMccMnc(visitedMccMnc).usagePeriod(usageStartMs, usageStopMs);
        if (calledLength > 0) {
            r.calledNumber(called, 0, calledLength);
        }
        usageStartMs = CdrRecord.NONE;
        usageStopMs = CdrRecord.NONE;
        return r;
    }

    private long finish(CdrRecord r, Subscriber subscriber, Wallet wallet) {
        r.packageId(subscriber);
        after.clear(subscriber.accountId());
        ChargingState.fromWallet(wallet, after);
        r.afterState(after);
        counters.increment(io.gyro.engine.status.EngineCounters.JOURNAL_RECORDS);
        return wal != null ? wal.append(r.tsMs(), codec.wrap(r)) : journal.append(r);
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
        usage(r);
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
        usage(r);
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
     * Ends a processor batch: forces the log (or the journal) when fsync is configured and publishes it to the
     * export. Called after every write of the batch's requests (and
     * of the housekeeping that follows them), so it also advances the journal checkpoint to the last record:
     * each of those records has had all its map writes.
     */
    public void flush() {
        if (wal != null) {
            wal.endOfBatch();
        } else {
            journal.endOfBatch();
        }

        if (checkpoint != null) {
            checkpoint.advance(lastSeq());
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

    private io.gyro.engine.status.Counters counters = new io.gyro.engine.status.Counters();

    /** Counts the records appended from now on into {@code counters} (JOURNAL_RECORDS). */
    public void countInto(io.gyro.engine.status.Counters counters) {
        this.counters = counters;
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
