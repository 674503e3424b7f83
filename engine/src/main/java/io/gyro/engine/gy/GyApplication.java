package io.gyro.engine.gy;

import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.RingBuffer;
import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.codec.ErrorAnswers;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.ApplicationId;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlDecoding;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.engine.pipeline.RingEvent;
import io.gyro.engine.status.EngineCounters;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.function.LongSupplier;

/**
 * The engine's Diameter entry point, on the Netty event loops: decode a CCR in place, copy the
 * fields the processor needs into a ring slot, publish. No business logic and no locks here.
 * A full ring, or a peer over its in-flight limit, is answered 3004 DIAMETER_TOO_BUSY at once
 * (never a silent drop, never an unbounded queue).
 */
public final class GyApplication implements DiameterApplication {
    /** Fills a ring slot and stamps it with the engine clock: the time the charging core will use for it. */
    private final EventTranslatorTwoArg<RingEvent, PeerConnection, CreditControlRequest> translator;

    /** Per event-loop decoding state: the one-walk decoder and the error answer writer. */
    private static final class LoopState {
        final CreditControlDecoding decoding = new CreditControlDecoding();
        final Validation error = new Validation();
        final ErrorAnswers errorAnswers = new ErrorAnswers();
    }

    private final FastThreadLocal<LoopState> loopState = new FastThreadLocal<>() {
        @Override
        protected LoopState initialValue() {
            return new LoopState();
        }
    };

    private final RingBuffer<RingEvent> ring;
    private final int maxInFlightPerPeer;

    private final io.gyro.engine.status.Counters counters;

    /**
     * @param clockMs  the engine clock (epoch ms), read here, on the event loop, once per request
     * @param counters the engine's counters (INVALID_CCR, TOO_BUSY are counted here)
     */
    public GyApplication(RingBuffer<RingEvent> ring, int maxInFlightPerPeer, LongSupplier clockMs,
                         io.gyro.engine.status.Counters counters) {
        this.counters = counters;
        this.ring = ring;
        this.maxInFlightPerPeer = maxInFlightPerPeer;
        this.translator = (event, sequence, peer, request) -> event.copyFrom(peer, request, clockMs.getAsLong());
    }

    /**
     * A CCR is validated and decoded in one walk ({@link CreditControlDecoding}), with the outcome the peer's
     * validator and then {@link CreditControlRequest#decode} would give; {@link #onRequest} then uses the decoded
     * request instead of walking the frame a second time. Other commands go to the validator.
     */
    @Override
    public Validation validate(ByteBuf frame, int offset, int commandCode, int applicationId,
            MessageValidator validator, Validation out) {
        return loopState.get().decoding.validate(frame, offset, commandCode, applicationId, validator, out);
    }

    @Override
    public void onRequest(PeerConnection peer, ByteBuf frame, int commandCode, int applicationId) {
        LoopState state = loopState.get();
        if (commandCode != CommandCode.CREDIT_CONTROL || applicationId != ApplicationId.CREDIT_CONTROL) {
            // Sy (SLR/STR) and pushed-command answers are not served yet: say so, do not pretend.
            state.error.reset().fail(ResultCode.DIAMETER_UNABLE_TO_COMPLY, "command not served by this OCS");
            answerError(peer, frame, state, state.error);
            return;
        }
        CreditControlDecoding decoding = state.decoding;
        if (!decoding.decoded(frame, frame.readerIndex())) {
            counters.increment(EngineCounters.INVALID_CCR);
            answerError(peer, frame, state, decoding.error());
            return;
        }
        CreditControlRequest request = decoding.request();
        if (request.sessionIdLength > RingEvent.MAX_SESSION_ID) {
            state.error.reset().fail(ResultCode.DIAMETER_INVALID_AVP_LENGTH, "Session-Id longer than 256 bytes");
            answerError(peer, frame, state, state.error);
            return;
        }
        if (peer.inFlight() > maxInFlightPerPeer || !ring.tryPublishEvent(translator, peer, request)) {
            counters.increment(EngineCounters.TOO_BUSY);
            state.error.reset().fail(ResultCode.DIAMETER_TOO_BUSY, "charging pipeline is full");
            answerError(peer, frame, state, state.error);
        }
    }

    private void answerError(PeerConnection peer, ByteBuf frame, LoopState state, Validation error) {
        counters.answered(error.resultCode);
        ByteBuf answer = state.errorAnswers.write(peer.channel().alloc().buffer(256), frame, frame.readerIndex(),
                frame.readableBytes(), error, peer.local().originHostBytes, peer.local().originRealmBytes);
        peer.answerAndFlush(answer);
    }
}
