package io.gyro.diameter.gy;

import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.testing.Fixtures;
import io.gyro.diameter.testing.MessageVariants;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * {@link CreditControlRequest#decode} walks the message with its cursor in locals; before that it
 * walked with one {@link io.gyro.diameter.codec.AvpReader} per level. {@link ReferenceCreditControlRequest}
 * is that earlier decoder, kept as the reference: both must give the same result, the same error
 * and the same fields, or throw the same exception, for every message: the fixtures, the fuzz
 * seeds, CCRs of every shape the writer makes, and seeded corruptions of all of them (not
 * validated first, so broken headers, short fixed-size AVPs and lengths that claim more than the
 * frame holds all reach the decoders), each from a heap frame and from a pooled direct slice.
 */
class CreditControlRequestEquivalenceTest {
    private static final String[] FIXTURES = {"ccr-initial", "ccr-update", "ccr-termination", "ccr-event",
            "cca-grant", "cer", "malformed/avp-length-below-header", "malformed/avp-length-past-end",
            "malformed/bad-cc-request-type", "malformed/length-not-multiple-of-4", "malformed/missing-cc-request-type",
            "malformed/missing-session-id", "malformed/oversize", "malformed/subscription-id-without-data",
            "malformed/unknown-avp-mandatory", "malformed/unknown-avp-optional", "malformed/unsigned32-length-5"};
    private static final int CORRUPTIONS_PER_MESSAGE = 600;

    @Test
    void everyMessageAndItsCorruptionsDecodeAsTheReferenceDecodes() throws IOException {
        Map<String, byte[]> messages = messages();
        SplittableRandom random = new SplittableRandom(20_261_125);
        for (Map.Entry<String, byte[]> message : messages.entrySet()) {
            assertSameOutcome(message.getKey(), message.getValue());
            for (int i = 0; i < CORRUPTIONS_PER_MESSAGE; i++) {
                assertSameOutcome(message.getKey() + " corruption " + i, MessageVariants.corrupt(message.getValue(), random));
            }
        }
    }

    /**
     * Each AVP of the CCRs, at every depth, with and without the V bit, and the frame cut inside
     * and around its header and Vendor-ID while the length field still claims the whole message:
     * every read of a header, a Vendor-ID or a value that the reference makes past the frame's end
     * fails the same way.
     */
    @Test
    void framesCutAtEveryAvpFailAsTheReferenceFails() throws IOException {
        for (Map.Entry<String, byte[]> message : messages().entrySet()) {
            if (message.getKey().startsWith("fuzz") || message.getKey().startsWith("malformed")) {
                continue;
            }
            MessageVariants.forEachCutAtEveryAvp(message.getKey(), message.getValue(),
                (what, variant) -> assertSameOutcome(what, variant));
        }
    }

    /** The comparison sees every field: a decoder that differs in one field of one MSCC is told apart. */
    @Test
    void theComparisonNoticesADifferentField() {
        byte[] message = written(w -> w.beginMscc(100, 1).usedOctets(5, 6, Enumerations.RR_QUOTA_EXHAUSTED).endMscc());
        ByteBuf frame = Unpooled.wrappedBuffer(message);
        CreditControlRequest decoded = new CreditControlRequest();
        decoded.decode(frame, 0, new Validation());
        String before = fields(decoded);
        decoded.usuTotalOctets[0]++;
        assertNotEquals(before, fields(decoded));
    }

    private static Map<String, byte[]> messages() throws IOException {
        Map<String, byte[]> messages = new LinkedHashMap<>();
        for (String name : FIXTURES) {
            messages.put(name, Fixtures.bytes(name));
        }
        try (Stream<Path> seeds = Files.list(MessageVariants.fuzzSeeds())) {
            for (Path seed : seeds.sorted().toList()) {
                messages.put("fuzz seed " + seed.getFileName(), Files.readAllBytes(seed));
            }
        }
        messages.put("two MSCCs roaming", written(w -> {
            w.subscriptionId(Enumerations.END_USER_E164, "8617000000001");
            w.subscriptionId(Enumerations.END_USER_IMSI, "460990000000001");
            w.multipleServicesIndicator();
            w.beginMscc(100, -1).usedOctets(400_000, 1_600_000, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc();
            w.beginMscc(200, 7).usedOctets(1_000_000, 2_000_000, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc();
            w.visitedNetwork("46001");
        }));
        messages.put("voice", written(w -> {
            w.msisdn(8613800000001L).eventTimestamp(1_764_000_000_000L).requestedAction(Enumerations.DIRECT_DEBITING);
            w.beginMscc(300, 1).usedTime(60, -1).reportingReason(Enumerations.RR_QUOTA_EXHAUSTED).requestedTime(120).endMscc();
            w.calledParty("tel:+8613900000002");
        }));
        messages.put("sms recipient", written(w -> {
            w.subscriptionId(Enumerations.END_USER_IMSI, "46099000000000123").ratingGroup(9).requestedUnits(1);
            w.smsRecipient("+8613900000003");
        }));
        messages.put("single service", written(w -> {
            w.msisdn(447700900123L).terminationCause(1);
            w.raw().unsigned32(AvpCode.SERVICE_IDENTIFIER, 5);
            w.usedUnits(3).requestedOctets(1_000);
            w.raw().utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "23415");
            w.raw().unsigned32(AvpCode.RATING_GROUP, 77, 12);
        }));
        messages.put("3GPP-SGSN-MCC-MNC last at the top level", written(w -> {
            w.raw().utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "23415");
            w.beginMscc(100, -1).usedOctets(1, 2, -1).endMscc();
            serviceInformation(w, "46001");
            w.beginMscc(200, -1).requestedEmpty().endMscc();
            w.raw().utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "310260");
        }));
        messages.put("3GPP-SGSN-MCC-MNC last in Service-Information", written(w -> {
            w.raw().utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "23415");
            serviceInformation(w, "46001");
            w.raw().utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "310260");
            w.beginMscc(100, -1).usedOctets(1, 2, -1).endMscc();
            w.visitedNetwork("50501");
            w.calledParty("sip:+441234@ims");
        }));
        messages.put("refused after groups", written(w -> {
            w.beginMscc(100, -1).usedOctets(1, 2, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc();
            w.usedUnits(4);
            w.subscriptionId(9, "123");
            w.beginMscc(200, -1).usedTime(5, -1).endMscc();
            w.smsRecipient("+8613900000003");
            w.requestedAction(7);
        }));
        messages.put("bad CC-Request-Type after groups", written(w -> {
            w.beginMscc(100, -1).usedOctets(1, 2, Enumerations.RR_QUOTA_EXHAUSTED).endMscc();
            serviceInformation(w, "46001");
            w.raw().enumerated(AvpCode.CC_REQUEST_TYPE, 9);
            w.beginMscc(200, -1).usedTime(5, -1).endMscc();
        }));
        messages.put("many top-level units", written(w -> {
            for (int i = 0; i < 40; i++) {
                w.usedUnits(i).usedTime(i, i % 3 == 0 ? Enumerations.RR_QUOTA_EXHAUSTED : -1);
                if (i % 10 == 0) {
                    serviceInformation(w, "4600" + i / 10);
                    w.raw().utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "2341" + i / 10);
                }
            }
            w.requestedUnits(2);
        }));
        messages.put("too many MSCCs", written(w -> {
            for (int i = 0; i < CreditControlRequest.MAX_MSCC; i++) {
                w.beginMscc(i, -1).usedUnits(i).requestedEmpty().endMscc();
            }
        }));
        return messages;
    }

    /** Service-Information/PS-Information/3GPP-SGSN-MCC-MNC, closed at once (the writer's stays open). */
    private static void serviceInformation(CreditControlRequestWriter w, String mccMnc) {
        w.raw().beginGroup(AvpCode.SERVICE_INFORMATION, VendorId.TGPP).beginGroup(AvpCode.PS_INFORMATION, VendorId.TGPP)
                .utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, mccMnc).endGroup().endGroup();
    }

    private static byte[] written(Consumer<CreditControlRequestWriter> body) {
        ByteBuf out = Unpooled.buffer(1024);
        CreditControlRequestWriter w = new CreditControlRequestWriter();
        w.begin(out, 1, 2, "pgw01;1;2;3", "pgw01".getBytes(StandardCharsets.US_ASCII),
                "epc".getBytes(StandardCharsets.US_ASCII), "gyro.local", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 4);
        body.accept(w);
        return ByteBufUtil.getBytes(w.end());
    }

    private static void assertSameOutcome(String what, byte[] message) {
        assertEquals(outcome(new ReferenceCreditControlRequest(), Unpooled.wrappedBuffer(message)),
                outcome(new CreditControlRequest(), Unpooled.wrappedBuffer(message)), what + " (heap)\n" + Fixtures.hex(message));
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(message.length + 13);
        try {
            read.writeZero(13).writeBytes(message);
            // A slice at an offset into the read buffer, as DiameterFrameDecoder passes frames on.
            ByteBuf direct = read.retainedSlice(13, message.length);
            try {
                assertEquals(outcome(new ReferenceCreditControlRequest(), direct), outcome(new CreditControlRequest(), direct),
                        what + " (direct)\n" + Fixtures.hex(message));
            } finally {
                direct.release();
            }
        } finally {
            read.release();
        }
    }

    private static String outcome(Object decoder, ByteBuf frame) {
        Validation error = new Validation();
        try {
            boolean ok = decoder instanceof CreditControlRequest ccr ? ccr.decode(frame, 0, error)
                    : ((ReferenceCreditControlRequest) decoder).decode(frame, 0, error);
            return "decode=" + ok + ' ' + error + " failedAvpLength=" + error.failedAvpLength + ' ' + fields(decoder);
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getName();
        }
    }

    private static String fields(Object decoder) {
        List<String> values = new ArrayList<>();
        for (Field field : decoder.getClass().getFields()) {
            if (Modifier.isStatic(field.getModifiers()) || field.getType() == ByteBuf.class) {
                continue;
            }
            try {
                Object value = field.get(decoder);
                String text = value instanceof long[] longs ? Arrays.toString(longs)
                        : value instanceof int[] ints ? Arrays.toString(ints)
                        : value instanceof boolean[] flags ? Arrays.toString(flags)
                        : String.valueOf(value);
                values.add(field.getName() + '=' + text);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        values.sort(null);
        return values.toString();
    }
}
