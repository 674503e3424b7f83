package io.gyro.diameter.gy;

import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.testing.Fixtures;
import io.gyro.diameter.testing.MessageVariants;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CreditControlRequest#validateAndDecode} validates and decodes a CCR in one walk; the event loop used to run
 * {@link MessageValidator#validate} and then {@link CreditControlRequest#decode}. Both must give the same outcome, the
 * same Validations (Result-Code, Failed-AVP, missing AVP, message) and, when the message was decoded, the same fields,
 * or throw the same exception: on every fixture, the fuzz seeds, CCRs written in many shapes (groups the decoder does
 * not read, Failed-AVP, Address and unknown AVPs inside MSCCs, nesting too deep, missing members, refused values),
 * seeded corruptions of all of them and frames cut around every AVP header, from heap frames and pooled direct slices.
 */
class CreditControlRequestOnePassTest {
    private static final int CORRUPTIONS_PER_MESSAGE = 600;

    @Test
    void everyMessageAndItsCorruptionsGiveWhatValidateThenDecodeGives() throws IOException {
        MessageVariants.forEachWithCorruptions(messages(), CORRUPTIONS_PER_MESSAGE, 4_006, CreditControlRequestOnePassTest::assertSameOutcome);
    }

    @Test
    void framesCutAtEveryAvpGiveWhatValidateThenDecodeGives() throws IOException {
        MessageVariants.forEachCutOfWellFormed(messages(), CreditControlRequestOnePassTest::assertSameOutcome);
    }

    /** The comparison is not vacuous: the valid CCRs are read by the single walk, not by the fallback. */
    @Test
    void validRequestsAreReadInOneWalk() throws IOException {
        int checked = 0;
        for (Map.Entry<String, byte[]> message : messages().entrySet()) {
            ByteBuf frame = Unpooled.wrappedBuffer(message.getValue());
            if (frame.capacity() < DiameterHeader.LENGTH || DiameterHeader.messageLength(frame, 0) != frame.capacity()) {
                continue;
            }
            Validation validation = new MessageValidator().validate(frame, 0, new Validation());
            boolean accepted = validation.ok() && new CreditControlRequest().decode(frame, 0, new Validation());
            boolean ccr = DiameterHeader.commandCode(frame, 0) == 272 && DiameterHeader.isRequest(frame, 0);
            if (accepted && ccr) {
                assertTrue(new CreditControlRequest().onePass(frame, 0, new Validation()), message.getKey());
                checked++;
            }
        }
        assertTrue(checked >= 10, "only " + checked + " valid CCRs in the corpus");
    }

    /** The outcome names every field: a pass that differs in one field of one MSCC, or in the Validation, is told apart. */
    @Test
    void theComparisonNoticesADifferentFieldOrValidation() throws IOException {
        ByteBuf frame = Unpooled.wrappedBuffer(Fixtures.bytes("ccr-update"));
        CreditControlRequest decoded = new CreditControlRequest();
        Validation validation = new Validation();
        Validation error = new Validation();
        int outcome = decoded.validateAndDecode(frame, 0, new MessageValidator(), validation, error);
        String before = describe(outcome, validation, error, decoded);
        decoded.usuTotalOctets[0]++;
        assertNotEquals(before, describe(outcome, validation, error, decoded));
        decoded.usuTotalOctets[0]--;
        error.failedAvpLength++;
        assertNotEquals(before, describe(outcome, validation, error, decoded));
    }

    /**
     * A member with the wrong length inside each group the single walk reads itself (MSCC, USU, Subscription-Id):
     * decode, told the message is valid, still reads it; the single walk must refuse it, as the validator does.
     */
    @Test
    void aBadLengthInsideEachGroupIsRefusedByTheSingleWalkAlone() {
        byte[] ratingGroupOf8Bytes = {0, 0, 0, 100, 0, 0, 0, 0};
        byte[] inputOctetsOf4Bytes = {0, 0, 0, 7};
        byte[] typeOf8Bytes = {0, 0, 0, Enumerations.END_USER_IMSI, 0, 0, 0, 0};
        byte[] imsi = "460990000000001".getBytes(StandardCharsets.US_ASCII);
        byte[] inMscc = CcrCorpus.written(w -> w.raw().beginGroup(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL)
                .octets(AvpCode.RATING_GROUP, ratingGroupOf8Bytes).endGroup());
        byte[] inUsu = CcrCorpus.written(w -> w.raw().beginGroup(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL)
                .beginGroup(AvpCode.USED_SERVICE_UNIT).octets(AvpCode.CC_INPUT_OCTETS, inputOctetsOf4Bytes)
                .octets(AvpCode.CC_OUTPUT_OCTETS, new byte[] {0, 0, 0, 0, 0, 0, 0, 5}).endGroup().endGroup());
        byte[] inSubscriptionId = CcrCorpus.written(w -> w.raw().beginGroup(AvpCode.SUBSCRIPTION_ID)
                .octets(AvpCode.SUBSCRIPTION_ID_TYPE, typeOf8Bytes).octets(AvpCode.SUBSCRIPTION_ID_DATA, imsi).endGroup());

        CreditControlRequest decoded = decodedAsValid(inMscc);
        assertTrue(decoded.msccCount == 1 && decoded.ratingGroup[0] == 100, "decode reads the Rating-Group");
        assertFalse(new CreditControlRequest().onePass(Unpooled.wrappedBuffer(inMscc), 0, new Validation()));

        decoded = decodedAsValid(inUsu);
        assertTrue(decoded.usuPresent[0] && decoded.usuTotalOctets[0] >= 5, "decode reads the USU past the short member");
        assertFalse(new CreditControlRequest().onePass(Unpooled.wrappedBuffer(inUsu), 0, new Validation()));

        decoded = decodedAsValid(inSubscriptionId);
        assertTrue(decoded.imsi == 460990000000001L, "decode reads the Subscription-Id");
        assertFalse(new CreditControlRequest().onePass(Unpooled.wrappedBuffer(inSubscriptionId), 0, new Validation()));
    }

    /** decode of a message the validator refuses, as if it had passed: the readers without checks. */
    private static CreditControlRequest decodedAsValid(byte[] message) {
        ByteBuf frame = Unpooled.wrappedBuffer(message);
        assertFalse(new MessageValidator().validate(frame, 0, new Validation()).ok(), "the validator refuses it");
        CreditControlRequest decoded = new CreditControlRequest();
        assertTrue(decoded.decode(frame, 0, new Validation()));
        return decoded;
    }

    private static Map<String, byte[]> messages() throws IOException {
        Map<String, byte[]> messages = CcrCorpus.base(MessageVariants.ALL_FIXTURES);
        messages.put("groups the decoder does not read, at every level", CcrCorpus.written(w -> {
            w.msisdn(8613800000001L);
            userEquipmentInfo(w);
            w.raw().beginGroup(AvpCode.FAILED_AVP).unsigned32(99_999, 5).unsigned32(AvpCode.VENDOR_ID, VendorId.TGPP, 1)
                    .endGroup();
            w.raw().address(AvpCode.HOST_IP_ADDRESS, new byte[] {10, 0, 0, 1});
            w.raw().unsigned32(4_000, VendorId.TGPP, false, 1).unsigned32(99_998, 77, false, 1);
            w.beginMscc(100, -1);
            w.raw().beginGroup(AvpCode.GRANTED_SERVICE_UNIT).unsigned32(AvpCode.CC_TIME, 5).endGroup();
            w.raw().unsigned32(99_997, 0, false, 3);
            w.usedOctets(1, 2, Enumerations.RR_FINAL);
            w.raw().beginGroup(AvpCode.USED_SERVICE_UNIT).beginGroup(AvpCode.CC_MONEY).beginGroup(AvpCode.UNIT_VALUE)
                    .unsigned64(AvpCode.VALUE_DIGITS, 7).endGroup().unsigned32(AvpCode.CURRENCY_CODE, 156).endGroup()
                    .unsigned32(99_996, 0, false, 3).endGroup();
            w.requestedEmpty().endMscc();
            w.raw().beginGroup(AvpCode.USED_SERVICE_UNIT).beginGroup(AvpCode.CC_MONEY).endGroup().endGroup();
        }));
        messages.put("Address AVP with a bad family length inside an MSCC", CcrCorpus.written(w -> {
            w.beginMscc(100, -1);
            w.raw().address(AvpCode.HOST_IP_ADDRESS, new byte[] {1, 2, 3});
            w.endMscc();
        }));
        messages.put("unknown mandatory AVP inside a USU", CcrCorpus.written(w -> {
            w.beginMscc(100, -1);
            w.raw().beginGroup(AvpCode.USED_SERVICE_UNIT).unsigned32(99_995, 0, true, 3).endGroup();
            w.endMscc();
        }));
        messages.put("nested too deep inside an MSCC", CcrCorpus.written(w -> {
            w.beginMscc(100, -1);
            for (int i = 0; i < 7; i++) {
                w.raw().beginGroup(AvpCode.USED_SERVICE_UNIT);
            }
            for (int i = 0; i < 7; i++) {
                w.raw().endGroup();
            }
            w.endMscc();
        }));
        messages.put("missing members", CcrCorpus.written(w -> {
            w.raw().beginGroup(AvpCode.SUBSCRIPTION_ID).utf8(AvpCode.SUBSCRIPTION_ID_DATA, "1").endGroup();
            w.beginMscc(100, -1);
            w.raw().beginGroup(AvpCode.COST_INFORMATION).beginGroup(AvpCode.UNIT_VALUE).endGroup().endGroup();
            w.endMscc();
        }));
        messages.put("refused, then a bad AVP length", CcrCorpus.written(w -> {
            w.raw().enumerated(AvpCode.CC_REQUEST_TYPE, 9);
            w.beginMscc(100, -1).endMscc();
            w.raw().address(AvpCode.HOST_IP_ADDRESS, new byte[] {1, 2, 3});
        }));
        messages.put("many top-level units", CcrCorpus.written(w -> {
            for (int i = 0; i < 40; i++) {
                w.usedUnits(i).usedTime(i, i % 3 == 0 ? Enumerations.RR_QUOTA_EXHAUSTED : -1);
                if (i % 10 == 0) {
                    w.raw().beginGroup(AvpCode.SERVICE_INFORMATION, VendorId.TGPP)
                            .beginGroup(AvpCode.PS_INFORMATION, VendorId.TGPP)
                            .utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "4600" + i / 10).endGroup().endGroup();
                }
            }
            w.requestedUnits(2);
        }));
        return messages;
    }

    /** User-Equipment-Info (RFC 4006 §8.49): a vendor-0 group with required members, which the decoder skips. */
    private static void userEquipmentInfo(CreditControlRequestWriter w) {
        w.raw().beginGroup(AvpCode.USER_EQUIPMENT_INFO).enumerated(AvpCode.USER_EQUIPMENT_INFO_TYPE, 0)
                .octets(AvpCode.USER_EQUIPMENT_INFO_VALUE, "3542890000000001".getBytes(StandardCharsets.US_ASCII))
                .endGroup();
    }

    private static void assertSameOutcome(String what, byte[] message) {
        CcrCorpus.assertSameReading(what, message, CreditControlRequestOnePassTest::twoPasses,
                CreditControlRequestOnePassTest::onePass);
    }

    /** What the event loop did before: validate, then decode only a valid message. */
    private static String twoPasses(ByteBuf frame) {
        try {
            CreditControlRequest decoded = new CreditControlRequest();
            Validation validation = new Validation();
            Validation error = new Validation();
            if (!new MessageValidator().validate(frame, 0, validation).ok()) {
                return describe(CreditControlRequest.INVALID, validation, error, decoded);
            }
            boolean ok = decoded.decode(frame, 0, error);
            return describe(ok ? CreditControlRequest.DECODED : CreditControlRequest.REFUSED, validation, error, decoded);
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getName();
        }
    }

    /** The same through the single walk; the Validations start dirty to show that each is set as the two calls set it. */
    private static String onePass(ByteBuf frame) {
        try {
            CreditControlRequest decoded = new CreditControlRequest();
            Validation validation = new Validation().failAvp(1, 2, 3, "left over");
            Validation error = new Validation();
            int outcome = decoded.validateAndDecode(frame, 0, new MessageValidator(), validation, error);
            if (outcome == CreditControlRequest.INVALID) {
                return describe(outcome, validation, new Validation(), new CreditControlRequest());
            }
            return describe(outcome, validation, error, decoded);
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getName();
        }
    }

    /** Fields are compared only where a decode ran: after INVALID the two-pass path never decoded. */
    private static String describe(int outcome, Validation validation, Validation error, CreditControlRequest decoded) {
        return "outcome=" + outcome + " validation=" + validation + " failedAvpLength=" + validation.failedAvpLength
                + " missingAvpVendor=" + validation.missingAvpVendor + " error=" + error + " errorFailedAvpLength="
                + error.failedAvpLength + ' ' + (outcome == CreditControlRequest.INVALID ? "" : MessageVariants.publicFields(decoded));
    }

}
