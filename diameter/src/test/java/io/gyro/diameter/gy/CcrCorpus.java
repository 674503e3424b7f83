package io.gyro.diameter.gy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.testing.Fixtures;
import io.gyro.diameter.testing.MessageVariants;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * What the CCR decoder equivalence tests share: the corpus every decoder must agree on (named fixtures, the fuzz
 * seeds and CCRs written in the shapes both tests need), the comparison of two readings of one message from a heap
 * frame and from a pooled direct slice,, as text.
 */
final class CcrCorpus {
    private CcrCorpus() {
    }

    /** The fixtures named, the fuzz seeds, and written CCRs: MSCC, voice, SMS, single-service and refusal shapes. */
    static Map<String, byte[]> base(Iterable<String> fixtures) throws IOException {
        Map<String, byte[]> messages = new LinkedHashMap<>();
        for (String name : fixtures) {
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
        messages.put("refused after groups", written(w -> {
            w.beginMscc(100, -1).usedOctets(1, 2, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc();
            w.usedUnits(4);
            w.subscriptionId(9, "123");
            w.beginMscc(200, -1).usedTime(5, -1).endMscc();
            w.smsRecipient("+8613900000003");
            w.requestedAction(7);
        }));
        messages.put("network information", written(w -> {
            // 3GPP-User-Location-Info TAI+ECGI in 45400, APN, RAT-Type, Tariff-Change-Usage, '+' E.164, Role-of-Node.
            w.subscriptionId(Enumerations.END_USER_E164, "+8617000000001");
            w.beginMscc(100, -1).usedOctetsAtTariffChange(3_000_000, 0).usedOctetsAtTariffChange(2_000_000, 1)
                    .requestedEmpty().endMscc();
            w.raw().octets(AvpCode.TGPP_RAT_TYPE, (int) VendorId.TGPP, new byte[] {6}, 0, 1);
            w.psInformation("video.gyro-mobile.cn", new byte[] {(byte) 130, 0x54, (byte) 0xf4, 0x00, 0, 1,
                    0x54, (byte) 0xf4, 0x00, 0, 0, 0, 1});
            w.imsInformation(1, "tel:+8613800138000", "tel:+8617000000001");
        }));
        messages.put("sms recipient of type MSISDN", written(w -> {
            w.msisdn(8617000000001L).requestedUnits(1);
            w.raw().beginGroup(AvpCode.SERVICE_INFORMATION, (int) VendorId.TGPP)
                    .beginGroup(AvpCode.SMS_INFORMATION, (int) VendorId.TGPP).beginGroup(2026, (int) VendorId.TGPP)
                    .beginGroup(AvpCode.RECIPIENT_ADDRESS, (int) VendorId.TGPP).enumerated(899, (int) VendorId.TGPP, 1)
                    .utf8(AvpCode.ADDRESS_DATA, (int) VendorId.TGPP, "447700900123").endGroup().endGroup().endGroup()
                    .endGroup();
        }));
        messages.put("too many MSCCs", written(w -> {
            for (int i = 0; i < CreditControlRequest.MAX_MSCC; i++) {
                w.beginMscc(i, -1).usedUnits(i).requestedEmpty().endMscc();
            }
        }));
        return messages;
    }

    /** A CCR-UPDATE with the fixed header AVPs and whatever {@code body} writes. */
    static byte[] written(Consumer<CreditControlRequestWriter> body) {
        ByteBuf out = Unpooled.buffer(2048);
        CreditControlRequestWriter w = new CreditControlRequestWriter();
        w.begin(out, 1, 2, "pgw01;1;2;3", "pgw01".getBytes(StandardCharsets.US_ASCII),
                "epc".getBytes(StandardCharsets.US_ASCII), "gyro.local", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 4);
        body.accept(w);
        return ByteBufUtil.getBytes(w.end());
    }

    /**
     * {@code expected} and {@code actual} describe {@code message} the same, from a heap frame and from a pooled
     * direct slice at an offset into a larger buffer (as DiameterFrameDecoder passes frames on).
     */
    static void assertSameReading(String what, byte[] message, Function<ByteBuf, String> expected,
                                  Function<ByteBuf, String> actual) {
        assertEquals(expected.apply(Unpooled.wrappedBuffer(message)), actual.apply(Unpooled.wrappedBuffer(message)),
                what + " (heap)\n" + Fixtures.hex(message));
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(message.length + 13);
        try {
            read.writeZero(13).writeBytes(message);
            ByteBuf direct = read.retainedSlice(13, message.length);
            try {
                assertEquals(expected.apply(direct), actual.apply(direct), what + " (direct)\n" + Fixtures.hex(message));
            } finally {
                direct.release();
            }
        } finally {
            read.release();
        }
    }
}
