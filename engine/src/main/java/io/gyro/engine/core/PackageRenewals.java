package io.gyro.engine.core;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.pipeline.ChargingState;
import io.gyro.engine.status.EngineCounters;
import io.gyro.engine.store.Subscriber;
import io.gyro.engine.store.SubscriberState;
import io.gyro.engine.store.SubscriberStore;
import io.gyro.rating.Renewal;
import io.gyro.rating.RenewalResult;
import io.gyro.rating.Wallet;

/**
 * Package lifecycle: at each subscriber's period boundary, charges the recurring fee and renews the allowances; a
 * subscriber who cannot pay moves to the state the package says. Charging thread only, fed by ticks and batch ends
 * with the time of the input that drove them (it reads no clock).
 */
public final class PackageRenewals {
    private final ChargingState state;

    /** @param startMs the time of the start: the first pass counts from it */
    public PackageRenewals(ChargingState state, long startMs) {
        this.state = state;
        this.renewalClockMs = startMs;
    }

    /** Every subscriber's renewal date is looked at once per this period (a slice of the map at a time). */
    private static final long RENEWAL_PASS_MS = 60_000;
    private static final int MAX_RENEWALS_PER_SEGMENT = 256;
    private final long[] dueMsisdns = new long[MAX_RENEWALS_PER_SEGMENT];
    private long renewalClockMs;
    private double renewalSegmentsOwed;
    private int renewalSegment;
    private final RenewalResult renewal = new RenewalResult();

    /**
     * Package lifecycle: at each subscriber's period boundary, charge the recurring fee and renew
     * the allowances (expired buckets stop counting); a subscriber who cannot pay moves to the
     * state the package says. The subscriber map is swept a few segments at a time (at each tick
     * and at the end of batches), reading each renewal date in place, so that every subscriber is
     * looked at once per {@value #RENEWAL_PASS_MS} ms without a pause that grows with the
     * population; a clock jump of a whole period or more sweeps everything at once.
     */
    public void renewDue(long nowMs) {
        SubscriberStore subscribers = state.stores.subscribers();
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
        Subscriber sub = state.subscriber;
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
            new Renewal(state.catalogue()).renew(pkg, sub.subscriptionStartMs(), periodStart, 1, -1L,
                    wallet, renewal);
            state.counters.increment(EngineCounters.RENEWALS);
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
}
