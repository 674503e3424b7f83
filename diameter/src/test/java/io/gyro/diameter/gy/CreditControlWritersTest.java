package io.gyro.diameter.gy;

import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CCR and CCA writers against the hand-assembled fixtures, byte for byte (RFC 4006 §3, TS 32.299). */
class CreditControlWritersTest {
    static final int HBH = 0x11223344;
    static final int E2E = 0x55667788;
    static final String SESSION_ID = "pgw.example.net;1700000000;42";
    static final byte[] PGW_HOST = ascii("pgw.example.net");
    static final byte[] PGW_REALM = ascii("example.net");
    static final byte[] OCS_HOST = ascii("ocs.example.com");
    static final byte[] OCS_REALM = ascii("example.com");
    static final byte[] SID = ascii(SESSION_ID);

    private final CreditControlRequestWriter ccr = new CreditControlRequestWriter();
    private final CreditControlAnswerWriter cca = new CreditControlAnswerWriter();

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static void assertBytes(String fixture, ByteBuf actual) {
        try {
            assertEquals(Fixtures.hex(Fixtures.bytes(fixture)), Fixtures.hex(ByteBufUtil.getBytes(actual)), fixture);
        } finally {
            actual.release();
        }
    }

    private CreditControlRequestWriter ccr(int delta, String serviceContext, int type, long number) {
        return ccr.begin(PooledByteBufAllocator.DEFAULT.buffer(256), HBH + delta, E2E + delta, SESSION_ID,
                PGW_HOST, PGW_REALM, "example.com", serviceContext, type, number);
    }

    private CreditControlAnswerWriter cca(int delta, int type, long number) {
        return cca.begin(PooledByteBufAllocator.DEFAULT.buffer(256), HBH + delta, E2E + delta, SID, SID.length,
                ResultCode.DIAMETER_SUCCESS, OCS_HOST, OCS_REALM, type, number);
    }

    @Test
    void initialRequestWithTwoMsccAndRoaming() {
        assertBytes("ccr-initial", ccr(0, "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0)
                .subscriptionId(Enumerations.END_USER_E164, "8613800000001")
                .subscriptionId(Enumerations.END_USER_IMSI, "460001234567890")
                .multipleServicesIndicator()
                .beginMscc(100, -1).requestedEmpty().endMscc()
                .beginMscc(200, 7).requestedOctets(5_000_000).endMscc()
                .visitedNetwork("23415")
                .end());
    }

    @Test
    void updateRequestWithReportingReasons() {
        assertBytes("ccr-update", ccr(1, "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 1)
                .msisdn(8613800000001L)
                .multipleServicesIndicator()
                .beginMscc(100, -1).requestedEmpty().usedOctets(1200, 3400, Enumerations.RR_QUOTA_EXHAUSTED).endMscc()
                .beginMscc(200, -1).usedTime(95, -1).reportingReason(Enumerations.RR_FINAL).endMscc()
                .beginMscc(300, -1).requestedTime(600).endMscc()
                .visitedNetwork("23415")
                .end());
    }

    @Test
    void terminationRequest() {
        assertBytes("ccr-termination", ccr(2, "32251@3gpp.org", Enumerations.TERMINATION_REQUEST, 2)
                .msisdn(8613800000001L)
                .terminationCause(Enumerations.DIAMETER_LOGOUT)
                .beginMscc(100, -1).usedOctets(10, 20, Enumerations.RR_FINAL).endMscc()
                .end());
    }

    @Test
    void eventRequestForAnSms() {
        assertBytes("ccr-event", ccr(3, "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0)
                .msisdn(8613800000001L)
                .requestedAction(Enumerations.DIRECT_DEBITING)
                .eventTimestamp(1_700_000_000_000L)
                .requestedUnits(1)
                .ratingGroup(30)
                .smsRecipient("+8613900000002")
                .end());
    }

    @Test
    void answerGrantingTwoRatingGroups() {
        assertBytes("cca-grant", cca(0, Enumerations.INITIAL_REQUEST, 0)
                .beginMscc(100, -1, ResultCode.DIAMETER_SUCCESS).grantedOctets(10_485_760).validityTime(3600)
                .volumeQuotaThreshold(1_048_576).endMscc()
                .beginMscc(300, 7, ResultCode.DIAMETER_SUCCESS).grantedTime(600).validityTime(1800).endMscc()
                .end());
    }

    @Test
    void answerWithFinalUnitRedirect() {
        assertBytes("cca-final-redirect", cca(1, Enumerations.UPDATE_REQUEST, 1)
                .beginMscc(100, -1, ResultCode.DIAMETER_SUCCESS).grantedOctets(2048).validityTime(600)
                .finalUnitRedirect("http://topup.example.com/").endMscc()
                .end());
    }

    @Test
    void answerWithFinalUnitTerminateAndCreditLimitReached() {
        assertBytes("cca-final-terminate", cca(1, Enumerations.UPDATE_REQUEST, 1)
                .beginMscc(100, -1, ResultCode.DIAMETER_SUCCESS).grantedTime(60)
                .finalUnit(Enumerations.FUA_TERMINATE, null).endMscc()
                .beginMscc(200, -1, ResultCode.DIAMETER_CREDIT_LIMIT_REACHED).endMscc()
                .end());
    }

    @Test
    void eventAnswerWithCostInformation() {
        assertBytes("cca-event-cost", cca(3, Enumerations.EVENT_REQUEST, 0)
                .costInformation(150, -2, 156)
                .end());
    }
}
