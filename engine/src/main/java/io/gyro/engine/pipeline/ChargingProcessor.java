package io.gyro.engine.pipeline;

import com.lmax.disruptor.EventHandler;
import io.gyro.diameter.api.AnswerSink;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlAnswerWriter;
import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.status.EngineCounters;
import io.gyro.engine.status.LatencyHistogram;
import io.gyro.engine.store.ExpiryWheel;
import io.gyro.engine.store.Session;
import io.gyro.engine.store.SessionKey;
import io.gyro.engine.store.SubscriberState;
import io.gyro.rating.ChargeRequest;
import io.gyro.rating.ChargeResult;
import io.gyro.rating.Outcome;
import io.gyro.rating.QuotaRequest;
import io.gyro.rating.QuotaResult;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.tariff.FinalUnitAction;
import io.gyro.rating.tariff.ServiceKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.IdentityHashMap;

/**
 * The charging processor: the single thread that owns balances, reservations and sessions
 * (ARCHITECTURE.md, "Threads"). For each Credit-Control-Request it finds the session and the
 * subscriber, charges reported usage, reserves the next grant, appends the charging records,
 * stores the answer for retransmissions, and queues the answer.
 *
 * <p>Durability order per batch: records are appended to the journal as requests are processed,
 * the journal is written to the OS at the end of the batch, and only then are the batch's
 * answers handed to Netty and flushed. An answer therefore never leaves before its record.
 */
public final class ChargingProcessor implements EventHandler<RingEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(ChargingProcessor.class);

    private final ChargingState state;
    private final Clock clock;
    private final int sweepLimit;

    private final Session session = new Session();
    private final QuotaRequest quotaRequest = new QuotaRequest();
    private final QuotaResult quota = new QuotaResult();
    private final ChargeRequest chargeRequest = new ChargeRequest();
    private final ChargeResult charge = new ChargeResult();
    private final CreditControlAnswerWriter answerWriter = new CreditControlAnswerWriter();
    private final AsciiView serviceContext = new AsciiView();
    private final AsciiView calledNumber = new AsciiView();
    private final AsciiView apn = new AsciiView();

    /*
     * The rating group's position in the session, as the session slot keeps it (Session#chargedUnits ...): loaded
     * before its usage is charged, moved by each charge, stored with its next grant. One rating group at a time.
     */
    private long usedUnits;
    private long ratedUnits;
    private long moneyRawMicros;
    private long moneyMicros;

    // Answers of the current batch, sent after the journal is written.
    private final AnswerSink[] answerPeers;
    private final ByteBuf[] answers;
    /** When each answer's request was decoded on the event loop ({@link RingEvent#receivedNanos}). */
    private final long[] answerReceivedNanos;
    private int answerCount;
    /** Decode on the event loop to answer handed to Netty, per CCR: the time spent in the engine. */
    private final LatencyHistogram latency = new LatencyHistogram();
    private final IdentityHashMap<AnswerSink, Boolean> touched = new IdentityHashMap<>();
    /** Sessions by expiry second, for the stale sweep (rebuilt from the store at start). */
    private final ExpiryWheel expiries;
    /** Where the current request's session is filed in {@link #expiries} at the latest (MAX_VALUE: not filed). */
    private long filedExpiryMs;
    private final ExpiryWheel.Visitor sweepVisitor = this::sweepOne;
    private long sweepNowMs;
    /**
     * When this processor started, and the last activity of any stored session then (about when the engine last
     * served). The time the engine was down does not count against a session: one that expired in between keeps,
     * after the start, the time it still had when the engine last served, so a client's retransmission after a
     * restart (RFC 4006 §7: T flag, same CC-Request-Number) still finds it and its stored answer instead of being
     * charged again, and a silent session's reservation comes back after its timeout counted in up time. The extra
     * time is at most the session's own validity plus grace, and only sessions that expired in the gap get it.
     */
    private final long startedAtMs;
    private final long lastServedMs;

    /** Epoch-millisecond clock, injectable for tests. */
    public interface Clock {
        long nowMs();
    }

    public ChargingProcessor(ChargingState state, Clock clock, int maxBatch) {
        this.state = state;
        this.clock = clock;
        this.answerPeers = new AnswerSink[maxBatch];
        this.answers = new ByteBuf[maxBatch];
        this.answerReceivedNanos = new long[maxBatch];
        this.sweepLimit = 10_000;
        long nowMs = clock.nowMs();
        this.renewalClockMs = nowMs;
        this.expiries = new ExpiryWheel(nowMs, EXPIRY_LOOK_AHEAD_MS);
        long[] lastServed = {Long.MIN_VALUE};
        state.stores.sessions().forEach(s -> {
            expiries.schedule(s.id(), s.expiresAtMs(), nowMs);
            lastServed[0] = Math.max(lastServed[0], s.lastActivityMs());
        });
        this.startedAtMs = nowMs;
        this.lastServedMs = lastServed[0];
    }

    public ChargingState state() {
        return state;
    }

    /** Time in the engine per answered CCR, from its decode to its answer handed to Netty (any thread may read it). */
    public LatencyHistogram latency() {
        return latency;
    }

    @Override
    public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
        long seqBefore = state.records.journal().lastSeq();
        try {
            switch (event.kind) {
                case CCR:
                    EngineCounters.CCR_RECEIVED.increment();
                    onCreditControl(event, clock.nowMs());
                    break;
                case ADMIN:
                    EngineCounters.ADMIN_TASKS.increment();
                    event.admin.execute(state);
                    if (event.admin.result.isCompletedExceptionally()) {
                        // it may have failed after journaling: its records may lack their map writes (see below)
                        afterFailure(seqBefore);
                    }
                    break;
                case TICK:
                    sweepStaleSessions(clock.nowMs(), sweepLimit);
                    renewDuePackages(clock.nowMs());
                    break;
                default:
                    break;
            }
        } catch (RuntimeException e) {
            EngineCounters.PROCESSOR_ERRORS.increment();
            io.gyro.engine.status.ErrorLog.error(LOG, "charging processor failed on a " + event.kind + " event", e);
            // Its records (if any) may lack their map writes.
            afterFailure(seqBefore);
            if (event.kind == RingEvent.Kind.CCR) {
                queueAnswer(event, simpleAnswer(event, ResultCode.DIAMETER_UNABLE_TO_COMPLY));
            }
        } finally {
            event.clear();
        }
        if (endOfBatch || answerCount == answers.length) {
            endBatch();
        }
    }

    /** Writes the batch's records to the OS, then hands the answers to Netty and flushes each peer once. */
    private void endBatch() {
        EngineCounters.PROCESSOR_BATCHES.increment();
        // A few due sessions and a slice of the renewal sweep per batch keep housekeeping small and
        // steady; the tick does the rest when traffic is idle.
        long nowMs = clock.nowMs();
        sweepStaleSessions(nowMs, BATCH_SWEEP_LIMIT);
        renewDuePackages(nowMs);
        state.records.flush();
        long handedNanos = System.nanoTime();
        for (int i = 0; i < answerCount; i++) {
            AnswerSink peer = answerPeers[i];
            peer.answer(answers[i]);
            latency.record(handedNanos - answerReceivedNanos[i]);
            touched.put(peer, Boolean.TRUE);
            answerPeers[i] = null;
            answers[i] = null;
        }
        answerCount = 0;
        if (!touched.isEmpty()) {
            for (AnswerSink peer : touched.keySet()) {
                peer.flush();
            }
            touched.clear();
        }
    }

    private void queueAnswer(RingEvent request, ByteBuf answer) {
        answerPeers[answerCount] = request.peer;
        answerReceivedNanos[answerCount] = request.receivedNanos;
        answers[answerCount++] = answer;
        EngineCounters.CCR_ANSWERED.increment();
    }

    // ------------------------------------------------------------------ credit control

    private void onCreditControl(RingEvent e, long nowMs) {
        SessionKey key = session.id();
        key.set(e.sessionId, 0, e.sessionIdLength);
        boolean known = state.stores.sessions().read(session);
        filedExpiryMs = known ? session.expiresAtMs() : Long.MAX_VALUE;

        if (known && session.lastCcRequestNumber() != Session.NO_REQUEST) {
            // RFC 4006 §7 / GY-PROFILE: the same request again gets the same answer, nothing changes.
            if (e.ccRequestNumber == session.lastCcRequestNumber() && e.ccRequestType == session.lastRequestType()) {
                EngineCounters.RETRANSMISSIONS.increment();
                replay(e);
                return;
            }
            if (e.ccRequestNumber <= session.lastCcRequestNumber()) {
                queueAnswer(e, failedRequestNumber(e));
                return;
            }
        }
        switch (e.ccRequestType) {
            case Enumerations.INITIAL_REQUEST:
            case Enumerations.EVENT_REQUEST:
                // A new session (or a one-shot event): the Session-Id must be new, and must fit.
                if (known) {
                    queueAnswer(e, simpleAnswer(e, ResultCode.DIAMETER_UNABLE_TO_COMPLY));
                    return;
                }
                if (sessionStoreFull()) {
                    queueAnswer(e, simpleAnswer(e, ResultCode.DIAMETER_TOO_BUSY));
                    return;
                }
                session.clear();
                session.createdMs(nowMs);
                if (e.ccRequestType == Enumerations.INITIAL_REQUEST) {
                    sessionRequest(e, nowMs, true);
                } else {
                    eventRequest(e, nowMs);
                }
                return;
            case Enumerations.UPDATE_REQUEST:
            case Enumerations.TERMINATION_REQUEST:
                if (!known || session.lastRequestType() == Enumerations.TERMINATION_REQUEST
                        || session.lastRequestType() == Enumerations.EVENT_REQUEST) {
                    EngineCounters.UNKNOWN_SESSION.increment();
                    queueAnswer(e, simpleAnswer(e, ResultCode.DIAMETER_UNKNOWN_SESSION_ID));
                    return;
                }
                sessionRequest(e, nowMs, false);
                return;
            default:
                queueAnswer(e, simpleAnswer(e, ResultCode.DIAMETER_INVALID_AVP_VALUE));
        }
    }

    /**
     * A new session must fit before anything is charged: with the live sessions at their configured
     * capacity, new sessions and events are refused with 3004 DIAMETER_TOO_BUSY (the PGW may try
     * another OCS or retry), while running sessions continue. Ended sessions kept for retransmissions
     * are not counted: they have their own bounded map (SessionStore), which never refuses one.
     */
    private boolean sessionStoreFull() {
        if (state.stores.sessions().count() < state.settings.maxSessions) {
            return false;
        }
        EngineCounters.SESSION_STORE_FULL.increment();
        return true;
    }

    /** Finds the subscriber of a request (by the session's MSISDN once known); returns a Result-Code or 0. */
    private int resolveSubscriber(RingEvent e, boolean initial) {
        boolean found;
        if (!initial) {
            found = state.stores.subscribers().findByMsisdn(session.msisdn(), state.subscriber);
        } else if (e.msisdn >= 0) {
            found = state.stores.subscribers().findByMsisdn(e.msisdn, state.subscriber);
        } else if (e.imsi >= 0) {
            found = state.stores.subscribers().findByImsi(e.imsi, state.subscriber);
        } else {
            found = false;
        }
        if (!found) {
            EngineCounters.UNKNOWN_USER.increment();
            return ResultCode.DIAMETER_USER_UNKNOWN;
        }
        if (initial && state.subscriber.state() != SubscriberState.ACTIVE) {
            EngineCounters.SERVICE_DENIED.increment();
            return ResultCode.DIAMETER_END_USER_SERVICE_DENIED;
        }
        if (!state.stores.accounts().read(state.subscriber.accountId(), state.account)) {
            EngineCounters.UNKNOWN_USER.increment();
            return ResultCode.DIAMETER_USER_UNKNOWN;
        }
        return 0;
    }

    private void fillPackages(QuotaRequest q) {
        q.packageIndex = state.packageIndex(state.subscriber);
        for (int i = 0; i < state.subscriber.addOnCount(); i++) {
            int index = state.addOnIndex(state.subscriber, i);
            if (index >= 0 && q.addonCount < QuotaRequest.MAX_ADDONS) {
                q.addon(index);
            }
        }
    }

    private void fillPackages(ChargeRequest c) {
        c.packageIndex = state.packageIndex(state.subscriber);
        for (int i = 0; i < state.subscriber.addOnCount(); i++) {
            int index = state.addOnIndex(state.subscriber, i);
            if (index >= 0 && c.addonCount < QuotaRequest.MAX_ADDONS) {
                c.addon(index);
            }
        }
    }

    /** CCR-INITIAL, -UPDATE and -TERMINATION (RFC 4006 §5.1, GY-PROFILE "Session charging behaviour"). */
    private void sessionRequest(RingEvent e, long nowMs, boolean initial) {
        int failure = resolveSubscriber(e, initial);
        if (failure != 0) {
            queueAnswer(e, simpleAnswer(e, failure));
            return;
        }
        Catalogue catalogue = state.catalogue();
        Wallet wallet = state.wallet;
        ChargingState.toWallet(state.account, wallet);
        wallet.dropExpired(nowMs);
        boolean terminate = e.ccRequestType == Enumerations.TERMINATION_REQUEST;
        long journalSeq = 0;

        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(512);
        answerWriter.begin(out, e.hopByHop, e.endToEnd, e.sessionId, e.sessionIdLength, ResultCode.DIAMETER_SUCCESS,
                state.settings.originHost, state.settings.originRealm, e.ccRequestType, e.ccRequestNumber);
        serviceContext.wrap(e.serviceContextId, 0, e.serviceContextIdLength);
        if (e.calledLength > 0) {
            // The call's destination is rated on every report: keep it for CCR-Us that omit it.
            session.called(e.called, e.calledLength);
        }
        calledNumber.wrap(session.called(), 0, session.calledLength());
        apn.wrap(e.apn, 0, e.apnLength);
        long maxValidityMs = 0;
        if (terminate) {
            // The session ends: every reservation it holds comes back before any of its final usage is charged, so
            // that usage beyond one rating group's grant can be paid from the session's other grants (usage is never
            // paid from money a reservation holds), whatever the order of the MSCCs.
            for (int slot = 0; slot < session.slotCount(); slot++) {
                releaseSlot(slot, wallet);
            }
        }

        for (int m = 0; m < e.msccCount; m++) {
            long ratingGroup = e.ratingGroup[m];
            int slot = session.findSlot(ratingGroup);
            // A CCR-U/T need not repeat PS- or IMS-Information: without an APN, RAT type and Role-of-Node the rating
            // group keeps the service it was granted under (an APN-specific one or an incoming call's included).
            int service = slot >= 0 && e.apnLength == 0 && e.ratType < 0 && e.roleOfNode < 0
                    && session.serviceIndex(slot) < catalogue.serviceCount() ? session.serviceIndex(slot)
                    : catalogue.serviceIndex(serviceContext, ratingGroup, e.serviceIdentifier[m], apn, e.ratType,
                            e.roleOfNode);
            if (service < 0) {
                EngineCounters.RATING_FAILED.increment();
                answerWriter.beginMscc(ratingGroup, e.serviceIdentifier[m], ResultCode.DIAMETER_RATING_FAILED).endMscc();
                continue;
            }
            ServiceKind kind = catalogue.unitKind(service);
            if (!initial && !terminate && !e.usuPresent[m] && !e.rsuPresent[m]) {
                // RFC 4006 §5.1.2: an MSCC that neither reports usage nor asks for quota leaves
                // the rating group's reservation as it is.
                answerWriter.beginMscc(ratingGroup, e.serviceIdentifier[m], ResultCode.DIAMETER_SUCCESS).endMscc();
                continue;
            }
            // 1. Give back what this rating group held, then charge what was used against it, on the grid and at
            //    the band of the grant it was used under (not of the moment the report arrives).
            loadPosition(slot);
            if (slot >= 0 && !terminate) {
                releaseSlot(slot, wallet);
            }
            if (e.usuPresent[m]) {
                long seq = chargeUsage(e, m, slot, service, ratingGroup, kind, nowMs,
                        terminate ? CdrKind.SESSION_END : CdrKind.SESSION_INTERIM);
                journalSeq = Math.max(journalSeq, seq);
            }
            // 2. Reserve again when the client asks for quota (an RSU, possibly empty; a CCR-I
            //    always gets a grant), unless the session ends.
            boolean wantsQuota = !terminate && (e.rsuPresent[m] || initial)
                    && !(e.reportingReason[m] == Enumerations.RR_FINAL && !e.rsuPresent[m]);
            if (!wantsQuota) {
                if (slot >= 0) {
                    session.removeSlot(slot);
                }
                if (!terminate) {
                    answerWriter.beginMscc(ratingGroup, e.serviceIdentifier[m], ResultCode.DIAMETER_SUCCESS).endMscc();
                }
                continue;
            }
            long requested = requestedUnits(e, m, kind);
            quotaRequest.clear();
            fillPackages(quotaRequest);
            quotaRequest.service = service;
            quotaRequest.requestedUnits = requested;
            quotaRequest.nowMs = nowMs;
            quotaRequest.visitedMccMnc = e.visitedMccMnc;
            quotaRequest.calledNumber = calledNumber;
            quotaRequest.sessionUnitsBefore = usedUnits;
            quotaRequest.sessionRatedBefore = ratedUnits;
            quotaRequest.sessionMoneyRawMicrosBefore = moneyRawMicros;
            quotaRequest.sessionMoneyMicrosBefore = moneyMicros;
            quota.clear();
            state.rater().quota(quotaRequest, wallet, quota);
            maxValidityMs = Math.max(maxValidityMs, writeGrant(e, m, slot, service, kind, wallet, nowMs));
        }
        if (terminate) {
            // Released before the loop; drop the rating groups the final CCR did not mention.
            while (session.slotCount() > 0) {
                session.removeSlot(0);
            }
        }
        ByteBuf answer = answerWriter.end();
        writeAccount(wallet, journalSeq);
        long keepMs = terminate ? state.settings.sessionGraceMs
                : Math.max(maxValidityMs, 0) + state.settings.sessionGraceMs;
        commit(e, nowMs, keepMs, answer);
    }

    /** Writes the wallet back to the account, marking the last record it reflects. */
    private void writeAccount(Wallet wallet, long journalSeq) {
        ChargingState.fromWallet(wallet, state.account);
        if (journalSeq > 0) {
            state.account.lastJournalSeq(journalSeq);
        }
        state.stores.accounts().write(state.account);
    }

    /**
     * Last step of every served request, after its records and the account: the session
     * remembers this CC-Request-Number and its answer (for retransmissions), then the answer is
     * queued for the end of the batch.
     */
    private void commit(RingEvent e, long nowMs, long keepMs, ByteBuf answer) {
        session.msisdn(state.subscriber.msisdn());
        session.accountId(state.subscriber.accountId());
        session.lastCcRequestNumber(e.ccRequestNumber);
        session.lastRequestType(e.ccRequestType);
        session.lastActivityMs(nowMs);
        session.expiresAtMs(nowMs + keepMs);
        storeAnswer(answer);
        state.stores.sessions().write(session);
        if (session.expiresAtMs() < filedExpiryMs) {
            // new, or ending sooner than where it is filed (an extension needs no refiling: the sweep
            // finds the later expiry when it looks)
            expiries.schedule(session.id(), session.expiresAtMs(), nowMs);
        }
        queueAnswer(e, answer);
    }

    private void releaseSlot(int slot, Wallet wallet) {
        for (int p = 0; p < session.bucketPairCount(slot); p++) {
            int b = wallet.indexOfBucket(session.pairBucketId(slot, p));
            if (b >= 0) {
                wallet.bucketReserved[b] = Math.max(0, wallet.bucketReserved[b] - session.pairUnits(slot, p));
            }
        }
        wallet.reservedMicros = Math.max(0, wallet.reservedMicros - session.reservedMicros(slot));
    }

    private static long usedUnits(RingEvent e, int m, ServiceKind kind) {
        switch (kind) {
            case BYTES:
                return e.usuOctets[m];
            case SECONDS:
                return e.usuTime[m];
            default:
                return e.usuEvents[m];
        }
    }

    private static long usedAfterChange(RingEvent e, int m, ServiceKind kind) {
        switch (kind) {
            case BYTES:
                return e.usuAfterChangeOctets[m];
            case SECONDS:
                return e.usuAfterChangeTime[m];
            default:
                return e.usuAfterChangeEvents[m];
        }
    }

    private static long requestedUnits(RingEvent e, int m, ServiceKind kind) {
        switch (kind) {
            case BYTES:
                return e.rsuOctets[m];
            case SECONDS:
                return e.rsuTime[m];
            default:
                return e.rsuEvents[m];
        }
    }

    /** The rating group's position in the session from its slot, or the start of the grid for a new one. */
    private void loadPosition(int slot) {
        usedUnits = slot >= 0 ? session.chargedUnits(slot) : 0;
        ratedUnits = slot >= 0 ? Math.max(session.ratedUnits(slot), usedUnits) : 0;
        moneyRawMicros = slot >= 0 ? session.moneyRawMicros(slot) : 0;
        moneyMicros = slot >= 0 ? session.moneyMicros(slot) : 0;
    }

    /**
     * Prices and debits the usage an MSCC reports, and appends its record. Returns the record's sequence (0 if none).
     *
     * <p>TS 32.299 §5.1.2.2.2: usage is priced at the band of the grant it was used under, so a report that arrives
     * after a band change for a grant made before it is priced at the earlier band; the part a Used-Service-Unit marks
     * UNIT_AFTER_TARIFF_CHANGE is priced at the band of the Tariff-Time-Change that was sent with the grant.
     */
    private long chargeUsage(RingEvent e, int m, int slot, int service, long ratingGroup, ServiceKind kind, long nowMs,
                             CdrKind recordKind) {
        long used = usedUnits(e, m, kind);
        if (used <= 0) {
            return 0;
        }
        long grantedAtMs = slot >= 0 && session.grantedAtMs(slot) > 0 ? session.grantedAtMs(slot) : nowMs;
        long tariffChangeMs = slot >= 0 ? session.tariffChangeMs(slot) : 0;
        long after = Math.min(used, usedAfterChange(e, m, kind));
        chargeRequest.clear();
        fillPackages(chargeRequest);
        chargeRequest.service = service;
        chargeRequest.usedUnits = used;
        chargeRequest.startMs = Math.min(grantedAtMs, nowMs);
        if (after > 0 && tariffChangeMs > chargeRequest.startMs) {
            chargeRequest.unitsAfterTariffChange = after;
            chargeRequest.tariffChangeMs = tariffChangeMs;
        }
        chargeRequest.visitedMccMnc = e.visitedMccMnc;
        chargeRequest.calledNumber = calledNumber;
        chargeRequest.sessionUnitsBefore = usedUnits;
        chargeRequest.sessionRatedBefore = ratedUnits;
        chargeRequest.sessionMoneyRawMicrosBefore = moneyRawMicros;
        chargeRequest.sessionMoneyMicrosBefore = moneyMicros;
        charge.clear();
        state.rater().charge(chargeRequest, state.wallet, charge);
        EngineCounters.CHARGES.increment();
        // The position after this charge (the position before it when nothing was charged).
        usedUnits = charge.sessionUnitsAfter;
        ratedUnits = charge.sessionRatedAfter;
        moneyRawMicros = charge.sessionMoneyRawMicrosAfter;
        moneyMicros = charge.sessionMoneyMicrosAfter;
        return state.records.charge(recordKind, state.subscriber, session.id(), e.ccRequestNumber,
                service, ratingGroup, charge, state.wallet, nowMs, state.catalogue());
    }

    /**
     * Writes one MSCC of the answer from {@link #quota}; reserves in the wallet and in the rating
     * group's session slot ({@code slot}, or a new one), or drops the slot when nothing is
     * granted. Returns the grant's validity in ms.
     */
    private long writeGrant(RingEvent e, int m, int slot, int service, ServiceKind kind, Wallet wallet, long nowMs) {
        long ratingGroup = e.ratingGroup[m];
        long serviceIdentifier = e.serviceIdentifier[m];
        Outcome outcome = quota.outcome;
        if (outcome == Outcome.GRANTED && quota.grantedUnits > 0) {
            trimToSessionCapacity();
            if (slot < 0) {
                slot = session.addSlot(ratingGroup, service);
            } else {
                session.clearBucketUnits(slot);
            }
            if (slot < 0) {
                answerWriter.beginMscc(ratingGroup, serviceIdentifier, ResultCode.DIAMETER_RESOURCES_EXCEEDED).endMscc();
                return 0;
            }
            session.chargedUnits(slot, usedUnits).ratedUnits(slot, ratedUnits).moneyRawMicros(slot, moneyRawMicros)
                    .moneyMicros(slot, moneyMicros).grantedAtMs(slot, nowMs).tariffChangeMs(slot, quota.tariffChangeMs);
            state.rater().reserve(quota, wallet);
            session.grantedUnits(slot, quota.grantedUnits);
            session.reservedMicros(slot, quota.reservedMicros);
            long validityMs = quota.validityTimeSeconds * 1000L;
            session.validUntilMs(slot, validityMs > 0 ? nowMs + validityMs : 0);
            for (int i = 0; i < quota.reservationCount; i++) {
                session.addBucketUnits(slot, quota.reservedBucketId[i], quota.reservedBucketUnits[i]);
            }
            answerWriter.beginMscc(ratingGroup, serviceIdentifier, ResultCode.DIAMETER_SUCCESS);
            writeGranted(kind, quota.grantedUnits);
            if (quota.validityTimeSeconds > 0) {
                answerWriter.validityTime(quota.validityTimeSeconds);
            }
            if (quota.quotaThresholdUnits > 0 && kind == ServiceKind.BYTES) {
                answerWriter.volumeQuotaThreshold(quota.quotaThresholdUnits);
            }
            if (quota.tariffChangeMs > 0) {
                answerWriter.tariffTimeChange(quota.tariffChangeMs);
            }
            if (quota.finalUnits && quota.finalUnitAction != null) {
                writeFinalUnit(quota.finalUnitAction, quota.redirectUrl, quota.filterId);
            }
            answerWriter.endMscc();
            return validityMs;
        }
        if (slot >= 0) {
            session.removeSlot(slot); // nothing reserved for this rating group any more
        }
        if (outcome == Outcome.GRANTED || outcome == Outcome.OUT_OF_CREDIT) {
            EngineCounters.CREDIT_LIMIT.increment();
            FinalUnitAction action = quota.finalUnitAction;
            if (action == FinalUnitAction.REDIRECT || action == FinalUnitAction.RESTRICT_ACCESS) {
                // Nothing left to grant, and the package sends the user to the top-up page (or a
                // walled garden) instead of cutting them off: a zero grant with Final-Unit-Indication.
                answerWriter.beginMscc(ratingGroup, serviceIdentifier, ResultCode.DIAMETER_SUCCESS);
                writeGranted(kind, 0);
                writeFinalUnit(action, quota.redirectUrl, quota.filterId);
                answerWriter.endMscc();
                return 0;
            }
            answerWriter.beginMscc(ratingGroup, serviceIdentifier, ResultCode.DIAMETER_CREDIT_LIMIT_REACHED).endMscc();
            return 0;
        }
        if (outcome == Outcome.NO_TARIFF) {
            EngineCounters.RATING_FAILED.increment();
            answerWriter.beginMscc(ratingGroup, serviceIdentifier, ResultCode.DIAMETER_RATING_FAILED).endMscc();
            return 0;
        }
        if (outcome == Outcome.DENIED) {
            EngineCounters.SERVICE_DENIED.increment();
            answerWriter.beginMscc(ratingGroup, serviceIdentifier, ResultCode.DIAMETER_END_USER_SERVICE_DENIED).endMscc();
            return 0;
        }
        answerWriter.beginMscc(ratingGroup, serviceIdentifier, ResultCode.DIAMETER_UNABLE_TO_COMPLY).endMscc();
        return 0;
    }

    /** A session slot remembers at most 4 buckets: grant only what those back, plus money. */
    private void trimToSessionCapacity() {
        while (quota.reservationCount > Session.MAX_BUCKETS_PER_SLOT) {
            int last = --quota.reservationCount;
            quota.grantedUnits -= quota.reservedBucketUnits[last];
        }
    }

    private void writeGranted(ServiceKind kind, long units) {
        switch (kind) {
            case BYTES:
                answerWriter.grantedOctets(units);
                break;
            case SECONDS:
                answerWriter.grantedTime(units);
                break;
            default:
                answerWriter.grantedServiceSpecificUnits(units);
        }
    }

    private void writeFinalUnit(FinalUnitAction action, String redirectUrl, String filterId) {
        switch (action) {
            case REDIRECT:
                answerWriter.finalUnitRedirect(redirectUrl == null ? "" : redirectUrl);
                break;
            case RESTRICT_ACCESS:
                answerWriter.finalUnit(Enumerations.FUA_RESTRICT_ACCESS, filterId);
                break;
            default:
                answerWriter.finalUnit(Enumerations.FUA_TERMINATE, null);
        }
    }

    // ------------------------------------------------------------------ events

    /** CCR-EVENT: Requested-Action decides (RFC 4006 §6.3, §8.41). No session state stays behind but the answer. */
    private void eventRequest(RingEvent e, long nowMs) {
        int failure = resolveSubscriber(e, true);
        if (failure != 0) {
            queueAnswer(e, simpleAnswer(e, failure));
            return;
        }
        Catalogue catalogue = state.catalogue();
        Wallet wallet = state.wallet;
        ChargingState.toWallet(state.account, wallet);
        wallet.dropExpired(nowMs);
        int action = e.requestedAction < 0 ? Enumerations.DIRECT_DEBITING : e.requestedAction;
        serviceContext.wrap(e.serviceContextId, 0, e.serviceContextIdLength);
        calledNumber.wrap(e.called, 0, e.calledLength);
        apn.wrap(e.apn, 0, e.apnLength);
        long journalSeq = 0;
        int topResult = ResultCode.DIAMETER_SUCCESS;
        int checkBalance = Enumerations.ENOUGH_CREDIT;
        long totalPrice = 0;

        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(512);
        int count = Math.max(e.msccCount, 1);
        // Result per MSCC first, so a single-service event can carry it at the top level.
        int[] results = resultScratch;
        long[] units = unitScratch;
        for (int m = 0; m < count; m++) {
            long ratingGroup = e.msccCount == 0 ? -1 : e.ratingGroup[m];
            long serviceIdentifier = e.msccCount == 0 ? -1 : e.serviceIdentifier[m];
            int service = catalogue.serviceIndex(serviceContext, ratingGroup, serviceIdentifier, apn, e.ratType,
                    e.roleOfNode);
            if (service < 0) {
                results[m] = ResultCode.DIAMETER_RATING_FAILED;
                units[m] = 0;
                continue;
            }
            ServiceKind kind = catalogue.unitKind(service);
            long requested = e.msccCount == 0 ? -1 : requestedUnits(e, m, kind);
            long n = requested > 0 ? requested : (kind == ServiceKind.EVENTS ? 1 : catalogue.defaultQuota(service));
            units[m] = n;
            chargeRequest.clear();
            fillPackages(chargeRequest);
            chargeRequest.service = service;
            chargeRequest.usedUnits = n;
            chargeRequest.startMs = e.eventTimestampMs > 0 ? e.eventTimestampMs : nowMs;
            chargeRequest.visitedMccMnc = e.visitedMccMnc;
            chargeRequest.calledNumber = calledNumber;
            charge.clear();
            switch (action) {
                case Enumerations.DIRECT_DEBITING:
                    if (!state.rater().canPay(chargeRequest, wallet, charge)) {
                        results[m] = charge.outcome == Outcome.NO_TARIFF ? ResultCode.DIAMETER_RATING_FAILED
                                : charge.outcome == Outcome.DENIED ? ResultCode.DIAMETER_END_USER_SERVICE_DENIED
                                : ResultCode.DIAMETER_CREDIT_LIMIT_REACHED;
                        break;
                    }
                    charge.clear();
                    state.rater().charge(chargeRequest, wallet, charge);
                    EngineCounters.CHARGES.increment();
                    journalSeq = Math.max(journalSeq, state.records.charge(CdrKind.EVENT, state.subscriber, session.id(),
                            e.ccRequestNumber, service, ratingGroup, charge, wallet, nowMs, catalogue));
                    results[m] = ResultCode.DIAMETER_SUCCESS;
                    break;
                case Enumerations.REFUND_ACCOUNT:
                    state.rater().listPrice(chargeRequest, charge);
                    if (charge.outcome != Outcome.CHARGED) {
                        results[m] = ResultCode.DIAMETER_RATING_FAILED;
                        break;
                    }
                    wallet.moneyMicros = Math.addExact(wallet.moneyMicros, charge.priceMicros);
                    journalSeq = Math.max(journalSeq, state.records.refund(state.subscriber, session.id(),
                            e.ccRequestNumber, service, ratingGroup, n, charge.priceMicros, wallet, nowMs));
                    results[m] = ResultCode.DIAMETER_SUCCESS;
                    break;
                case Enumerations.CHECK_BALANCE:
                    if (!state.rater().canPay(chargeRequest, wallet, charge)) {
                        checkBalance = Enumerations.NO_CREDIT;
                    }
                    results[m] = ResultCode.DIAMETER_SUCCESS;
                    break;
                default: // PRICE_ENQUIRY
                    state.rater().enquire(chargeRequest, wallet, charge);
                    if (charge.outcome != Outcome.CHARGED) {
                        results[m] = ResultCode.DIAMETER_RATING_FAILED;
                        break;
                    }
                    totalPrice = Math.addExact(totalPrice, charge.priceMicros);
                    results[m] = ResultCode.DIAMETER_SUCCESS;
            }
        }
        boolean single = e.msccCount <= 1 && e.singleService || e.msccCount == 0;
        if (single) {
            topResult = results[0];
        }
        answerWriter.begin(out, e.hopByHop, e.endToEnd, e.sessionId, e.sessionIdLength, topResult,
                state.settings.originHost, state.settings.originRealm, e.ccRequestType, e.ccRequestNumber);
        answerWriter.requestedAction(action);
        if (single) {
            if (topResult == ResultCode.DIAMETER_SUCCESS && action == Enumerations.DIRECT_DEBITING) {
                answerWriter.raw().beginGroup(AvpCode.GRANTED_SERVICE_UNIT)
                        .unsigned64(AvpCode.CC_SERVICE_SPECIFIC_UNITS, units[0]).endGroup();
            }
        } else {
            for (int m = 0; m < e.msccCount; m++) {
                answerWriter.beginMscc(e.ratingGroup[m], e.serviceIdentifier[m], results[m]);
                if (results[m] == ResultCode.DIAMETER_SUCCESS && action == Enumerations.DIRECT_DEBITING) {
                    answerWriter.grantedServiceSpecificUnits(units[m]);
                }
                answerWriter.endMscc();
            }
        }
        if (action == Enumerations.CHECK_BALANCE) {
            answerWriter.checkBalanceResult(checkBalance);
        } else if (action == Enumerations.PRICE_ENQUIRY) {
            // Unit-Value = Value-Digits × 10^Exponent; micros have exponent -6 (RFC 4006 §8.8).
            answerWriter.costInformation(totalPrice, -6, catalogue.currencyNumericCode());
        }
        ByteBuf answer = answerWriter.end();
        if (action == Enumerations.DIRECT_DEBITING || action == Enumerations.REFUND_ACCOUNT) {
            writeAccount(wallet, journalSeq);
        }
        commit(e, nowMs, state.settings.sessionGraceMs, answer);
    }

    /**
     * A request (or admin task) threw, perhaps after journaling: its records' account after-states are applied
     * now, as start-up recovery would, so that a later request of the same account builds on them instead of
     * on the account as it was (which would lose or hide the journaled act). The checkpoint also stays below
     * them for the rest of the run, so the next start checks them again. An error path: it reads the journal
     * and allocates.
     */
    private void afterFailure(long seqBefore) {
        // held even without a record: a write without one (a reservation) may be half done, and the hold keeps
        // the account-write count from before it, so the next start checks that account
        state.records.holdCheckpoint(seqBefore);
        io.gyro.engine.cdr.Journal journal = state.records.journal();
        if (journal.lastSeq() <= seqBefore) {
            return;
        }
        io.gyro.engine.store.Account account = new io.gyro.engine.store.Account();
        try (io.gyro.engine.cdr.Journal.Scanner scanner = journal.scanAfter(seqBefore)) {
            while (scanner.hasNext()) {
                io.gyro.engine.cdr.JournalEntry e = scanner.next();
                if (e.seq <= seqBefore || !e.hasAfterState()) {
                    continue;
                }
                if (!state.stores.accounts().read(e.accountId, account)) {
                    account.clear(e.accountId);
                }
                if (e.seq > account.lastJournalSeq()) {
                    e.applyTo(account);
                    state.stores.accounts().write(account);
                }
            }
        } catch (java.io.IOException | RuntimeException x) {
            io.gyro.engine.status.ErrorLog.error(LOG, "applying the records of a failed request failed; the next start "
                    + "rolls them forward", x);
        }
    }

    private final int[] resultScratch = new int[io.gyro.diameter.gy.CreditControlRequest.MAX_MSCC];
    private final long[] unitScratch = new long[io.gyro.diameter.gy.CreditControlRequest.MAX_MSCC];

    // ------------------------------------------------------------------ answers

    private void storeAnswer(ByteBuf answer) {
        int length = answer.readableBytes();
        if (length <= Session.MAX_ANSWER_BYTES) {
            answer.getBytes(answer.readerIndex(), session.answer(), 0, length);
            session.answerLength(length);
        } else {
            session.answerLength(0);
        }
    }

    /** Sends the stored answer again with the retransmission's identifiers (RFC 6733 §3: same End-to-End id). */
    private void replay(RingEvent e) {
        int length = session.answerLength();
        if (length == 0) {
            queueAnswer(e, simpleAnswer(e, ResultCode.DIAMETER_UNABLE_TO_COMPLY));
            return;
        }
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(length);
        out.writeBytes(session.answer(), 0, length);
        out.setInt(12, e.hopByHop);
        out.setInt(16, e.endToEnd);
        queueAnswer(e, out);
    }

    private ByteBuf simpleAnswer(RingEvent e, int resultCode) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(256);
        return answerWriter.begin(out, e.hopByHop, e.endToEnd, e.sessionId, e.sessionIdLength, resultCode,
                state.settings.originHost, state.settings.originRealm, e.ccRequestType, e.ccRequestNumber).end();
    }

    /** An older (or repeated with another type) CC-Request-Number: 5004 naming the AVP, nothing charged. */
    private ByteBuf failedRequestNumber(RingEvent e) {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer(256);
        answerWriter.begin(out, e.hopByHop, e.endToEnd, e.sessionId, e.sessionIdLength,
                ResultCode.DIAMETER_INVALID_AVP_VALUE, state.settings.originHost, state.settings.originRealm,
                e.ccRequestType, e.ccRequestNumber);
        answerWriter.raw().utf8(AvpCode.ERROR_MESSAGE, "CC-Request-Number older than the last one of this session");
        answerWriter.raw().beginGroup(AvpCode.FAILED_AVP).unsigned32(AvpCode.CC_REQUEST_NUMBER, e.ccRequestNumber).endGroup();
        return answerWriter.end();
    }

    // ------------------------------------------------------------------ housekeeping

    /** Every subscriber's renewal date is looked at once per this period (a slice of the map at a time). */
    private static final long RENEWAL_PASS_MS = 60_000;
    private static final int MAX_RENEWALS_PER_SEGMENT = 256;
    private final long[] dueMsisdns = new long[MAX_RENEWALS_PER_SEGMENT];
    private long renewalClockMs;
    private double renewalSegmentsOwed;
    private int renewalSegment;
    private final io.gyro.rating.RenewalResult renewal = new io.gyro.rating.RenewalResult();

    /**
     * Package lifecycle: at each subscriber's period boundary, charge the recurring fee and renew
     * the allowances (expired buckets stop counting); a subscriber who cannot pay moves to the
     * state the package says. The subscriber map is swept a few segments at a time (at each tick
     * and at the end of batches), reading each renewal date in place, so that every subscriber is
     * looked at once per {@value #RENEWAL_PASS_MS} ms without a pause that grows with the
     * population; a clock jump of a whole period or more sweeps everything at once.
     */
    private void renewDuePackages(long nowMs) {
        io.gyro.engine.store.SubscriberStore subscribers = state.stores.subscribers();
        int segments = subscribers.segments();
        long elapsed = nowMs - renewalClockMs;
        if (elapsed <= 0 && renewalSegmentsOwed < 1) {
            return;
        }
        renewalClockMs = Math.max(renewalClockMs, nowMs);
        renewalSegmentsOwed = Math.min(segments,
                renewalSegmentsOwed + (double) segments * Math.max(elapsed, 0) / RENEWAL_PASS_MS);
        while (renewalSegmentsOwed >= 1) {
            int segment = renewalSegment;
            int stillDue = 0;
            int due;
            do {
                due = subscribers.findDueRenewals(segment, nowMs, stillDue, dueMsisdns);
                for (int i = 0; i < due; i++) {
                    if (renewOne(dueMsisdns[i], nowMs)) {
                        stillDue++;   // barred, unpaid or unknown package: passed over from now on
                    }
                }
            } while (due == dueMsisdns.length);
            renewalSegment = segment + 1 == segments ? 0 : segment + 1;
            renewalSegmentsOwed -= 1;
        }
    }

    /** Renews one subscriber's package for every period that has ended; true if still due afterwards. */
    private boolean renewOne(long msisdn, long nowMs) {
        if (!state.stores.subscribers().findByMsisdn(msisdn, state.subscriber)) {
            return false;
        }
        io.gyro.engine.store.Subscriber sub = state.subscriber;
        int guard = 0;
        while (sub.nextRenewalMs() > 0 && sub.nextRenewalMs() <= nowMs && guard++ < 24
                && sub.state() != SubscriberState.BARRED) {
            int pkg = state.packageIndex(sub);
            if (pkg < 0 || !state.stores.accounts().read(sub.accountId(), state.account)) {
                break;
            }
            Wallet wallet = state.wallet;
            ChargingState.toWallet(state.account, wallet);
            long periodStart = sub.nextRenewalMs();
            new io.gyro.rating.Renewal(state.catalogue()).renew(pkg, sub.subscriptionStartMs(), periodStart, 1, -1L,
                    wallet, renewal);
            EngineCounters.RENEWALS.increment();
            if (!renewal.paid) {
                if (sub.state() == toStoreState(renewal.state)) {
                    break;   // already in the unpaid state: tried again each pass, recorded once
                }
                wallet.dropExpired(nowMs);
                long seq = state.records.fee(CdrKind.ADJUSTMENT, sub, 0, wallet, nowMs,
                        "period fee unpaid; allowances expired; state " + renewal.state);
                ChargingState.fromWallet(wallet, state.account);
                state.account.lastJournalSeq(seq);
                state.stores.accounts().write(state.account);
                sub.state(toStoreState(renewal.state));
                state.stores.subscribers().update(sub);
                break;
            }
            // the record names the period, so a kill before the subscriber write below is rolled forward at start
            long seq = state.records.renewalFee(sub, renewal.feeMicros, wallet, nowMs, periodStart, renewal.periodEndMs,
                    "recurring fee; allowances renewed");
            ChargingState.fromWallet(wallet, state.account);
            state.account.lastJournalSeq(seq);
            state.stores.accounts().write(state.account);
            sub.periodStartMs(periodStart).nextRenewalMs(renewal.periodEndMs);
            if (sub.state() == SubscriberState.SUSPENDED) {
                sub.state(SubscriberState.ACTIVE);
            }
            state.stores.subscribers().update(sub);
        }
        return state.subscriber.nextRenewalMs() > 0 && state.subscriber.nextRenewalMs() <= nowMs;
    }

    private static SubscriberState toStoreState(io.gyro.rating.tariff.SubscriberState s) {
        if (s == null) {
            return SubscriberState.SUSPENDED;
        }
        switch (s) {
            case ACTIVE:
                return SubscriberState.ACTIVE;
            case BARRED:
                return SubscriberState.BARRED;
            default:
                return SubscriberState.SUSPENDED;
        }
    }

    private static final int BATCH_SWEEP_LIMIT = 32;
    /** A running session is looked at by the sweep at least this often (bounds the wheel's memory). */
    private static final long EXPIRY_LOOK_AHEAD_MS = 60_000;

    /**
     * Releases the reservations of sessions silent past validity + grace, and forgets finished ones:
     * visits only sessions filed at a second that has passed, at most {@code limit}.
     */
    private void sweepStaleSessions(long nowMs, int limit) {
        sweepNowMs = nowMs;
        expiries.drainDue(nowMs, limit, sweepVisitor);
    }

    private void sweepOne(byte[] id, int offset, int length) {
        session.id().set(id, offset, length);
        if (!state.stores.sessions().read(session)) {
            return;
        }
        long nowMs = sweepNowMs;
        if (session.expiresAtMs() > nowMs) {
            expiries.schedule(session.id(), session.expiresAtMs(), nowMs);
            return;
        }
        long expiresAtMs = session.expiresAtMs();
        if (expiresAtMs > lastServedMs && expiresAtMs < startedAtMs) {
            // It expired while the engine was down, which does not count (see startedAtMs).
            long keptUntilMs = startedAtMs + (expiresAtMs - lastServedMs);
            if (nowMs < keptUntilMs) {
                expiries.schedule(session.id(), keptUntilMs, nowMs);
                return;
            }
        }
        if (session.slotCount() > 0
                && state.stores.accounts().read(session.accountId(), state.account)
                && state.stores.subscribers().findByMsisdn(session.msisdn(), state.subscriber)) {
            Wallet wallet = state.wallet;
            ChargingState.toWallet(state.account, wallet);
            while (session.slotCount() > 0) {
                releaseSlot(0, wallet);
                session.removeSlot(0);
            }
            long seq = state.records.staleRelease(state.subscriber, session.id(), wallet, nowMs);
            ChargingState.fromWallet(wallet, state.account);
            state.account.lastJournalSeq(seq);
            state.stores.accounts().write(state.account);
            EngineCounters.STALE_RELEASES.increment();
        }
        state.stores.sessions().remove(session.id());
    }
}
