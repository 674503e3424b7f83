package io.gyro.diameter.codec;

import io.gyro.diameter.dictionary.ResultCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits a TCP byte stream into Diameter messages using the 3-byte Message Length of the header
 * (RFC 6733 §3). Each complete message is passed on as a retained slice of the input, so no
 * bytes are copied. A length that cannot be trusted (under 20, over {@code maxMessageSize}, or
 * not a multiple of 4) leaves no way to find the next message: the decoder emits one
 * {@link FramingError} (5015 DIAMETER_INVALID_MESSAGE_LENGTH) and discards everything after it.
 */
public final class DiameterFrameDecoder extends ByteToMessageDecoder {
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024;

    private enum State { FRAMING, CORRUPT }

    private final int maxMessageSize;
    private State state = State.FRAMING;

    public DiameterFrameDecoder(int maxMessageSize) {
        if (maxMessageSize < DiameterHeader.LENGTH) {
            throw new IllegalArgumentException("maxMessageSize=" + maxMessageSize + " is below the 20-byte header");
        }
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (state == State.FRAMING) {
            if (in.readableBytes() < 4) {
                return;
            }
            int start = in.readerIndex();
            int length = DiameterHeader.messageLength(in, start);
            if (length < DiameterHeader.LENGTH || length > maxMessageSize || (length & 3) != 0) {
                if (in.readableBytes() < DiameterHeader.LENGTH) {
                    // Wait for a full header, whatever the length says, so the answer can echo its
                    // identifiers and does not depend on how TCP split the stream. A peer that stops
                    // short is closed by the watchdog or at end of stream.
                    return;
                }
                state = State.CORRUPT;
                ByteBuf header = in.retainedSlice(start, DiameterHeader.LENGTH);
                in.skipBytes(in.readableBytes());
                out.add(new FramingError(ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH, header,
                        length > maxMessageSize ? "message larger than the configured maximum" : "invalid message length"));
                return;
            }
            if (in.readableBytes() < length) {
                return;
            }
            out.add(in.readRetainedSlice(length));
        }
        in.skipBytes(in.readableBytes());
    }
}
