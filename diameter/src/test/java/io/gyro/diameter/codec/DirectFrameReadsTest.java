package io.gyro.diameter.codec;

import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.testing.Fixtures;
import io.gyro.diameter.testing.MessageVariants;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link AvpReader} reads the memory of direct frames itself and goes through the ByteBuf for
 * heap frames. Both must see the same message: the validator and the CCR decoder give the same
 * result (or the same exception) for a frame on the heap and for the same bytes in a slice of a
 * pooled direct buffer, as the frame decoder hands them over. The messages are the fixtures, the
 * fuzz seeds, and seeded random corruptions of them (lengths, codes, flags, truncations).
 */
class DirectFrameReadsTest {
    private static final int CORRUPTIONS_PER_MESSAGE = 400;

    static Stream<String> fixtures() {
        return MessageVariants.ALL_FIXTURES.stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void fixtureReadsTheSameFromHeapAndDirectFrames(String name) {
        assertSameOutcome(name, Fixtures.bytes(name));
    }

    @Test
    void fuzzSeedsReadTheSameFromHeapAndDirectFrames() throws IOException {
        try (Stream<Path> seeds = Files.list(MessageVariants.fuzzSeeds())) {
            for (Path seed : seeds.toList()) {
                assertSameOutcome(seed.getFileName().toString(), Files.readAllBytes(seed));
            }
        }
    }

    @Test
    void corruptedMessagesReadTheSameFromHeapAndDirectFrames() {
        SplittableRandom random = new SplittableRandom(20_251_125);
        for (String name : MessageVariants.ALL_FIXTURES) {
            byte[] original = Fixtures.bytes(name);
            for (int i = 0; i < CORRUPTIONS_PER_MESSAGE; i++) {
                byte[] message = corrupt(original, random);
                assertSameOutcome(name + " corruption " + i, message);
            }
        }
    }

    /** Digits are read by words from direct frames: every length, with and without a stray byte. */
    @Test
    void digitsReadTheSameFromHeapAndDirectFrames() {
        SplittableRandom random = new SplittableRandom(46_001);
        for (int length = 0; length <= 20; length++) {
            for (int i = 0; i < 200; i++) {
                byte[] data = new byte[length];
                for (int d = 0; d < length; d++) {
                    data[d] = (byte) ('0' + random.nextInt(10));
                }
                if (length > 0 && i % 2 == 1) {
                    data[random.nextInt(length)] = (byte) random.nextInt(256);
                }
                long expected = referenceDigits(data);
                byte[] avp = avp(data);
                ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(avp.length).writeBytes(avp);
                try {
                    assertEquals(expected, digits(Unpooled.wrappedBuffer(avp)), new String(data, StandardCharsets.ISO_8859_1));
                    assertEquals(expected, digits(direct), new String(data, StandardCharsets.ISO_8859_1));
                } finally {
                    direct.release();
                }
            }
        }
    }

    private static long referenceDigits(byte[] data) {
        if (data.length == 0 || data.length > 18) {
            return -1;
        }
        for (byte b : data) {
            if (b < '0' || b > '9') {
                return -1;
            }
        }
        return Long.parseLong(new String(data, StandardCharsets.US_ASCII));
    }

    /** An AVP (Subscription-Id-Data) holding {@code data}, padded. */
    private static byte[] avp(byte[] data) {
        int length = 8 + data.length;
        byte[] avp = new byte[(length + 3) & ~3];
        avp[2] = 0x01;
        avp[3] = (byte) 0xbc;
        avp[4] = 0x40;
        avp[6] = (byte) (length >>> 8);
        avp[7] = (byte) length;
        System.arraycopy(data, 0, avp, 8, data.length);
        return avp;
    }

    private static long digits(ByteBuf run) {
        AvpReader reader = new AvpReader().wrap(run, 0, run.writerIndex());
        if (!reader.next()) {
            throw new AssertionError("no AVP");
        }
        return reader.digitsAsLong();
    }

    @Test
    void releasedDirectFrameFailsAsAByteBufReadFails() {
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        frame.writeBytes(Fixtures.bytes("dwr"));
        frame.release();
        AvpReader reader = new AvpReader().wrapMessage(frame, 0, 44);
        assertThrows(IllegalReferenceCountException.class, reader::next);
    }

    /** A message whose length field claims more than the buffer holds: reads past it throw, never read stray memory. */
    @Test
    void directFrameShorterThanItsLengthFailsAsAByteBufReadFails() {
        byte[] dwr = Fixtures.bytes("dwr");
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(dwr.length, dwr.length).writeBytes(dwr);
        try {
            AvpReader reader = new AvpReader().wrapMessage(frame, 0, dwr.length + 64);
            assertThrows(IndexOutOfBoundsException.class, () -> {
                while (reader.next()) {
                    reader.unsigned64();
                }
            });
        } finally {
            frame.release();
        }
    }

    private static byte[] corrupt(byte[] original, SplittableRandom random) {
        byte[] message = original.clone();
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
            int at = DiameterHeader.LENGTH + random.nextInt(Math.max(1, message.length - DiameterHeader.LENGTH));
            if (at >= message.length) {
                continue;
            }
            switch (random.nextInt(4)) {
                case 0 -> message[at] = (byte) random.nextInt(256);
                case 1 -> message[at] = 0;
                case 2 -> message[at] = (byte) 0xff;
                default -> message[at] ^= (byte) (1 << random.nextInt(8));
            }
        }
        if (random.nextInt(8) == 0) {
            // A message cut short, with its length field saying so.
            int length = Math.max(DiameterHeader.LENGTH, random.nextInt(message.length + 1) & ~3);
            message = Arrays.copyOf(message, length);
            message[1] = (byte) (length >>> 16);
            message[2] = (byte) (length >>> 8);
            message[3] = (byte) length;
        }
        return message;
    }

    private static void assertSameOutcome(String what, byte[] message) {
        ByteBuf heap = Unpooled.wrappedBuffer(message);
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(message.length + 13);
        try {
            read.writeZero(13).writeBytes(message);
            // A slice at an offset into the read buffer, as DiameterFrameDecoder passes frames on.
            ByteBuf direct = read.retainedSlice(13, message.length);
            try {
                assertEquals(outcome(heap), outcome(direct), what);
            } finally {
                direct.release();
            }
        } finally {
            read.release();
        }
    }

    /** What validation and decoding saw, as text: results, every decoded field, or the exception. */
    private static String outcome(ByteBuf frame) {
        StringBuilder out = new StringBuilder();
        try {
            Validation validation = new MessageValidator().validate(frame, 0, new Validation());
            out.append(describe(validation));
        } catch (RuntimeException e) {
            out.append("validate threw ").append(kind(e));
        }
        CreditControlRequest ccr = new CreditControlRequest();
        try {
            Validation error = new Validation();
            out.append(" decode=").append(ccr.decode(frame, 0, error)).append(' ').append(describe(error));
            out.append(MessageVariants.publicFields(ccr));
        } catch (RuntimeException e) {
            out.append(" decode threw ").append(kind(e));
        }
        return out.toString();
    }

    /** A heap ByteBuf reports a read past its array as ArrayIndexOutOfBounds, a direct one as IndexOutOfBounds. */
    private static String kind(RuntimeException e) {
        return e instanceof IndexOutOfBoundsException ? "IndexOutOfBoundsException" : e.getClass().getName();
    }

    private static String describe(Validation v) {
        return v + " failedAvpLength=" + v.failedAvpLength + " missingAvpVendor=" + v.missingAvpVendor;
    }
}
