package io.gyro.engine.gy;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.codec.ErrorAnswers;
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
 *
 * <p>Slots are published per socket read, not per request: the requests of one read are claimed and
 * filled, and published together when the read is complete ({@link #onReadComplete}) or
 * {@value #MAX_HELD} are held. The charging processor then takes them as one batch, so the work it does
 * once per batch (journal flush, answers handed to Netty and flushed, which wakes the event loop) is
 * shared by the requests of a read instead of repeated for each.
 */
public final class GyApplication implements DiameterApplication {
    /** Claimed slots held unpublished by one event loop, at most. */
    static final int MAX_HELD = 64;

    /** Per event-loop state: one decoder and error holder per thread, and the slots claimed, not yet published. */
    private static final class LoopState {
        final CreditControlRequest request = new CreditControlRequest();
        final Validation error = new Validation();
        final ErrorAnswers errorAnswers = new ErrorAnswers();
        final long[] held = new long[MAX_HELD];
        int heldCount;
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
        if (!request.decode(frame, frame.readerIndex(), state.error)) {
            EngineCounters.INVALID_CCR.increment();
            answerError(peer, frame, state);
            return;
        }
        if (request.sessionIdLength > RingEvent.MAX_SESSION_ID) {
            state.error.reset().fail(ResultCode.DIAMETER_INVALID_AVP_LENGTH, "Session-Id longer than 256 bytes");
            answerError(peer, frame, state);
            return;
        }
        long sequence = peer.inFlight() > maxInFlightPerPeer ? -1 : claim(state);
        if (sequence < 0) {
            EngineCounters.TOO_BUSY.increment();
            state.error.reset().fail(ResultCode.DIAMETER_TOO_BUSY, "charging pipeline is full");
            answerError(peer, frame, state);
            return;
        }
        RingEvent event = ring.get(sequence);
        try {
            event.copyFrom(peer, request);
        } catch (RuntimeException e) {
            // A claimed slot must still be published (the processor waits for every sequence): empty.
            event.clear();
            throw e;
        } finally {
            state.held[state.heldCount++] = sequence;
            if (state.heldCount == MAX_HELD) {
                publishHeld(state);
            }
        }
    }

    @Override
    public void onReadComplete() {
        LoopState state = loopState.get();
        if (state.heldCount > 0) {
            publishHeld(state);
        }
    }

    /** Claims the next slot; -1 when the ring is full (after publishing what this loop holds, so it can drain). */
    private long claim(LoopState state) {
        try {
            return ring.tryNext();
        } catch (InsufficientCapacityException full) {
            if (state.heldCount > 0) {
                publishHeld(state);
            }
            return -1;
        }
    }

    /**
     * Publishes the held slots, each run of consecutive sequences at once (other producers, the HTTP
     * API and other event loops, may have claimed the sequences in between: those are theirs to publish).
     */
    private void publishHeld(LoopState state) {
        long[] held = state.held;
        int n = state.heldCount;
        state.heldCount = 0;
        int start = 0;
        for (int i = 1; i <= n; i++) {
            if (i == n || held[i] != held[i - 1] + 1) {
                ring.publish(held[start], held[i - 1]);
                start = i;
            }
        }
    }

    private static void answerError(PeerConnection peer, ByteBuf frame, LoopState state) {
        ByteBuf answer = state.errorAnswers.write(peer.channel().alloc().buffer(256), frame, frame.readerIndex(),
                frame.readableBytes(), state.error, peer.local().originHostBytes, peer.local().originRealmBytes);
        peer.answerAndFlush(answer);
    }
}
