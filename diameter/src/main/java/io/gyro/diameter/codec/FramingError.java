package io.gyro.diameter.codec;

import io.netty.buffer.ByteBuf;

/**
 * Emitted by {@link DiameterFrameDecoder} when the byte stream cannot be re-framed: a message
 * length below the header size, above the configured maximum, or not a multiple of 4.
 * {@code header} holds the first 20 bytes so an error answer can still be sent (the decoder
 * waits for all 20 before deciding, so it is null only when built elsewhere); the receiver
 * answers, releases it, and closes the connection.
 */
public final class FramingError {
    public final int resultCode;
    public final ByteBuf header;
    public final String reason;

    public FramingError(int resultCode, ByteBuf header, String reason) {
        this.resultCode = resultCode;
        this.header = header;
        this.reason = reason;
    }
}
