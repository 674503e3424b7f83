package io.gyro.diameter.codec;

import io.gyro.diameter.dictionary.ApplicationId;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.testing.Fixtures;
import io.gyro.diameter.testing.MessageVariants;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * {@link MessageValidator} walks with its cursor in locals and notes the AVPs seen as bits of
 * {@link io.gyro.diameter.dictionary.Grammar#requiredBit}; before that it walked with a stack of
 * {@link AvpReader}s and scanned the grammar for each AVP. {@link ReferenceMessageValidator} is
 * that earlier validator: both must give the same Result-Code, Failed-AVP, missing AVP and
 * message, or throw the same exception, on the fixtures, the fuzz seeds, written messages
 * (Address AVPs, Failed-AVP, nesting too deep, unknown mandatory AVPs, missing members), seeded
 * corruptions of all of them, and each AVP with the V bit set and the frame cut around its
 * header, from heap frames and from pooled direct slices.
 */
class MessageValidatorEquivalenceTest {
    private static final int CORRUPTIONS_PER_MESSAGE = 500;

    @Test
    void everyMessageAndItsCorruptionsValidateAsTheReferenceValidates() throws IOException {
        MessageVariants.forEachWithCorruptions(messages(), CORRUPTIONS_PER_MESSAGE, 6_733, MessageValidatorEquivalenceTest::assertSameOutcome);
    }

    @Test
    void framesCutAtEveryAvpFailAsTheReferenceFails() throws IOException {
        MessageVariants.forEachCutOfWellFormed(messages(), MessageValidatorEquivalenceTest::assertSameOutcome);
    }

    /** The outcome names every field of the Validation: a different Failed-AVP length is told apart. */
    @Test
    void theComparisonNoticesADifferentField() {
        Validation v = new MessageValidator().validate(Unpooled.wrappedBuffer(Fixtures.bytes("malformed/unsigned32-length-5")),
                0, new Validation());
        String before = describe(v);
        v.failedAvpLength++;
        assertNotEquals(before, describe(v));
    }

    private static Map<String, byte[]> messages() throws IOException {
        Map<String, byte[]> messages = new LinkedHashMap<>();
        for (String name : MessageVariants.ALL_FIXTURES) {
            messages.put(name, Fixtures.bytes(name));
        }
        try (Stream<Path> seeds = Files.list(MessageVariants.fuzzSeeds())) {
            for (Path seed : seeds.sorted().toList()) {
                messages.put("fuzz seed " + seed.getFileName(), Files.readAllBytes(seed));
            }
        }
        ByteBuf ccr = Unpooled.buffer(1024);
        new CreditControlRequestWriter().begin(ccr, 1, 2, "pgw01;1;2;3", "pgw01".getBytes(StandardCharsets.US_ASCII),
                        "epc".getBytes(StandardCharsets.US_ASCII), "gyro.local", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 4)
                .subscriptionId(Enumerations.END_USER_E164, "8617000000001")
                .multipleServicesIndicator()
                .beginMscc(100, -1).usedOctets(400_000, 1_600_000, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc()
                .beginMscc(200, 7).usedTime(60, -1).requestedOctets(1_000).endMscc()
                .visitedNetwork("46001")
                .end();
        messages.put("written CCR-U", ByteBufUtil.getBytes(ccr));
        messages.put("Address AVPs, Failed-AVP, unknown AVPs", written(CommandCode.CAPABILITIES_EXCHANGE, w -> {
            w.utf8(AvpCode.ORIGIN_HOST, "ocs").utf8(AvpCode.ORIGIN_REALM, "gyro.local");
            w.address(AvpCode.HOST_IP_ADDRESS, new byte[] {10, 0, 0, 1});
            w.address(AvpCode.HOST_IP_ADDRESS, new byte[16]);
            w.address(AvpCode.HOST_IP_ADDRESS, new byte[] {1, 2, 3});
            w.unsigned32(AvpCode.VENDOR_ID, 0).utf8(AvpCode.PRODUCT_NAME, "gyro");
            w.beginGroup(AvpCode.FAILED_AVP).unsigned32(99_999, 5).unsigned32(AvpCode.VENDOR_ID, VendorId.TGPP, 1).endGroup();
            w.unsigned32(4_000, VendorId.TGPP, false, 1).unsigned32(99_998, 77, true, 1);
        }));
        messages.put("nested too deep", written(CommandCode.CREDIT_CONTROL, w -> {
            w.utf8(AvpCode.SESSION_ID, "s");
            for (int i = 0; i < 8; i++) {
                w.beginGroup(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL);
            }
            w.unsigned32(AvpCode.RATING_GROUP, 1);
            for (int i = 0; i < 8; i++) {
                w.endGroup();
            }
        }));
        messages.put("missing members", written(CommandCode.CREDIT_CONTROL, w -> {
            w.beginGroup(AvpCode.SUBSCRIPTION_ID).utf8(AvpCode.SUBSCRIPTION_ID_DATA, "1").endGroup();
            w.beginGroup(AvpCode.COST_INFORMATION).beginGroup(AvpCode.UNIT_VALUE).endGroup().endGroup();
        }));
        return messages;
    }

    private interface Body {
        void write(DiameterWriter w);
    }

    private static byte[] written(int commandCode, Body body) {
        DiameterWriter w = new DiameterWriter();
        w.begin(Unpooled.buffer(1024), DiameterHeader.FLAG_REQUEST, commandCode, ApplicationId.CREDIT_CONTROL, 1, 2);
        body.write(w);
        return ByteBufUtil.getBytes(w.end());
    }

    private static void assertSameOutcome(String what, byte[] message) {
        assertEquals(outcome(true, Unpooled.wrappedBuffer(message)), outcome(false, Unpooled.wrappedBuffer(message)),
                what + " (heap)\n" + Fixtures.hex(message));
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(message.length + 13);
        try {
            read.writeZero(13).writeBytes(message);
            ByteBuf direct = read.retainedSlice(13, message.length);
            try {
                assertEquals(outcome(true, direct), outcome(false, direct), what + " (direct)\n" + Fixtures.hex(message));
            } finally {
                direct.release();
            }
        } finally {
            read.release();
        }
    }

    private static String outcome(boolean reference, ByteBuf frame) {
        try {
            Validation v = reference ? new ReferenceMessageValidator().validate(frame, 0, new Validation())
                    : new MessageValidator().validate(frame, 0, new Validation());
            return describe(v);
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getName();
        }
    }

    private static String describe(Validation v) {
        return v + " failedAvpLength=" + v.failedAvpLength + " missingAvpVendor=" + v.missingAvpVendor;
    }
}
