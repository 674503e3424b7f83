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
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.tariff.ServiceKind;

/**
 * The charging core of a CCR-EVENT: Requested-Action decides (RFC 4006 §6.3, §8.41) between a direct debit, a
 * refund, a balance check and a price enquiry. Fills a {@link CreditOutcome} (one entry per MSCC, or one for a
 * request without MSCC) and writes the account when money moved. No session state stays behind but the answer,
 * which the Gy handler stores.
 *
 * <p>Charging thread only. Time is the request's ({@code nowMs}).
 */
public final class EventCharging {
    private final ChargingState state;
    private final Parties parties;
    private final ChargeRequest chargeRequest = new ChargeRequest();
    private final ChargeResult charge = new ChargeResult();
    private final AsciiView serviceContext = new AsciiView();
    private final AsciiView calledNumber = new AsciiView();
    private final AsciiView apn = new AsciiView();

    public EventCharging(ChargingState state) {
        this.state = state;
        this.parties = new Parties(state);
    }

    public void serve(RingEvent e, Session session, long nowMs, CreditOutcome out) {
        try {
            charge(e, session, nowMs, out);
        } finally {
            parties.close();
        }
    }

    private void charge(RingEvent e, Session session, long nowMs, CreditOutcome out) {
        out.clear();
        out.request = parties.open(e, session, true, nowMs);
        if (out.request != CreditOutcome.Request.SERVED) {
            return;
        }
        Catalogue catalogue = state.catalogue();
        Wallet wallet = state.wallet;
        int action = e.requestedAction < 0 ? Enumerations.DIRECT_DEBITING : e.requestedAction;
        out.requestedAction = action;
        serviceContext.wrap(e.serviceContextId, 0, e.serviceContextIdLength);
        calledNumber.wrap(e.called, 0, e.calledLength);
        apn.wrap(e.apn, 0, e.apnLength);
        long journalSeq = 0;
        int count = Math.max(e.msccCount, 1);
        for (int m = 0; m < count; m++) {
            long ratingGroup = e.msccCount == 0 ? -1 : e.ratingGroup[m];
            long serviceIdentifier = e.msccCount == 0 ? -1 : e.serviceIdentifier[m];
            int service = catalogue.serviceIndex(serviceContext, ratingGroup, serviceIdentifier, apn, e.ratType,
                    e.roleOfNode);
            if (service < 0) {
                state.counters.increment(EngineCounters.RATING_FAILED);
                out.add(ratingGroup, serviceIdentifier, CreditOutcome.Unit.RATING_FAILED);
                continue;
            }
            ServiceKind kind = catalogue.unitKind(service);
            long requested = e.msccCount == 0 ? -1 : SessionCharging.requestedUnits(e, m, kind);
            long n = requested > 0 ? requested : (kind == ServiceKind.EVENTS ? 1 : catalogue.defaultQuota(service));
            chargeRequest.clear();
            parties.fillPackages(chargeRequest);
            chargeRequest.service = service;
            chargeRequest.usedUnits = n;
            chargeRequest.startMs = e.eventTimestampMs > 0 ? e.eventTimestampMs : nowMs;
            chargeRequest.visitedMccMnc = e.visitedMccMnc;
            chargeRequest.calledNumber = calledNumber;
            charge.clear();
            CreditOutcome.Unit unit;
            switch (action) {
                case Enumerations.DIRECT_DEBITING:
                    if (!state.rater().canPay(chargeRequest, wallet, charge)) {
                        unit = charge.outcome == Outcome.NO_TARIFF ? CreditOutcome.Unit.RATING_FAILED
                                : charge.outcome == Outcome.DENIED ? CreditOutcome.Unit.DENIED
                                : CreditOutcome.Unit.CREDIT_LIMIT;
                        state.counters.increment(unit == CreditOutcome.Unit.RATING_FAILED ? EngineCounters.RATING_FAILED
                                : unit == CreditOutcome.Unit.DENIED ? EngineCounters.SERVICE_DENIED
                                : EngineCounters.CREDIT_LIMIT);
                        break;
                    }
                    charge.clear();
                    state.rater().charge(chargeRequest, wallet, charge);
                    state.counters.increment(EngineCounters.CHARGES);
                    state.records.usagePeriod(chargeRequest.startMs, Math.max(chargeRequest.startMs, nowMs));
                    journalSeq = Math.max(journalSeq, state.records.charge(CdrKind.EVENT, state.subscriber,
                            session.id(), e.ccRequestNumber, service, ratingGroup, charge, wallet, nowMs, catalogue));
                    unit = CreditOutcome.Unit.GRANTED;
                    break;
                case Enumerations.REFUND_ACCOUNT:
                    state.rater().listPrice(chargeRequest, charge);
                    if (charge.outcome != Outcome.CHARGED) {
                        state.counters.increment(EngineCounters.RATING_FAILED);
                        unit = CreditOutcome.Unit.RATING_FAILED;
                        break;
                    }
                    wallet.moneyMicros = Math.addExact(wallet.moneyMicros, charge.priceMicros);
                    state.records.usagePeriod(chargeRequest.startMs, Math.max(chargeRequest.startMs, nowMs));
                    journalSeq = Math.max(journalSeq, state.records.refund(state.subscriber, session.id(),
                            e.ccRequestNumber, service, ratingGroup, n, charge.priceMicros, wallet, nowMs));
                    unit = CreditOutcome.Unit.GRANTED;
                    break;
                case Enumerations.CHECK_BALANCE:
                    if (!state.rater().canPay(chargeRequest, wallet, charge)) {
                        out.enoughCredit = false;
                    }
                    unit = CreditOutcome.Unit.GRANTED;
                    break;
                default: // PRICE_ENQUIRY
                    state.rater().enquire(chargeRequest, wallet, charge);
                    if (charge.outcome != Outcome.CHARGED) {
                        unit = CreditOutcome.Unit.RATING_FAILED;
                        break;
                    }
                    out.totalPriceMicros = Math.addExact(out.totalPriceMicros, charge.priceMicros);
                    unit = CreditOutcome.Unit.GRANTED;
            }
            int i = out.add(ratingGroup, serviceIdentifier, unit);
            out.kind[i] = kind;
            out.grantedUnits[i] = n;
        }
        if (action == Enumerations.DIRECT_DEBITING || action == Enumerations.REFUND_ACCOUNT) {
            parties.writeAccount(journalSeq);
        }
        out.keepMs = state.settings.sessionGraceMs;
    }
}
