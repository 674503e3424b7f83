package io.gyro.diameter.gy;

import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.VendorId;
import io.gyro.diameter.testing.MessageVariants;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

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
        MessageVariants.forEachWithCorruptions(messages(), CORRUPTIONS_PER_MESSAGE, 20_261_125,
                CreditControlRequestEquivalenceTest::assertSameOutcome);
    }

    /**
     * Each AVP of the CCRs, at every depth, with and without the V bit, and the frame cut inside
     * and around its header and Vendor-ID while the length field still claims the whole message:
     * every read of a header, a Vendor-ID or a value that the reference makes past the frame's end
     * fails the same way.
     */
    @Test
    void framesCutAtEveryAvpFailAsTheReferenceFails() throws IOException {
        MessageVariants.forEachCutOfWellFormed(messages(), CreditControlRequestEquivalenceTest::assertSameOutcome);
    }

    /** The comparison sees every field: a decoder that differs in one field of one MSCC is told apart. */
    @Test
    void theComparisonNoticesADifferentField() {
        byte[] message = CcrCorpus.written(w -> w.beginMscc(100, 1).usedOctets(5, 6, Enumerations.RR_QUOTA_EXHAUSTED).endMscc());
        ByteBuf frame = Unpooled.wrappedBuffer(message);
        CreditControlRequest decoded = new CreditControlRequest();
        decoded.decode(frame, 0, new Validation());
        String before = MessageVariants.publicFields(decoded);
        decoded.usuTotalOctets[0]++;
        assertNotEquals(before, MessageVariants.publicFields(decoded));
    }

    private static Map<String, byte[]> messages() throws IOException {
        Map<String, byte[]> messages = CcrCorpus.base(Arrays.asList(FIXTURES));
        messages.put("3GPP-SGSN-MCC-MNC last at the top level", CcrCorpus.written(w -> {
            w.raw().utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "23415");
            w.beginMscc(100, -1).usedOctets(1, 2, -1).endMscc();
            serviceInformation(w, "46001");
            w.beginMscc(200, -1).requestedEmpty().endMscc();
            w.raw().utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "310260");
        }));
        messages.put("3GPP-SGSN-MCC-MNC last in Service-Information", CcrCorpus.written(w -> {
            w.raw().utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "23415");
            serviceInformation(w, "46001");
            w.raw().utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "310260");
            w.beginMscc(100, -1).usedOctets(1, 2, -1).endMscc();
            w.visitedNetwork("50501");
            w.calledParty("sip:+441234@ims");
        }));
        messages.put("bad CC-Request-Type after groups", CcrCorpus.written(w -> {
            w.beginMscc(100, -1).usedOctets(1, 2, Enumerations.RR_QUOTA_EXHAUSTED).endMscc();
            serviceInformation(w, "46001");
            w.raw().enumerated(AvpCode.CC_REQUEST_TYPE, 9);
            w.beginMscc(200, -1).usedTime(5, -1).endMscc();
        }));
        messages.put("many top-level units", CcrCorpus.written(w -> {
            for (int i = 0; i < 40; i++) {
                w.usedUnits(i).usedTime(i, i % 3 == 0 ? Enumerations.RR_QUOTA_EXHAUSTED : -1);
                if (i % 10 == 0) {
                    serviceInformation(w, "4600" + i / 10);
                    w.raw().utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, "2341" + i / 10);
                }
            }
            w.requestedUnits(2);
        }));
        return messages;
    }

    /** Service-Information/PS-Information/3GPP-SGSN-MCC-MNC, closed at once (the writer's stays open). */
    private static void serviceInformation(CreditControlRequestWriter w, String mccMnc) {
        w.raw().beginGroup(AvpCode.SERVICE_INFORMATION, VendorId.TGPP).beginGroup(AvpCode.PS_INFORMATION, VendorId.TGPP)
                .utf8(AvpCode.TGPP_SGSN_MCC_MNC, VendorId.TGPP, mccMnc).endGroup().endGroup();
    }

    private static void assertSameOutcome(String what, byte[] message) {
        CcrCorpus.assertSameReading(what, message, frame -> outcome(new ReferenceCreditControlRequest(), frame),
                frame -> outcome(new CreditControlRequest(), frame));
    }

    private static String outcome(Object decoder, ByteBuf frame) {
        Validation error = new Validation();
        try {
            boolean ok = decoder instanceof CreditControlRequest ccr ? ccr.decode(frame, 0, error)
                    : ((ReferenceCreditControlRequest) decoder).decode(frame, 0, error);
            return "decode=" + ok + ' ' + error + " failedAvpLength=" + error.failedAvpLength + ' ' + MessageVariants.publicFields(decoder);
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getName();
        }
    }

}
