package io.gyro.engine.core;

import io.gyro.engine.pipeline.ChargingState;
import io.gyro.engine.status.EngineCounters;
import io.gyro.engine.store.ExpiryWheel;
import io.gyro.engine.store.Session;
import io.gyro.engine.store.SessionKey;
import io.gyro.rating.Wallet;

/**
 * Liveness (ARCHITECTURE.md invariant 4): releases the reservations of sessions silent past their validity plus the
 * grace, and forgets finished sessions once their retransmission window is over. Sessions are filed by expiry second
 * in an {@link ExpiryWheel}; each call visits only those filed at a second that has passed, at most a given number.
 *
 * <p>Charging thread only, fed by the processor's ticks and batch ends with the time of the input that drove them.
 */
public final class StaleSessionSweeper {
    /** A running session is looked at by the sweep at least this often (bounds the wheel's memory). */
    static final long EXPIRY_LOOK_AHEAD_MS = 60_000;

    private final ChargingState state;
    private final Session session = new Session();
    private final ExpiryWheel expiries;
    private final ExpiryWheel.Visitor visitor = this::sweepOne;
    private long sweepNowMs;
    /**
     * When the engine started, and the last activity of any stored session then (about when the engine last
     * served). The time the engine was down does not count against a session: one that expired in between keeps,
     * after the start, the time it still had when the engine last served, so a client's retransmission after a
     * restart (RFC 4006 §7: T flag, same CC-Request-Number) still finds it and its stored answer instead of being
     * charged again, and a silent session's reservation comes back after its timeout counted in up time. The extra
     * time is at most the session's own validity plus grace, and only sessions that expired in the gap get it.
     */
    private final long startedAtMs;
    private final long lastServedMs;

    /** Files every stored session (start of the run, at {@code startMs}). */
    public StaleSessionSweeper(ChargingState state, long startMs) {
        this.state = state;
        this.expiries = new ExpiryWheel(startMs, EXPIRY_LOOK_AHEAD_MS);
        long[] lastServed = {Long.MIN_VALUE};
        state.stores.sessions().forEach(s -> {
            expiries.schedule(s.id(), s.expiresAtMs(), startMs);
            lastServed[0] = Math.max(lastServed[0], s.lastActivityMs());
        });
        this.startedAtMs = startMs;
        this.lastServedMs = lastServed[0];
    }

    /** Files a session to be looked at when it expires (a new one, or one that now ends sooner). */
    public void schedule(SessionKey id, long expiresAtMs, long nowMs) {
        expiries.schedule(id, expiresAtMs, nowMs);
    }

    /** Looks at up to {@code limit} sessions filed at a second before {@code nowMs}. */
    public void sweep(long nowMs, int limit) {
        sweepNowMs = nowMs;
        expiries.drainDue(nowMs, limit, visitor);
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
                SessionCharging.release(session, 0, wallet);
                session.removeSlot(0);
            }
            long seq = state.records.staleRelease(state.subscriber, session.id(), wallet, nowMs);
            ChargingState.fromWallet(wallet, state.account);
            state.account.lastJournalSeq(seq);
            state.stores.accounts().write(state.account);
            state.counters.increment(EngineCounters.STALE_RELEASES);
        }
        state.stores.sessions().remove(session.id());
    }
}
