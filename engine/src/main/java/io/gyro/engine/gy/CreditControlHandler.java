package io.gyro.engine.gy;

import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.engine.core.CreditOutcome;
import io.gyro.engine.core.EventCharging;
import io.gyro.engine.core.SessionCharging;
import io.gyro.engine.core.StaleSessionSweeper;
import io.gyro.engine.pipeline.ChargingState;
import io.gyro.engine.pipeline.RingEvent;
import io.gyro.engine.status.EngineCounters;
import io.gyro.engine.store.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The Gy credit-control session state machine (RFC 4006 §7, GY-PROFILE "Session charging behaviour") on the
 * charging thread: finds the session of a request, answers a retransmission from the stored answer, refuses an old
 * CC-Request-Number, an unknown or finished session, or a new session when the store is full; hands the rest to the
 * charging core ({@link SessionCharging}, {@link EventCharging}) and turns its outcome into the answer
 * ({@link CreditControlAnswers}); last, the session remembers the request number and the answer and is stored.
 *
 * <p>Charging thread only. The time is the request's, given by the caller.
 */
public final class CreditControlHandler {
    /** Where answers go: the processor queues them until its batch's records are written. */
    public interface Answers {
        void queue(RingEvent request, ByteBuf answer);
    }

    private final ChargingState state;
    private final SessionCharging sessionCharging;
    private final EventCharging eventCharging;
    private final StaleSessionSweeper sweeper;
    private final CreditControlAnswers answers;
    private final Answers out;
    private final Session session = new Session();
    private final CreditOutcome outcome = new CreditOutcome();
    /** Where the current request's session is filed in the sweeper at the latest (MAX_VALUE: not filed). */
    private long filedExpiryMs;

    public CreditControlHandler(ChargingState state, StaleSessionSweeper sweeper, Answers out) {
        this.state = state;
        this.sessionCharging = new SessionCharging(state);
        this.eventCharging = new EventCharging(state);
        this.sweeper = sweeper;
        this.answers = new CreditControlAnswers(state.settings.originHost, state.settings.originRealm, state.counters);
        this.out = out;
    }

    public void onCreditControl(RingEvent e, long nowMs) {
        session.id().set(e.sessionId, 0, e.sessionIdLength);
        boolean known = state.stores.sessions().read(session);
        filedExpiryMs = known ? session.expiresAtMs() : Long.MAX_VALUE;

        if (known && session.lastCcRequestNumber() != Session.NO_REQUEST) {
            // RFC 4006 §7 / GY-PROFILE: the same request again gets the same answer, nothing changes.
            if (e.ccRequestNumber == session.lastCcRequestNumber() && e.ccRequestType == session.lastRequestType()) {
                state.counters.increment(EngineCounters.RETRANSMISSIONS);
                replay(e);
                return;
            }
            if (e.ccRequestNumber <= session.lastCcRequestNumber()) {
                out.queue(e, answers.failedRequestNumber(e));
                return;
            }
        }
        switch (e.ccRequestType) {
            case Enumerations.INITIAL_REQUEST:
            case Enumerations.EVENT_REQUEST:
                // RFC 4006 §7, client "Idle" row: a CCR-I or CCR-EVENT opens a new session (or a one-shot event),
                // so its Session-Id must be new, and must fit.
                if (known) {
                    out.queue(e, answers.simple(e, ResultCode.DIAMETER_UNABLE_TO_COMPLY));
                    return;
                }
                if (sessionStoreFull(nowMs)) {
                    out.queue(e, answers.simple(e, ResultCode.DIAMETER_TOO_BUSY));
                    return;
                }
                session.clear();
                session.createdMs(nowMs);
                if (e.ccRequestType == Enumerations.INITIAL_REQUEST) {
                    sessionCharging.serve(e, session, nowMs, true, outcome);
                    answerAndStore(e, nowMs, outcome.request == CreditOutcome.Request.SERVED
                            ? answers.session(e, outcome) : null);
                } else {
                    eventCharging.serve(e, session, nowMs, outcome);
                    answerAndStore(e, nowMs, outcome.request == CreditOutcome.Request.SERVED
                            ? answers.event(e, outcome, state.catalogue().currencyNumericCode()) : null);
                }
                return;
            case Enumerations.UPDATE_REQUEST:
            case Enumerations.TERMINATION_REQUEST:
                // RFC 4006 §7, "Open" rows: a CCR-U or CCR-T continues an open session; for any other it is unknown.
                if (!known || session.lastRequestType() == Enumerations.TERMINATION_REQUEST
                        || session.lastRequestType() == Enumerations.EVENT_REQUEST) {
                    state.counters.increment(EngineCounters.UNKNOWN_SESSION);
                    out.queue(e, answers.simple(e, ResultCode.DIAMETER_UNKNOWN_SESSION_ID));
                    return;
                }
                sessionCharging.serve(e, session, nowMs, false, outcome);
                answerAndStore(e, nowMs, outcome.request == CreditOutcome.Request.SERVED
                        ? answers.session(e, outcome) : null);
                return;
            default:
                out.queue(e, answers.simple(e, ResultCode.DIAMETER_INVALID_AVP_VALUE));
        }
    }

    /** The answer to a request the processor could not serve (it threw): 5012, nothing stored. */
    public ByteBuf unableToComply(RingEvent e) {
        return answers.simple(e, ResultCode.DIAMETER_UNABLE_TO_COMPLY);
    }

    /**
     * A request refused as a whole ({@code answer} null) is answered with the outcome's Result-Code and leaves no
     * session behind; a served one is stored with its answer, for retransmissions, and filed for the sweep.
     */
    private void answerAndStore(RingEvent e, long nowMs, ByteBuf answer) {
        if (answer == null) {
            out.queue(e, answers.simple(e, CreditControlAnswers.resultCode(outcome.request)));
            return;
        }
        session.msisdn(state.subscriber.msisdn());
        session.accountId(state.subscriber.accountId());
        session.lastCcRequestNumber(e.ccRequestNumber);
        session.lastRequestType(e.ccRequestType);
        session.lastActivityMs(nowMs);
        session.expiresAtMs(nowMs + outcome.keepMs);
        storeAnswer(answer);
        state.stores.sessions().write(session);
        if (session.expiresAtMs() < filedExpiryMs) {
            // new, or ending sooner than where it is filed (an extension needs no refiling: the sweep
            // finds the later expiry when it looks)
            sweeper.schedule(session.id(), session.expiresAtMs(), nowMs);
        }
        out.queue(e, answer);
    }

    /**
     * A new session must fit before anything is charged: with the live sessions at their configured capacity, new
     * sessions and events are refused with 3004 DIAMETER_TOO_BUSY (the PGW may try another OCS or retry), while
     * running sessions continue. Ended sessions kept for retransmissions are not counted: they have their own bounded
     * map (SessionStore), which never refuses one. The live count is kept by the store, exact and in constant time.
     */
    private boolean sessionStoreFull(long nowMs) {
        if (state.stores.sessions().count() < state.settings.maxSessions) {
            return false;
        }
        state.counters.increment(EngineCounters.SESSION_STORE_FULL);
        return true;
    }

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
            out.queue(e, answers.simple(e, ResultCode.DIAMETER_UNABLE_TO_COMPLY));
            return;
        }
        ByteBuf answer = PooledByteBufAllocator.DEFAULT.buffer(length);
        answer.writeBytes(session.answer(), 0, length);
        answer.setInt(12, e.hopByHop);
        answer.setInt(16, e.endToEnd);
        out.queue(e, answer);
    }
}
