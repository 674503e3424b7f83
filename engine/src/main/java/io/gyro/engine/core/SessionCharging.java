package io.gyro.engine.core;

import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.pipeline.AsciiView;
import io.gyro.engine.pipeline.ChargingState;
import io.gyro.engine.pipeline.RingEvent;
import io.gyro.engine.status.EngineCounters;
import io.gyro.engine.store.Session;
import io.gyro.rating.ChargeRequest;
import io.gyro.rating.ChargeResult;
import io.gyro.rating.Outcome;
import io.gyro.rating.QuotaRequest;
import io.gyro.rating.QuotaResult;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.tariff.FinalUnitAction;
import io.gyro.rating.tariff.ServiceKind;

/**
 * The charging core of a session request (CCR-INITIAL, -UPDATE, -TERMINATION; RFC 4006 §5.1, GY-PROFILE "Session
 * charging behaviour"): per Multiple-Services-Credit-Control it gives back what the rating group held, charges the
 * reported usage (and appends its record), and reserves the next grant in the wallet and the session slot. It fills
 * a {@link CreditOutcome} and writes the account; the Gy handler owns the session's lookup, its state machine, the
 * answer and the session write.
 *
 * <p>Charging thread only. Time is the request's ({@code nowMs}); nothing here reads a clock.
 */
public final class SessionCharging {
    private final ChargingState state;
    private final Parties parties;
    private final QuotaRequest quotaRequest = new QuotaRequest();
    private final QuotaResult quota = new QuotaResult();
    private final ChargeRequest chargeRequest = new ChargeRequest();
    private final ChargeResult charge = new ChargeResult();
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

    public SessionCharging(ChargingState state) {
        this.state = state;
        this.parties = new Parties(state);
    }

    /**
     * Serves one session request against {@code session} (read by the caller; empty for a CCR-I). On a request-level
     * failure ({@link CreditOutcome#request} not SERVED) nothing was changed; otherwise the account is written and
     * the session's slots hold the new reservations, for the caller to store.
     */
    public void serve(RingEvent e, Session session, long nowMs, boolean initial, CreditOutcome out) {
        try {
            charge(e, session, nowMs, initial, out);
        } finally {
            parties.close();
        }
    }

    private void charge(RingEvent e, Session session, long nowMs, boolean initial, CreditOutcome out) {
        out.clear();
        out.request = parties.open(e, session, initial, nowMs);
        if (out.request != CreditOutcome.Request.SERVED) {
            return;
        }
        Catalogue catalogue = state.catalogue();
        Wallet wallet = state.wallet;
        boolean terminate = e.ccRequestType == Enumerations.TERMINATION_REQUEST;
        long journalSeq = 0;
        serviceContext.wrap(e.serviceContextId, 0, e.serviceContextIdLength);
        if (e.calledLength > 0) {
            // The call's destination is rated on every report: keep it for CCR-Us that omit it.
            session.called(e.called, e.calledLength);
        }
        calledNumber.wrap(session.called(), 0, session.calledLength());
        apn.wrap(e.apn, 0, e.apnLength);
        long maxValidityMs = 0;
        // Checked on every CCR-U, not only at the start: a subscriber barred or suspended mid-session (through the API)
        // has what it used charged and gets no more (4010 per rating group); the CCR-T that follows is charged.
        boolean denied = !initial && !terminate
                && state.subscriber.state() != io.gyro.engine.store.SubscriberState.ACTIVE;
        if (terminate || denied) {
            // The session ends (or may take no more): every reservation it holds comes back before any of its final usage is charged, so
            // that usage beyond one rating group's grant can be paid from the session's other grants (usage is never
            // paid from money a reservation holds), whatever the order of the MSCCs.
            for (int slot = 0; slot < session.slotCount(); slot++) {
                release(session, slot, wallet);
            }
        }

        for (int m = 0; m < e.msccCount; m++) {
            long ratingGroup = e.ratingGroup[m];
            long serviceIdentifier = e.serviceIdentifier[m];
            int slot = session.findSlot(ratingGroup);
            // A CCR-U/T need not repeat PS- or IMS-Information: without an APN, RAT type and Role-of-Node the rating
            // group keeps the service it was granted under (an APN-specific one or an incoming call's included).
            int service = slot >= 0 && e.apnLength == 0 && e.ratType < 0 && e.roleOfNode < 0
                    && session.serviceIndex(slot) < catalogue.serviceCount() ? session.serviceIndex(slot)
                    : catalogue.serviceIndex(serviceContext, ratingGroup, serviceIdentifier, apn, e.ratType,
                            e.roleOfNode);
            if (service < 0) {
                state.counters.increment(EngineCounters.RATING_FAILED);
                out.add(ratingGroup, serviceIdentifier, CreditOutcome.Unit.RATING_FAILED);
                continue;
            }
            ServiceKind kind = catalogue.unitKind(service);
            if (!initial && !terminate && !e.usuPresent[m] && !e.rsuPresent[m]) {
                // RFC 4006 §5.1.2: an MSCC that neither reports usage nor asks for quota leaves
                // the rating group's reservation as it is (unless the subscriber may take no more).
                out.add(ratingGroup, serviceIdentifier, denied ? CreditOutcome.Unit.DENIED : CreditOutcome.Unit.NO_GRANT);
                continue;
            }
            // 1. Give back what this rating group held, then charge what was used against it, on the grid and at
            //    the band of the grant it was used under (not of the moment the report arrives).
            loadPosition(session, slot);
            if (slot >= 0 && !terminate && !denied) {
                release(session, slot, wallet);
            }
            if (e.usuPresent[m]) {
                long seq = chargeUsage(e, m, session, slot, service, ratingGroup, kind, nowMs,
                        terminate ? CdrKind.SESSION_END : CdrKind.SESSION_INTERIM);
                journalSeq = Math.max(journalSeq, seq);
            }
            if (denied) {
                if (slot >= 0) {
                    session.removeSlot(slot);
                }
                state.counters.increment(EngineCounters.SERVICE_DENIED);
                out.add(ratingGroup, serviceIdentifier, CreditOutcome.Unit.DENIED);
                continue;
            }
            // 2. Reserve again when the client asks for quota (an RSU, possibly empty; a CCR-I
            //    always gets a grant), unless the session ends.
            boolean wantsQuota = !terminate && (e.rsuPresent[m] || initial)
                    && !(e.reportingReason[m] == Enumerations.RR_FINAL && !e.rsuPresent[m]);
            if (!wantsQuota) {
                if (slot >= 0) {
                    session.removeSlot(slot);
                }
                out.add(ratingGroup, serviceIdentifier,
                        terminate ? CreditOutcome.Unit.OMITTED : CreditOutcome.Unit.NO_GRANT);
                continue;
            }
            quotaRequest.clear();
            parties.fillPackages(quotaRequest);
            quotaRequest.service = service;
            quotaRequest.requestedUnits = requestedUnits(e, m, kind);
            quotaRequest.nowMs = nowMs;
            quotaRequest.visitedMccMnc = e.visitedMccMnc;
            quotaRequest.calledNumber = calledNumber;
            quotaRequest.sessionUnitsBefore = usedUnits;
            quotaRequest.sessionRatedBefore = ratedUnits;
            quotaRequest.sessionMoneyRawMicrosBefore = moneyRawMicros;
            quotaRequest.sessionMoneyMicrosBefore = moneyMicros;
            quota.clear();
            state.rater().quota(quotaRequest, wallet, quota);
            maxValidityMs = Math.max(maxValidityMs,
                    grant(session, slot, ratingGroup, serviceIdentifier, service, kind, wallet, nowMs, out));
        }
        if (terminate || denied) {
            // Released before the loop; drop the rating groups the request did not mention too (denied: no slot may go
            // on claiming a reservation the wallet no longer holds; the sweep and a start's recount read them).
            while (session.slotCount() > 0) {
                session.removeSlot(0);
            }
        }
        parties.writeAccount(journalSeq);
        out.keepMs = terminate ? state.settings.sessionGraceMs
                : Math.max(maxValidityMs, 0) + state.settings.sessionGraceMs;
    }

    /** Gives back what one slot of the session reserved in the wallet. */
    static void release(Session session, int slot, Wallet wallet) {
        for (int p = 0; p < session.bucketPairCount(slot); p++) {
            int b = wallet.indexOfBucket(session.pairBucketId(slot, p));
            if (b >= 0) {
                wallet.bucketReserved[b] = Math.max(0, wallet.bucketReserved[b] - session.pairUnits(slot, p));
            }
        }
        wallet.reservedMicros = Math.max(0, wallet.reservedMicros - session.reservedMicros(slot));
    }

    static long usedUnits(RingEvent e, int m, ServiceKind kind) {
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

    static long requestedUnits(RingEvent e, int m, ServiceKind kind) {
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
    private void loadPosition(Session session, int slot) {
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
    private long chargeUsage(RingEvent e, int m, Session session, int slot, int service, long ratingGroup,
                             ServiceKind kind, long nowMs, CdrKind recordKind) {
        long used = usedUnits(e, m, kind);
        if (used <= 0) {
            return 0;
        }
        long grantedAtMs = slot >= 0 && session.grantedAtMs(slot) > 0 ? session.grantedAtMs(slot) : nowMs;
        long tariffChangeMs = slot >= 0 ? session.tariffChangeMs(slot) : 0;
        long after = Math.min(used, usedAfterChange(e, m, kind));
        chargeRequest.clear();
        parties.fillPackages(chargeRequest);
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
        state.counters.increment(EngineCounters.CHARGES);
        state.records.usagePeriod(chargeRequest.startMs, nowMs);
        // The position after this charge (the position before it when nothing was charged).
        usedUnits = charge.sessionUnitsAfter;
        ratedUnits = charge.sessionRatedAfter;
        moneyRawMicros = charge.sessionMoneyRawMicrosAfter;
        moneyMicros = charge.sessionMoneyMicrosAfter;
        return state.records.charge(recordKind, state.subscriber, session.id(), e.ccRequestNumber,
                service, ratingGroup, charge, state.wallet, nowMs, state.catalogue());
    }

    /**
     * The outcome of one MSCC from {@link #quota}: reserves in the wallet and in the rating group's session slot
     * ({@code slot}, or a new one), or drops the slot when nothing is granted. Returns the grant's validity in ms.
     */
    private long grant(Session session, int slot, long ratingGroup, long serviceIdentifier, int service,
                       ServiceKind kind, Wallet wallet, long nowMs, CreditOutcome out) {
        Outcome outcome = quota.outcome;
        if (outcome == Outcome.GRANTED && quota.grantedUnits > 0) {
            trimToSessionCapacity();
            if (slot < 0) {
                slot = session.addSlot(ratingGroup, service);
            } else {
                session.clearBucketUnits(slot);
            }
            if (slot < 0) {
                out.add(ratingGroup, serviceIdentifier, CreditOutcome.Unit.RESOURCES_EXCEEDED);
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
            int i = out.add(ratingGroup, serviceIdentifier, CreditOutcome.Unit.GRANTED);
            out.kind[i] = kind;
            out.grantedUnits[i] = quota.grantedUnits;
            out.validityTimeSeconds[i] = Math.max(quota.validityTimeSeconds, 0);
            out.quotaThresholdUnits[i] = kind == ServiceKind.BYTES ? Math.max(quota.quotaThresholdUnits, 0) : 0;
            out.tariffChangeMs[i] = Math.max(quota.tariffChangeMs, 0);
            if (quota.finalUnits && quota.finalUnitAction != null) {
                finalUnits(out, i, quota.finalUnitAction);
            }
            return validityMs;
        }
        if (slot >= 0) {
            session.removeSlot(slot); // nothing reserved for this rating group any more
        }
        if (outcome == Outcome.GRANTED || outcome == Outcome.OUT_OF_CREDIT) {
            state.counters.increment(EngineCounters.CREDIT_LIMIT);
            FinalUnitAction action = quota.finalUnitAction;
            if (action == FinalUnitAction.REDIRECT || action == FinalUnitAction.RESTRICT_ACCESS) {
                // Nothing left to grant, and the package sends the user to the top-up page (or a
                // walled garden) instead of cutting them off: a zero grant with Final-Unit-Indication.
                int i = out.add(ratingGroup, serviceIdentifier, CreditOutcome.Unit.ZERO_GRANT_FINAL_UNITS);
                out.kind[i] = kind;
                // The PGW asks again after this, so a top-up meanwhile lifts the redirect then (RFC 4006 §5.6.2); the
                // session is kept at least that long (plus the grace) for that request.
                out.validityTimeSeconds[i] = state.settings.zeroGrantValiditySeconds;
                finalUnits(out, i, action);
                return state.settings.zeroGrantValiditySeconds * 1000L;
            }
            out.add(ratingGroup, serviceIdentifier, CreditOutcome.Unit.CREDIT_LIMIT);
            return 0;
        }
        if (outcome == Outcome.NO_TARIFF) {
            state.counters.increment(EngineCounters.RATING_FAILED);
            out.add(ratingGroup, serviceIdentifier, CreditOutcome.Unit.RATING_FAILED);
            return 0;
        }
        if (outcome == Outcome.DENIED) {
            state.counters.increment(EngineCounters.SERVICE_DENIED);
            out.add(ratingGroup, serviceIdentifier, CreditOutcome.Unit.DENIED);
            return 0;
        }
        out.add(ratingGroup, serviceIdentifier, CreditOutcome.Unit.UNABLE);
        return 0;
    }

    private void finalUnits(CreditOutcome out, int i, FinalUnitAction action) {
        out.finalUnitAction[i] = action;
        out.redirectUrl[i] = quota.redirectUrl;
        out.filterId[i] = quota.filterId;
    }

    /** A session slot remembers at most 4 buckets: grant only what those back, plus money. */
    private void trimToSessionCapacity() {
        while (quota.reservationCount > Session.MAX_BUCKETS_PER_SLOT) {
            int last = --quota.reservationCount;
            quota.grantedUnits -= quota.reservedBucketUnits[last];
        }
    }
}
