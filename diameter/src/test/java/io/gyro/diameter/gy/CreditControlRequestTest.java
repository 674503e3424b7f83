package io.gyro.diameter.gy;

import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CCR decoder reads every field of the hand-assembled fixtures; decode/encode round trips. */
class CreditControlRequestTest {
    private final CreditControlRequest ccr = new CreditControlRequest();
    private final Validation error = new Validation();

    private CreditControlRequest decode(ByteBuf frame) {
        Validation v = new MessageValidator().validate(frame, frame.readerIndex(), new Validation());
        assertTrue(v.ok(), v.toString());
        assertTrue(ccr.decode(frame, frame.readerIndex(), error), error.toString());
        return ccr;
    }

    @Test
    void initialRequest() {
        CreditControlRequest r = decode(Fixtures.buffer("ccr-initial"));
        assertEquals(0x11223344, r.hopByHop);
        assertEquals(0x55667788, r.endToEnd);
        assertFalse(r.retransmitted);
        assertEquals("pgw.example.net;1700000000;42", r.sessionIdString());
        assertEquals("32251@3gpp.org", r.serviceContextIdString());
        assertTrue(r.serviceContextIdEquals("32251@3gpp.org"));
        assertEquals(Enumerations.INITIAL_REQUEST, r.ccRequestType);
        assertEquals(0, r.ccRequestNumber);
        assertEquals(8613800000001L, r.msisdn);
        assertEquals(460001234567890L, r.imsi);
        assertTrue(r.multipleServicesIndicator);
        assertEquals(23415, r.sgsnMccMnc);
        assertEquals(-1, r.requestedAction);
        assertEquals(2, r.msccCount);
        assertFalse(r.singleService);
        assertEquals(100, r.ratingGroup[0]);
        assertEquals(-1, r.serviceIdentifier[0]);
        assertTrue(r.requestsUnits(0));
        assertEquals(-1, r.rsuTotalOctets[0], "an empty RSU names no unit");
        assertFalse(r.usuPresent[0]);
        assertEquals(200, r.ratingGroup[1]);
        assertEquals(7, r.serviceIdentifier[1]);
        assertEquals(5_000_000, r.rsuTotalOctets[1]);
        assertEquals(-1, r.rsuTime[1]);
        assertEquals("pgw.example.net", r.frame.toString(r.originHostOffset, r.originHostLength,
                java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void updateRequestSumsUsageAndKeepsReportingReasons() {
        CreditControlRequest r = decode(Fixtures.buffer("ccr-update"));
        assertEquals(Enumerations.UPDATE_REQUEST, r.ccRequestType);
        assertEquals(1, r.ccRequestNumber);
        assertEquals(-1, r.imsi);
        assertEquals(3, r.msccCount);
        assertEquals(100, r.ratingGroup[0]);
        assertTrue(r.usuPresent[0]);
        assertEquals(4600, r.usuTotalOctets[0]);
        assertEquals(Enumerations.RR_QUOTA_EXHAUSTED, r.reportingReason[0], "Reporting-Reason inside the USU");
        assertTrue(r.rsuPresent[0]);
        assertEquals(200, r.ratingGroup[1]);
        assertEquals(95, r.usuTime[1]);
        assertFalse(r.rsuPresent[1]);
        assertEquals(Enumerations.RR_FINAL, r.reportingReason[1], "Reporting-Reason at MSCC level");
        assertEquals(300, r.ratingGroup[2]);
        assertEquals(600, r.rsuTime[2]);
        assertEquals(-1, r.reportingReason[2]);
    }

    @Test
    void terminationRequest() {
        CreditControlRequest r = decode(Fixtures.buffer("ccr-termination"));
        assertEquals(Enumerations.TERMINATION_REQUEST, r.ccRequestType);
        assertEquals(2, r.ccRequestNumber);
        assertEquals(Enumerations.DIAMETER_LOGOUT, r.terminationCause);
        assertEquals(-1, r.sgsnMccMnc, "home network: no 3GPP-SGSN-MCC-MNC");
        assertEquals(1, r.msccCount);
        assertEquals(30, r.usuTotalOctets[0]);
        assertEquals(Enumerations.RR_FINAL, r.reportingReason[0]);
    }

    @Test
    void eventRequestBecomesOneImplicitService() {
        CreditControlRequest r = decode(Fixtures.buffer("ccr-event"));
        assertEquals(Enumerations.EVENT_REQUEST, r.ccRequestType);
        assertEquals(Enumerations.DIRECT_DEBITING, r.requestedAction);
        assertEquals(1_700_000_000_000L, r.eventTimestampMs);
        assertEquals("32274@3gpp.org", r.serviceContextIdString());
        assertTrue(r.singleService);
        assertEquals(1, r.msccCount);
        assertEquals(30, r.ratingGroup[0]);
        assertEquals(1, r.rsuServiceSpecificUnits[0]);
        assertEquals("+8613900000002", r.calledPartyString(), "the digits with their leading +, which rating reads as 00");
    }

    @Test
    void badCcRequestTypeIsInvalidAvpValueNamingTheAvp() {
        ByteBuf frame = Fixtures.buffer("malformed/bad-cc-request-type");
        assertTrue(new MessageValidator().validate(frame, 0, new Validation()).ok(), "framing and grammar are fine");
        assertFalse(ccr.decode(frame, 0, error));
        assertEquals(ResultCode.DIAMETER_INVALID_AVP_VALUE, error.resultCode);
        assertEquals(AvpCode.CC_REQUEST_TYPE, frame.getInt(error.failedAvpOffset));
        assertEquals(12, error.failedAvpLength);
    }

    @Test
    void decodedInitialRequestWritesBackToTheSameBytes() {
        CreditControlRequest r = decode(Fixtures.buffer("ccr-initial"));
        CreditControlRequestWriter w = new CreditControlRequestWriter().begin(PooledByteBufAllocator.DEFAULT.buffer(),
                r.hopByHop, r.endToEnd, r.sessionIdString(), bytes(r, r.originHostOffset, r.originHostLength),
                "example.net".getBytes(), "example.com", r.serviceContextIdString(), r.ccRequestType, r.ccRequestNumber)
                .subscriptionId(Enumerations.END_USER_E164, Long.toString(r.msisdn))
                .subscriptionId(Enumerations.END_USER_IMSI, Long.toString(r.imsi))
                .multipleServicesIndicator();
        for (int i = 0; i < r.msccCount; i++) {
            w.beginMscc(r.ratingGroup[i], r.serviceIdentifier[i]);
            if (r.rsuTotalOctets[i] >= 0) {
                w.requestedOctets(r.rsuTotalOctets[i]);
            } else {
                w.requestedEmpty();
            }
            w.endMscc();
        }
        ByteBuf written = w.visitedNetwork(Integer.toString(r.sgsnMccMnc)).end();
        try {
            assertArrayEquals(Fixtures.bytes("ccr-initial"), io.netty.buffer.ByteBufUtil.getBytes(written));
        } finally {
            written.release();
        }
    }

    @Test
    void writtenRequestsDecodeToWhatWasWritten() {
        ByteBuf frame = new CreditControlRequestWriter().begin(PooledByteBufAllocator.DEFAULT.buffer(), 9, 10, "s;1",
                        "h".getBytes(), "r".getBytes(), "d", "32260@3gpp.org", Enumerations.UPDATE_REQUEST, 7)
                .msisdn(123456789012345L)
                .beginMscc(5, 6).requestedUnits(3).usedUnits(2).usedUnits(4).endMscc()
                .calledParty("tel:+8613912345678")
                .end();
        try {
            CreditControlRequest r = decode(frame);
            assertEquals("s;1", r.sessionIdString());
            assertEquals(7, r.ccRequestNumber);
            assertEquals(123456789012345L, r.msisdn);
            assertEquals(5, r.ratingGroup[0]);
            assertEquals(6, r.serviceIdentifier[0]);
            assertEquals(3, r.rsuServiceSpecificUnits[0]);
            assertEquals(6, r.usuServiceSpecificUnits[0], "USUs of one MSCC are summed");
            assertEquals("+8613912345678", r.calledPartyString());
        } finally {
            frame.release();
        }
    }

    @Test
    void eventTimestampAfterTheNtpRolloverOf2036() {
        long march2040 = 2214345600_000L; // 2040-03-01T00:00:00Z
        ByteBuf frame = new CreditControlRequestWriter().begin(PooledByteBufAllocator.DEFAULT.buffer(), 1, 2, "s;2",
                "h".getBytes(), "r".getBytes(), "d", "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0)
                .eventTimestamp(march2040).requestedUnits(1).end();
        try {
            assertEquals(march2040, decode(frame).eventTimestampMs);
        } finally {
            frame.release();
        }
    }

    @Test
    void moreMultipleServicesCreditControlThanSlotsIsTooManyTimes() {
        CreditControlRequestWriter w = new CreditControlRequestWriter().begin(PooledByteBufAllocator.DEFAULT.buffer(),
                1, 2, "s;3", "h".getBytes(), "r".getBytes(), "d", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0);
        for (int i = 0; i < CreditControlRequest.MAX_MSCC; i++) {
            w.beginMscc(i, -1).requestedEmpty().endMscc();
        }
        ByteBuf frame = w.end();
        try {
            assertFalse(ccr.decode(frame, 0, error));
            assertEquals(ResultCode.DIAMETER_AVP_OCCURS_TOO_MANY_TIMES, error.resultCode);
            assertEquals(AvpCode.MULTIPLE_SERVICES_CREDIT_CONTROL, frame.getInt(error.failedAvpOffset));
        } finally {
            frame.release();
        }
    }

    @Test
    void unknownSubscriptionIdTypeIsInvalidValue() {
        ByteBuf frame = new CreditControlRequestWriter().begin(PooledByteBufAllocator.DEFAULT.buffer(), 1, 2, "s;4",
                "h".getBytes(), "r".getBytes(), "d", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0)
                .subscriptionId(9, "123").end();
        try {
            assertFalse(ccr.decode(frame, 0, error));
            assertEquals(ResultCode.DIAMETER_INVALID_AVP_VALUE, error.resultCode);
            assertEquals(AvpCode.SUBSCRIPTION_ID, frame.getInt(error.failedAvpOffset));
        } finally {
            frame.release();
        }
    }

    private static byte[] bytes(CreditControlRequest r, int offset, int length) {
        byte[] out = new byte[length];
        r.frame.getBytes(offset, out);
        return out;
    }
}
