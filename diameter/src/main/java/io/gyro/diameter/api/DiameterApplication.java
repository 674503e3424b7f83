package io.gyro.diameter.api;

import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.peer.PeerConnection;
import io.netty.buffer.ByteBuf;

/**
 * What an application (the engine's Gy and Sy logic) implements to receive requests.
 *
 * <p>{@link #onRequest} is called on the connection's Netty event loop for every request of a
 * supported application (Gy: Auth-Application-Id 4, Sy: 16777302) that passed header, AVP and
 * grammar validation. The frame is released when the call returns: copy what you need, or
 * {@code retain()} it and release it yourself. Answer later, from any thread and in any order,
 * with {@link PeerConnection#answer(ByteBuf)}; every request must get exactly one answer.
 * Do no blocking work here: this thread serves many peers.
 */
public interface DiameterApplication {
    void onRequest(PeerConnection peer, ByteBuf frame, int commandCode, int applicationId);

    /**
     * Checks a request of an open connection (RFC 6733 §7.1) before it is delivered: the peer
     * handler calls this where it would call {@code validator.validate(frame, offset, out)}, which
     * is what the default does, and answers with {@code out} when it is not ok. Event-loop thread.
     *
     * <p>An application that decodes a command may validate and decode it here in one walk, filling
     * {@code out} exactly as the validator would, and keep what it decoded for the
     * {@link #onRequest} of this frame. That call, when it comes, follows on the same thread before
     * this method is called again; it does not come when the request is answered otherwise (an
     * invalid request, a base-protocol command, a peer that is disconnecting).
     */
    default Validation validate(ByteBuf frame, int offset, int commandCode, int applicationId,
            MessageValidator validator, Validation out) {
        return validator.validate(frame, offset, out);
    }

    /** A peer completed capabilities exchange. Event-loop thread. */
    default void onPeerOpen(PeerConnection peer) {
    }

    /** A peer's connection closed, for whatever reason. Event-loop thread. */
    default void onPeerClosed(PeerConnection peer) {
    }
}
