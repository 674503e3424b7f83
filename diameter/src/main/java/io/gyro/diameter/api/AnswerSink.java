package io.gyro.diameter.api;

import io.netty.buffer.ByteBuf;

/**
 * Where the answers to a connection's requests go: a {@link io.gyro.diameter.peer.PeerConnection}
 * in the server, anything that consumes encoded answers in a benchmark or test. An application
 * hands answers over from its own thread and flushes once per batch.
 */
public interface AnswerSink {
    /** Takes ownership of {@code answer} (an encoded Diameter answer) without flushing. */
    void answer(ByteBuf answer);

    /** Sends what {@link #answer} queued. */
    void flush();
}
