package io.gyro.engine.gy;

import com.lmax.disruptor.EventTranslatorTwoArg;
import com.lmax.disruptor.RingBuffer;
import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.ErrorAnswers;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.ApplicationId;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.engine.pipeline.RingEvent;
import io.gyro.engine.status.EngineCounters;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The engine's Diameter entry point, on the Netty event loops: decode a CCR in place, copy the
 * fields the processor needs into a ring slot, publish. No business logic and no locks here.
 * A full ring, or a peer over its in-flight limit, is answered 3004 DIAMETER_TOO_BUSY at once
 * (never a silent drop, never an unbounded queue).
 */
public final class GyApplication implements DiameterApplication {
    private static final EventTranslatorTwoArg<RingEvent, PeerConnection, CreditControlRequest> TRANSLATOR =
            (event, sequence, peer, request) -> event.copyFrom(peer, request);

    /** Per event-loop decoding state: one decoder and error holder per thread. */
    private static final class LoopState {
        final CreditControlRequest request = new CreditControlRequest();
        final Validation error = new Validation();
        final ErrorAnswers errorAnswers = new ErrorAnswers();
        /** The CCR {@link #validate} decoded into {@link #request} (and {@link #error}), or null. */
        ByteBuf decodedFrame;
        int decodedOffset;
        /** What {@link CreditControlRequest#decode} would have returned for it. */
        boolean decodedOk;
    }

    private final FastThreadLocal<LoopState> loopState = new FastThreadLocal<>() {
        @Override
        protected LoopState initialValue() {
            return new LoopState();
        }
    };

    private final RingBuffer<RingEvent> ring;
    private final int maxInFlightPerPeer;

    public GyApplication(RingBuffer<RingEvent> ring, int maxInFlightPerPeer) {
        this.ring = ring;
        this.maxInFlightPerPeer = maxInFlightPerPeer;
    }

    /**
     * A CCR is validated and decoded in one walk ({@link CreditControlRequest#validateAndDecode}), with the outcome
     * the peer's validator and then {@link CreditControlRequest#decode} would give; {@link #onRequest} then uses the
     * decoded request instead of walking the frame a second time. Other commands go to the validator.
     */
    @Override
    public Validation validate(ByteBuf frame, int offset, int commandCode, int applicationId,
            MessageValidator validator, Validation out) {
        LoopState state = loopState.get();
        state.decodedFrame = null;
        if (commandCode != CommandCode.CREDIT_CONTROL || applicationId != ApplicationId.CREDIT_CONTROL) {
            return validator.validate(frame, offset, out);
        }
        int outcome = state.request.validateAndDecode(frame, offset, validator, out, state.error);
        if (outcome != CreditControlRequest.INVALID) {
            state.decodedFrame = frame;
            state.decodedOffset = offset;
            state.decodedOk = outcome == CreditControlRequest.DECODED;
        }
        return out;
    }

    @Override
    public void onRequest(PeerConnection peer, ByteBuf frame, int commandCode, int applicationId) {
        LoopState state = loopState.get();
        if (commandCode != CommandCode.CREDIT_CONTROL || applicationId != ApplicationId.CREDIT_CONTROL) {
            // Sy (SLR/STR) and pushed-command answers are not served yet: say so, do not pretend.
            state.error.reset().fail(ResultCode.DIAMETER_UNABLE_TO_COMPLY, "command not served by this OCS");
            answerError(peer, frame, state);
            return;
        }
        CreditControlRequest request = state.request;
        if (!decoded(state, frame, frame.readerIndex())) {
            EngineCounters.INVALID_CCR.increment();
            answerError(peer, frame, state);
            return;
        }
        if (request.sessionIdLength > RingEvent.MAX_SESSION_ID) {
            state.error.reset().fail(ResultCode.DIAMETER_INVALID_AVP_LENGTH, "Session-Id longer than 256 bytes");
            answerError(peer, frame, state);
            return;
        }
        if (peer.inFlight() > maxInFlightPerPeer || !ring.tryPublishEvent(TRANSLATOR, peer, request)) {
            EngineCounters.TOO_BUSY.increment();
            state.error.reset().fail(ResultCode.DIAMETER_TOO_BUSY, "charging pipeline is full");
            answerError(peer, frame, state);
        }
    }

    /**
     * Whether the CCR at {@code offset} decodes: from {@link #validate} when it has just decoded this frame (the same
     * buffer object at the same offset, with the same Hop-by-Hop and End-to-End ids, as a pooled slice object is
     * reused), otherwise by decoding it now.
     */
    private static boolean decoded(LoopState state, ByteBuf frame, int offset) {
        CreditControlRequest request = state.request;
        if (state.decodedFrame == frame && state.decodedOffset == offset
                && request.hopByHop == DiameterHeader.hopByHop(frame, offset)
                && request.endToEnd == DiameterHeader.endToEnd(frame, offset)) {
            state.decodedFrame = null;
            return state.decodedOk;
        }
        state.decodedFrame = null;
        return request.decode(frame, offset, state.error);
    }

    private static void answerError(PeerConnection peer, ByteBuf frame, LoopState state) {
        ByteBuf answer = state.errorAnswers.write(peer.channel().alloc().buffer(256), frame, frame.readerIndex(),
                frame.readableBytes(), state.error, peer.local().originHostBytes, peer.local().originRealmBytes);
        peer.answerAndFlush(answer);
    }
}
