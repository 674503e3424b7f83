package io.gyro.engine.core;

import io.gyro.engine.pipeline.ChargingState;
import io.gyro.engine.pipeline.RingEvent;
import io.gyro.engine.status.EngineCounters;
import io.gyro.engine.store.Session;
import io.gyro.engine.store.SubscriberState;
import io.gyro.rating.ChargeRequest;
import io.gyro.rating.QuotaRequest;

/**
 * Who a request charges: finds the subscriber and the account into {@link ChargingState#subscriber} and
 * {@link ChargingState#account}, and names the packages the rater looks at. Charging thread only.
 */
final class Parties {
    private final ChargingState state;

    Parties(ChargingState state) {
        this.state = state;
    }

    /**
     * Finds the subscriber of a request: by the session's MSISDN once the session is known, else by the request's
     * MSISDN or IMSI. A session or event may start only for an ACTIVE subscriber.
     */
    CreditOutcome.Request resolve(RingEvent e, Session session, boolean initial) {
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
            state.counters.increment(EngineCounters.UNKNOWN_USER);
            return CreditOutcome.Request.USER_UNKNOWN;
        }
        if (initial && state.subscriber.state() != SubscriberState.ACTIVE) {
            state.counters.increment(EngineCounters.SERVICE_DENIED);
            return CreditOutcome.Request.SERVICE_DENIED;
        }
        if (!state.stores.accounts().read(state.subscriber.accountId(), state.account)) {
            state.counters.increment(EngineCounters.UNKNOWN_USER);
            return CreditOutcome.Request.USER_UNKNOWN;
        }
        return CreditOutcome.Request.SERVED;
    }

    /**
     * {@link #resolve} and, when served, the account into {@link ChargingState#wallet} without its expired buckets:
     * where every request the core serves begins.
     */
    CreditOutcome.Request open(RingEvent e, Session session, boolean initial, long nowMs) {
        CreditOutcome.Request request = resolve(e, session, initial);
        if (request == CreditOutcome.Request.SERVED) {
            ChargingState.toWallet(state.account, state.wallet);
            state.wallet.dropExpired(nowMs);
            // What a settlement line needs on the request's records: who (IMSI), where (visited network), to whom.
            byte[] called = e.calledLength > 0 ? e.called : session.called();
            int calledLength = e.calledLength > 0 ? e.calledLength : session.calledLength();
            state.records.network(state.subscriber.imsi() > 0 ? state.subscriber.imsi() : Math.max(e.imsi, 0),
                    e.visitedMccMnc, called, calledLength);
        }
        return request;
    }

    /** The request is served: its network context stays off later records (a top-up, a sweep). */
    void close() {
        state.records.clearNetwork();
    }

    void fillPackages(QuotaRequest q) {
        q.packageIndex = state.packageIndex(state.subscriber);
        for (int i = 0; i < state.subscriber.addOnCount(); i++) {
            int index = state.addOnIndex(state.subscriber, i);
            if (index >= 0 && q.addonCount < QuotaRequest.MAX_ADDONS) {
                q.addon(index);
            }
        }
    }

    void fillPackages(ChargeRequest c) {
        c.packageIndex = state.packageIndex(state.subscriber);
        for (int i = 0; i < state.subscriber.addOnCount(); i++) {
            int index = state.addOnIndex(state.subscriber, i);
            if (index >= 0 && c.addonCount < QuotaRequest.MAX_ADDONS) {
                c.addon(index);
            }
        }
    }

    /** Writes the wallet back to the account, marking the last record it reflects. */
    void writeAccount(long journalSeq) {
        ChargingState.fromWallet(state.wallet, state.account);
        if (journalSeq > 0) {
            state.account.lastJournalSeq(journalSeq);
        }
        state.stores.accounts().write(state.account);
    }
}
