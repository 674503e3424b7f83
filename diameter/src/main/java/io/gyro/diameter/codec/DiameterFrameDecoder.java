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

    /** Default time a message may take to arrive once its first byte did (slow-trickle defence). */
    public static final long DEFAULT_ASSEMBLY_TIMEOUT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final int maxMessageSize;
    private final long assemblyTimeoutNanos;
    private State state = State.FRAMING;
    /** System.nanoTime() when the first byte of the message being assembled arrived; 0 when none. */
    private long partialSinceNanos;

    public DiameterFrameDecoder(int maxMessageSize) {
        this(maxMessageSize, DEFAULT_ASSEMBLY_TIMEOUT_NANOS);
    }

    /**
     * @param assemblyTimeoutNanos a message whose bytes trickle in for longer than this is a
     *                             slow-read attack or a broken peer: the connection is closed
     */
    public DiameterFrameDecoder(int maxMessageSize, long assemblyTimeoutNanos) {
        if (maxMessageSize < DiameterHeader.LENGTH) {
            throw new IllegalArgumentException("maxMessageSize=" + maxMessageSize + " is below the 20-byte header");
        }
        if (assemblyTimeoutNanos <= 0) {
            throw new IllegalArgumentException("assemblyTimeoutNanos=" + assemblyTimeoutNanos + " must be positive");
        }
        this.maxMessageSize = maxMessageSize;
        this.assemblyTimeoutNanos = assemblyTimeoutNanos;
    }

    /** Waits for more bytes of a message; closes the connection if the message has taken too long. */
    private void awaitMore(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        if (partialSinceNanos == 0) {
            partialSinceNanos = now;
        } else if (now - partialSinceNanos > assemblyTimeoutNanos) {
            state = State.CORRUPT;
            ctx.close();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (state == State.FRAMING) {
            if (!in.isReadable()) {
                partialSinceNanos = 0;
                return;
            }
            if (in.readableBytes() < 4) {
                awaitMore(ctx);
                return;
            }
            int start = in.readerIndex();
            int length = DiameterHeader.messageLength(in, start);
            if (length < DiameterHeader.LENGTH || length > maxMessageSize || (length & 3) != 0) {
                if (in.readableBytes() < DiameterHeader.LENGTH) {
                    // Wait for a full header, whatever the length says, so the answer can echo its
                    // identifiers and does not depend on how TCP split the stream. A peer that stops
                    // short is closed by the watchdog or at end of stream.
                    awaitMore(ctx);
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
                awaitMore(ctx);
                return;
            }
            out.add(in.readRetainedSlice(length));
            partialSinceNanos = 0;
        }
        in.skipBytes(in.readableBytes());
    }
}
