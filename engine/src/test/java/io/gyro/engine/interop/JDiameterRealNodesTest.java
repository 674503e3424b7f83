package io.gyro.engine.interop;

import org.jdiameter.api.Answer;
import org.jdiameter.api.AvpSet;
import org.jdiameter.api.Session;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.gyro.engine.interop.JDiameterPgw.DATA_CONTEXT;
import static io.gyro.engine.interop.JDiameterPgw.SMS_CONTEXT;
import static io.gyro.engine.interop.JDiameterPgw.VOICE_CONTEXT;
import static io.gyro.engine.interop.JDiameterPgw.describe;
import static io.gyro.engine.interop.JDiameterPgw.mscc;
import static io.gyro.engine.interop.JDiameterPgw.requestEmpty;
import static io.gyro.engine.interop.JDiameterPgw.resultCode;
import static io.gyro.engine.interop.JDiameterPgw.successfulMscc;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The corpus's Service-Information trees sent by a second Diameter stack, jDiameter, playing a
 * PGW with the full PS-Information, an SMSC with the RestComm SMS-Information and an IMS node
 * with IMS-Information ({@link JDiameterNodeAvps}), against a real engine over loopback.
 * Figures from config/catalogue.yaml as in {@link RealNodeCorpusTest}.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class JDiameterRealNodesTest {
    @TempDir
    Path dataDir;
    @AutoClose
    private RunningEngine engine;
    private JDiameterPgw node;

    @BeforeEach
    void start() throws Exception {
        engine = RunningEngine.start(dataDir, 4);
        node = engine.connectJDiameter();
    }

    /** Result-Code 2001 and, unless {@code ratingGroup} is -1, 2001 in the MSCC of that rating group. */
    private static void assertSuccess(String what, Answer answer, long ratingGroup) throws Exception {
        assertEquals(2001, resultCode(answer), () -> what + ": " + describe(answer));
        if (ratingGroup >= 0) {
            successfulMscc(what, answer, ratingGroup);
        }
    }

    @Test
    void pgwWithTheFullPsInformationPaysFromTheDataAllowance() throws Exception {
        long msisdn = 8617000000001L;
        RunningEngine.Balance before = engine.balance(msisdn);
        Session session = node.newSession();
        Answer initial = node.ccr(session, DATA_CONTEXT, JDiameterPgw.INITIAL, 0, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.MULTIPLE_SERVICES_INDICATOR, 1, true, false);
            requestEmpty(mscc(avps, 100));
            psInformation(avps);
        });
        assertSuccess("CCR-I", initial, 100);
        Answer update = node.ccr(session, DATA_CONTEXT, JDiameterPgw.UPDATE, 1, msisdn, avps -> {
            AvpSet m = mscc(avps, 100);
            JDiameterPgw.usedOctets(m, 400_000, 600_000, 3);
            requestEmpty(m);
            psInformation(avps);
        });
        assertSuccess("CCR-U", update, 100);
        Answer termination = node.ccr(session, DATA_CONTEXT, JDiameterPgw.TERMINATION, 2, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.TERMINATION_CAUSE, 1, true, false);
            JDiameterPgw.usedOctets(mscc(avps, 100), 40_000, 60_000, 2);
            psInformation(avps);
        });
        assertSuccess("CCR-T", termination, -1);

        RunningEngine.Balance after = engine.balance(msisdn);
        // 1,000,000 then 100,000 octets: the data allowance pays the 1,100,000 used, to the unit (CATALOGUE.md).
        assertAll(
                () -> assertEquals(before.bucket("data", "remaining") - 1_100_000, after.bucket("data", "remaining"), after::toString),
                () -> assertEquals(before.bucket("data", "reserved"), after.bucket("data", "reserved")),
                () -> assertEquals(before.moneyMicros(), after.moneyMicros()));
    }

    private static void psInformation(AvpSet avps) {
        try {
            JDiameterNodeAvps.psInformation(avps, "46001");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Single-service event (no MSCC), as JDiameterEngineTest's SMSC, with RestComm's SMS-Information. */
    @Test
    void smscWithTheRestcommSmsInformationPaysFromTheSmsAllowance() throws Exception {
        long msisdn = 8617000000002L;
        RunningEngine.Balance before = engine.balance(msisdn);
        Answer event = node.ccr(node.newSession(), SMS_CONTEXT, JDiameterPgw.EVENT, 0, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.REQUESTED_ACTION, 0, true, false); // DIRECT_DEBITING
            JDiameterNodeAvps.smsInformation(avps, "8617000000002", "13800138000", false);
        });
        assertSuccess("CCR-E", event, -1);

        RunningEngine.Balance after = engine.balance(msisdn);
        // 13800138000: national ("1"); one of the 50 national SMS, no money.
        assertAll(
                () -> assertEquals(before.bucket("sms", "remaining") - 1, after.bucket("sms", "remaining"), after::toString),
                () -> assertEquals(before.moneyMicros(), after.moneyMicros()));
    }

    /**
     * The same single-service event with no Recipient-Info: the catalogue's defaultDestination
     * (national) prices it. basic: one of the 50 national SMS, no money; payg (no allowance):
     * sms-std 0.10, 1,000,000 - 100,000 = 900,000 micros.
     */
    @Test
    void smscWithoutARecipientIsPricedAtTheDefaultDestination() throws Exception {
        long basic = 8617000000004L;
        RunningEngine.Balance before = engine.balance(basic);
        engine.createSubscriber(8617100000002L, 460990100000002L, "payg", "1.00");
        for (long msisdn : new long[]{basic, 8617100000002L}) {
            Answer event = node.ccr(node.newSession(), SMS_CONTEXT, JDiameterPgw.EVENT, 0, msisdn, avps -> {
                avps.addAvp(JDiameterPgw.REQUESTED_ACTION, 0, true, false);
                JDiameterNodeAvps.smsInformation(avps, Long.toString(msisdn), null, true);
            });
            assertSuccess("CCR-E " + msisdn, event, -1);
        }
        RunningEngine.Balance after = engine.balance(basic);
        RunningEngine.Balance payg = engine.balance(8617100000002L);
        assertAll(
                () -> assertEquals(before.bucket("sms", "remaining") - 1, after.bucket("sms", "remaining"), after::toString),
                () -> assertEquals(before.moneyMicros(), after.moneyMicros()),
                () -> assertEquals(900_000, payg.moneyMicros(), payg::toString));
    }

    @Test
    void imsNodeWithImsInformationPaysFromTheVoiceAllowance() throws Exception {
        long msisdn = 8617000000003L;
        RunningEngine.Balance before = engine.balance(msisdn);
        Session session = node.newSession();
        String calling = "sip:+8617000000003@ims.mnc001.mcc460.3gppnetwork.org";
        String called = "tel:+8613800138000";
        Answer initial = node.ccr(session, VOICE_CONTEXT, JDiameterPgw.INITIAL, 0, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.MULTIPLE_SERVICES_INDICATOR, 1, true, false);
            requestEmpty(mscc(avps, 300));
            JDiameterNodeAvps.imsInformation(avps, calling, called, "call-1@pcscf");
        });
        assertSuccess("CCR-I", initial, 300);
        Answer update = node.ccr(session, VOICE_CONTEXT, JDiameterPgw.UPDATE, 1, msisdn, avps -> {
            AvpSet m = mscc(avps, 300);
            JDiameterPgw.usedTime(m, 75, 3);
            requestEmpty(m);
            JDiameterNodeAvps.imsInformation(avps, calling, called, "call-1@pcscf");
        });
        assertSuccess("CCR-U", update, 300);
        Answer termination = node.ccr(session, VOICE_CONTEXT, JDiameterPgw.TERMINATION, 2, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.TERMINATION_CAUSE, 1, true, false);
            JDiameterPgw.usedTime(mscc(avps, 300), 30, 2);
            JDiameterNodeAvps.imsInformation(avps, calling, called, "call-1@pcscf");
        });
        assertSuccess("CCR-T", termination, -1);

        RunningEngine.Balance after = engine.balance(msisdn);
        // tel:+86...: national; the allowance pays the 75 + 30 = 105 s used, to the second.
        assertAll(
                () -> assertEquals(before.bucket("voice", "remaining") - 105, after.bucket("voice", "remaining"), after::toString),
                () -> assertEquals(before.moneyMicros(), after.moneyMicros()));
    }
}
