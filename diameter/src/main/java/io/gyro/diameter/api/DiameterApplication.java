package io.gyro.diameter.api;

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


    /** A peer completed capabilities exchange. Event-loop thread. */
    default void onPeerOpen(PeerConnection peer) {
    }

    /** A peer's connection closed, for whatever reason. Event-loop thread. */
    default void onPeerClosed(PeerConnection peer) {
    }
}
