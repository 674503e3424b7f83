package io.gyro.diameter.codec;

import io.gyro.diameter.dictionary.ApplicationId;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.AvpDictionary;
import io.gyro.diameter.dictionary.AvpType;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
    private static final String[] FIXTURES = {"cer", "cea", "dwr", "dwa", "dpr", "dpa", "ccr-initial", "ccr-update",
            "ccr-termination", "ccr-event", "cca-grant", "cca-final-redirect", "cca-final-terminate", "cca-event-cost",
            "malformed/avp-length-below-header", "malformed/avp-length-past-end", "malformed/bad-cc-request-type",
            "malformed/cer-no-common-application", "malformed/length-not-multiple-of-4",
            "malformed/missing-cc-request-type", "malformed/missing-session-id", "malformed/oversize",
            "malformed/reserved-header-bits", "malformed/subscription-id-without-data",
            "malformed/unknown-avp-mandatory", "malformed/unknown-avp-optional", "malformed/unknown-command",
            "malformed/unsigned32-length-5", "malformed/version-2", "malformed/wrong-application"};
    private static final int CORRUPTIONS_PER_MESSAGE = 500;

    @Test
    void everyMessageAndItsCorruptionsValidateAsTheReferenceValidates() throws IOException {
        SplittableRandom random = new SplittableRandom(6_733);
        for (Map.Entry<String, byte[]> message : messages().entrySet()) {
            assertSameOutcome(message.getKey(), message.getValue());
            for (int i = 0; i < CORRUPTIONS_PER_MESSAGE; i++) {
                assertSameOutcome(message.getKey() + " corruption " + i, corrupt(message.getValue(), random));
            }
        }
    }

    @Test
    void framesCutAtEveryAvpFailAsTheReferenceFails() throws IOException {
        for (Map.Entry<String, byte[]> message : messages().entrySet()) {
            if (message.getKey().startsWith("fuzz") || message.getKey().startsWith("malformed")) {
                continue;
            }
            byte[] original = message.getValue();
            List<Integer> avps = new ArrayList<>();
            avpOffsets(Unpooled.wrappedBuffer(original), DiameterHeader.LENGTH, original.length, avps);
            for (int avp : avps) {
                for (int flags : new int[] {original[avp + 4], original[avp + 4] | AvpReader.FLAG_VENDOR}) {
                    for (int cut : new int[] {0, 2, 4, 8, 10, 12, 16}) {
                        byte[] variant = original.clone();
                        variant[avp + 4] = (byte) flags;
                        if (cut > 0 && avp + cut < variant.length) {
                            variant = Arrays.copyOf(variant, avp + cut);
                        }
                        assertSameOutcome(message.getKey() + " AVP at " + avp + " flags " + flags + " cut " + cut, variant);
                    }
                }
            }
        }
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
        for (String name : FIXTURES) {
            messages.put(name, Fixtures.bytes(name));
        }
        try (Stream<Path> seeds = Files.list(fuzzSeeds())) {
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
            for (int i = 0; i < 7; i++) {
                w.beginGroup(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL);
            }
            w.unsigned32(AvpCode.RATING_GROUP, 1);
            for (int i = 0; i < 7; i++) {
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

    /** Header offsets of the AVPs in [from, to), members of grouped AVPs included. */
    private static void avpOffsets(ByteBuf frame, int from, int to, List<Integer> out) {
        AvpReader reader = new AvpReader().wrap(frame, from, to);
        for (int at = reader.first(); (at = reader.readAt(at)) != AvpReader.END; ) {
            out.add(reader.avpOffset());
            if (AvpDictionary.type(reader.vendorId(), reader.code()) == AvpType.GROUPED) {
                avpOffsets(frame, reader.dataOffset(), reader.dataOffset() + reader.dataLength(), out);
            }
        }
    }

    /** As CreditControlRequestEquivalenceTest corrupts: bytes, cuts, and lengths claiming more than the frame. */
    private static byte[] corrupt(byte[] original, SplittableRandom random) {
        byte[] message = original.clone();
        int changes = random.nextInt(4);
        for (int c = 0; c < changes; c++) {
            int at = DiameterHeader.LENGTH + random.nextInt(Math.max(1, message.length - DiameterHeader.LENGTH));
            if (at >= message.length) {
                continue;
            }
            switch (random.nextInt(5)) {
                case 0 -> message[at] = (byte) random.nextInt(256);
                case 1 -> message[at] = 0;
                case 2 -> message[at] = (byte) 0xff;
                case 3 -> message[at] = (byte) 0x80;
                default -> message[at] ^= (byte) (1 << random.nextInt(8));
            }
        }
        int length = message.length;
        switch (random.nextInt(6)) {
            case 0 -> {
                length = Math.max(DiameterHeader.LENGTH, random.nextInt(message.length + 1) & ~3);
                message = Arrays.copyOf(message, length);
            }
            case 1 -> message = Arrays.copyOf(message, DiameterHeader.LENGTH + random.nextInt(message.length - 19));
            case 2 -> length = message.length + 4 * (1 + random.nextInt(8));
            default -> {
            }
        }
        message[1] = (byte) (length >>> 16);
        message[2] = (byte) (length >>> 8);
        message[3] = (byte) length;
        return message;
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

    private static Path fuzzSeeds() {
        try {
            return Path.of(MessageValidatorEquivalenceTest.class.getResource(
                    "/io/gyro/diameter/fuzz/CreditControlRequestFuzzTestInputs/decodeValidatedRequests").toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
