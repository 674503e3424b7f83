package io.gyro.diameter.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A message trickled in byte by byte slower than the assembly timeout closes the connection. */
class SlowTrickleTest {
    private static ByteBuf dwrLikeHeader() {
        ByteBuf b = Unpooled.buffer(20);
        DiameterHeader.write(b, DiameterHeader.FLAG_REQUEST, 280, 0, 1, 1);
        DiameterHeader.patchLength(b, 0, 64);
        return b;
    }

    @Test
    void trickleSlowerThanTheAssemblyTimeoutCloses() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(
                new DiameterFrameDecoder(DiameterFrameDecoder.DEFAULT_MAX_MESSAGE_SIZE, TimeUnit.MILLISECONDS.toNanos(100)));
        ByteBuf header = dwrLikeHeader();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int sent = 0;
            while (channel.isOpen() && sent < 20 && System.nanoTime() < deadline) {
                channel.writeInbound(header.retainedSlice(sent, 1));
                sent++;
                Thread.sleep(30);
            }
            assertFalse(channel.isOpen(), "closed before the message completed");
            assertTrue(sent < 20);
            assertNull(channel.readInbound());
        } finally {
            header.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void steadyMessagesKeepTheConnection() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(
                new DiameterFrameDecoder(DiameterFrameDecoder.DEFAULT_MAX_MESSAGE_SIZE, TimeUnit.MILLISECONDS.toNanos(100)));
        try {
            for (int i = 0; i < 5; i++) {
                ByteBuf message = Unpooled.buffer(20);
                DiameterHeader.write(message, DiameterHeader.FLAG_REQUEST, 280, 0, i, i);
                DiameterHeader.patchLength(message, 0, 20);
                channel.writeInbound(message);
                ByteBuf frame = channel.readInbound();
                frame.release();
                Thread.sleep(150);
            }
            assertTrue(channel.isOpen(), "complete messages, however far apart, are fine");
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
