package io.gyro.diameter.codec;

import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link DiameterFrameDecoder} through an EmbeddedChannel: fragmentation, batching, bad lengths, no leaks. */
class DiameterFrameDecoderTest {
    private EmbeddedChannel channel = new EmbeddedChannel(new DiameterFrameDecoder(DiameterFrameDecoder.DEFAULT_MAX_MESSAGE_SIZE));

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    private static ByteBuf pooled(byte[] bytes, int from, int length) {
        return PooledByteBufAllocator.DEFAULT.buffer(length).writeBytes(bytes, from, length);
    }

    private static byte[] concat(String... fixtures) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String f : fixtures) {
            out.writeBytes(Fixtures.bytes(f));
        }
        return out.toByteArray();
    }

    private void writeByteByByte(byte[] stream) {
        for (int i = 0; i < stream.length; i++) {
            channel.writeInbound(pooled(stream, i, 1));
        }
    }

    private void assertFrame(String fixture) {
        ByteBuf frame = channel.readInbound();
        assertNotNull(frame, "expected a frame for " + fixture);
        try {
            assertArrayEquals(Fixtures.bytes(fixture), ByteBufUtil.getBytes(frame), fixture);
        } finally {
            frame.release();
        }
    }

    private FramingError readError() {
        Object msg = channel.readInbound();
        FramingError error = assertInstanceOf(FramingError.class, msg);
        assertEquals(ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH, error.resultCode);
        return error;
    }

    private static byte[] header(int length) {
        byte[] h = new byte[20];
        h[0] = 1;
        h[1] = (byte) (length >>> 16);
        h[2] = (byte) (length >>> 8);
        h[3] = (byte) length;
        h[4] = (byte) 0x80;
        h[7] = (byte) 0x01; // command 257
        h[15] = 0x2a; // Hop-by-Hop 42
        return h;
    }

    @Test
    void byteByByteFragmentationYieldsWholeMessages() {
        writeByteByByte(concat("cer", "ccr-initial", "dwr"));
        assertFrame("cer");
        assertFrame("ccr-initial");
        assertFrame("dwr");
        assertNull(channel.readInbound());
    }

    @Test
    void nothingIsEmittedBeforeTheLastByte() {
        byte[] ccr = Fixtures.bytes("ccr-update");
        channel.writeInbound(pooled(ccr, 0, ccr.length - 1));
        assertNull(channel.readInbound());
        channel.writeInbound(pooled(ccr, ccr.length - 1, 1));
        assertFrame("ccr-update");
    }

    @Test
    void severalMessagesInOneBuffer() {
        byte[] stream = concat("ccr-initial", "ccr-update", "ccr-termination", "dpr");
        channel.writeInbound(pooled(stream, 0, stream.length));
        assertFrame("ccr-initial");
        assertFrame("ccr-update");
        assertFrame("ccr-termination");
        assertFrame("dpr");
        assertNull(channel.readInbound());
    }

    @Test
    void messageSplitAcrossBuffersAtEveryPoint() {
        byte[] stream = concat("dwr", "dwa");
        for (int split = 1; split < stream.length; split++) {
            channel.writeInbound(pooled(stream, 0, split), pooled(stream, split, stream.length - split));
            assertFrame("dwr");
            assertFrame("dwa");
        }
    }

    @Test
    void oversizeMessageIsAFramingErrorCarryingItsHeader() {
        byte[] oversize = Fixtures.bytes("malformed/oversize");
        channel.writeInbound(pooled(oversize, 0, oversize.length));
        FramingError error = readError();
        try {
            assertNotNull(error.header, "a full header arrived, so the answer can echo its identifiers");
            assertEquals(70000, DiameterHeader.messageLength(error.header, 0));
            assertEquals(0x11223344, DiameterHeader.hopByHop(error.header, 0));
        } finally {
            error.header.release();
        }
    }

    @Test
    void configuredMaximumIsInclusive() {
        channel.finishAndReleaseAll();
        channel = new EmbeddedChannel(new DiameterFrameDecoder(256));
        byte[] exact = new byte[256];
        System.arraycopy(header(256), 0, exact, 0, 20);
        channel.writeInbound(pooled(exact, 0, exact.length));
        ByteBuf frame = channel.readInbound();
        assertEquals(256, frame.readableBytes());
        frame.release();
        byte[] over = header(260);
        channel.writeInbound(pooled(over, 0, over.length));
        readError().header.release();
    }

    @Test
    void lengthBelowHeaderSizeIsAFramingError() {
        byte[] h = header(16);
        channel.writeInbound(pooled(h, 0, h.length));
        readError().header.release();
    }

    @Test
    void lengthNotMultipleOfFourIsAFramingErrorAndTheRestIsDiscarded() {
        byte[] stream = concat("malformed/length-not-multiple-of-4", "dwr");
        channel.writeInbound(pooled(stream, 0, stream.length));
        FramingError error = readError();
        error.header.release();
        assertEquals("invalid message length", error.reason);
        assertNull(channel.readInbound(), "after a framing error the stream cannot be re-framed");
        byte[] dwr = Fixtures.bytes("dwr");
        channel.writeInbound(pooled(dwr, 0, dwr.length));
        assertNull(channel.readInbound());
    }

    @Test
    void badLengthGivesTheSameErrorWhateverTheFragmentation() {
        // A short bogus length must not be decided on before the 20 header bytes are in, or the
        // answer (and its Hop-by-Hop id) would depend on how TCP split the stream.
        byte[] h = header(12);
        writeByteByByte(h);
        FramingError error = readError();
        assertNotNull(error.header, "the header is echoed even when it arrived byte by byte");
        assertEquals(42, DiameterHeader.hopByHop(error.header, 0));
        error.header.release();
    }

    @Test
    void connectionClosingMidMessageLeaksNothing() {
        byte[] ccr = Fixtures.bytes("ccr-initial");
        channel.writeInbound(pooled(ccr, 0, 100));
        assertFalse(channel.finish(), "an incomplete message is dropped, not emitted");
    }
}
