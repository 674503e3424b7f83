package io.gyro.engine.interop;

import org.jdiameter.api.Answer;
import org.jdiameter.api.Avp;
import org.jdiameter.api.AvpSet;
import org.jdiameter.api.Session;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.gyro.engine.interop.JDiameterPgw.CC_SERVICE_SPECIFIC_UNITS;
import static io.gyro.engine.interop.JDiameterPgw.CC_TIME;
import static io.gyro.engine.interop.JDiameterPgw.CC_TOTAL_OCTETS;
import static io.gyro.engine.interop.JDiameterPgw.DATA_CONTEXT;
import static io.gyro.engine.interop.JDiameterPgw.EVENT;
import static io.gyro.engine.interop.JDiameterPgw.INITIAL;
import static io.gyro.engine.interop.JDiameterPgw.SMS_CONTEXT;
import static io.gyro.engine.interop.JDiameterPgw.TERMINATION;
import static io.gyro.engine.interop.JDiameterPgw.UPDATE;
import static io.gyro.engine.interop.JDiameterPgw.VOICE_CONTEXT;
import static io.gyro.engine.interop.JDiameterPgw.describe;
import static io.gyro.engine.interop.JDiameterPgw.granted;
import static io.gyro.engine.interop.JDiameterPgw.mscc;
import static io.gyro.engine.interop.JDiameterPgw.requestEmpty;
import static io.gyro.engine.interop.JDiameterPgw.resultCode;
import static io.gyro.engine.interop.JDiameterPgw.successfulMscc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4 "Done means": a jDiameter client stack (playing the PGW and the SMSC) against a real
 * engine on free loopback ports: a data session with two rating groups, a voice session, SMS
 * events with every Requested-Action, and the unknown-session / unknown-user answers. Effects are
 * checked through the HTTP balance view.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class JDiameterEngineTest {
    private static final long SUCCESS = 2001;
    private static final long UNKNOWN_SESSION_ID = 5002;
    private static final long USER_UNKNOWN = 5030;
    private static final long END_USER_SERVICE_DENIED = 4010;
    private static final int RR_FINAL = 2;
    private static final int RR_QUOTA_EXHAUSTED = 3;
    private static final int RR_VALIDITY_TIME = 4;
    private static final int DIRECT_DEBITING = 0;
    private static final int REFUND_ACCOUNT = 1;
    private static final int CHECK_BALANCE = 2;
    private static final int PRICE_ENQUIRY = 3;
    private static final int ENOUGH_CREDIT = 0;
    private static final long CNY = 156;
    private static final String NATIONAL = "8613800138000";
    private static final String INTERNATIONAL = "00447700900123";

    @TempDir
    Path dataDir;
    @AutoClose
    private RunningEngine engine;
    private JDiameterPgw pgw;

    @BeforeEach
    void start() throws Exception {
        engine = RunningEngine.start(dataDir, 5);
        pgw = engine.connectJDiameter();
    }

    /** The MSCC of this rating group says 2001 and grants units of this kind. */
    private static void assertGranted(Answer answer, long ratingGroup, int unitCode) throws Exception {
        AvpSet m = successfulMscc("CCA", answer, ratingGroup);
        assertTrue(granted(m, unitCode) > 0, "a Granted-Service-Unit for rating group " + ratingGroup);
    }

    @Test
    void dataSessionWithTwoRatingGroupsChargesExactlyTheReportedUsage() throws Exception {
        long msisdn = 8617000000001L;
        RunningEngine.Balance before = engine.balance(msisdn);
        Session session = pgw.newSession();

        Answer initial = pgw.ccr(session, DATA_CONTEXT, INITIAL, 0, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.MULTIPLE_SERVICES_INDICATOR, 1, true, false);
            requestEmpty(mscc(avps, 100));
            requestEmpty(mscc(avps, 101));
        });
        assertEquals(SUCCESS, resultCode(initial), () -> describe(initial));
        assertEquals(INITIAL, initial.getAvps().getAvp(JDiameterPgw.CC_REQUEST_TYPE).getInteger32());
        assertEquals(0, initial.getAvps().getAvp(JDiameterPgw.CC_REQUEST_NUMBER).getUnsigned32());
        assertEquals(session.getSessionId(), initial.getAvps().getAvp(Avp.SESSION_ID).getUTF8String());
        assertGranted(initial, 100, CC_TOTAL_OCTETS);
        assertGranted(initial, 101, CC_TOTAL_OCTETS);
        long grant100 = granted(JDiameterPgw.answerMscc(initial, 100), CC_TOTAL_OCTETS);
        long grant101 = granted(JDiameterPgw.answerMscc(initial, 101), CC_TOTAL_OCTETS);
        RunningEngine.Balance held = engine.balance(msisdn);
        assertEquals(before.bucket("data", "reserved") + grant100 + grant101, held.bucket("data", "reserved"),
                "both grants are held in the data allowance: " + held);

        Answer update = pgw.ccr(session, DATA_CONTEXT, UPDATE, 1, msisdn, avps -> {
            AvpSet m100 = mscc(avps, 100);
            JDiameterPgw.usedOctets(m100, 400_000, 600_000, RR_QUOTA_EXHAUSTED);
            requestEmpty(m100);
            AvpSet m101 = mscc(avps, 101);
            JDiameterPgw.usedOctets(m101, 12_000, 345, RR_VALIDITY_TIME);
            requestEmpty(m101);
        });
        assertEquals(SUCCESS, resultCode(update), () -> describe(update));
        assertGranted(update, 100, CC_TOTAL_OCTETS);
        assertGranted(update, 101, CC_TOTAL_OCTETS);

        Answer termination = pgw.ccr(session, DATA_CONTEXT, TERMINATION, 2, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.TERMINATION_CAUSE, 1, true, false); // DIAMETER_LOGOUT
            JDiameterPgw.usedOctets(mscc(avps, 100), 40_000, 60_000, RR_FINAL);
            JDiameterPgw.usedOctets(mscc(avps, 101), 5_000, 0, RR_FINAL);
        });
        assertEquals(SUCCESS, resultCode(termination), () -> describe(termination));
        assertEquals(TERMINATION, termination.getAvps().getAvp(JDiameterPgw.CC_REQUEST_TYPE).getInteger32());

        RunningEngine.Balance after = engine.balance(msisdn);
        // Allowances are used to the octet (config/CATALOGUE.md "Rounding"): the increment grid rounds only money.
        long used = 1_000_000 + 12_345 + 100_000 + 5_000;
        assertEquals(before.bucket("data", "remaining") - used, after.bucket("data", "remaining"),
                "the data allowance pays exactly the reported octets: " + after);
        assertEquals(before.bucket("data", "reserved"), after.bucket("data", "reserved"), "nothing held after CCR-T");
        assertEquals(before.moneyMicros(), after.moneyMicros(), "the allowance paid, not money");
        assertEquals(0, after.reservedMicros());
    }

    @Test
    void voiceSessionUnderItsOwnContext() throws Exception {
        long msisdn = 8617000000003L;
        RunningEngine.Balance before = engine.balance(msisdn);
        Session session = pgw.newSession();
        // Voice needs a destination: without Called-Party-Address no tariff applies (5031 per MSCC),
        // since defaultDestination only covers numbers no prefix matches.
        Answer initial = pgw.ccr(session, VOICE_CONTEXT, INITIAL, 0, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.MULTIPLE_SERVICES_INDICATOR, 1, true, false);
            requestEmpty(mscc(avps, 300));
            JDiameterPgw.calledParty(avps, "tel:" + NATIONAL);
        });
        assertEquals(SUCCESS, resultCode(initial), () -> describe(initial));
        assertGranted(initial, 300, CC_TIME);

        Answer update = pgw.ccr(session, VOICE_CONTEXT, UPDATE, 1, msisdn, avps -> {
            AvpSet m = mscc(avps, 300);
            JDiameterPgw.usedTime(m, 75, RR_QUOTA_EXHAUSTED);
            requestEmpty(m);
            JDiameterPgw.calledParty(avps, "tel:" + NATIONAL);
        });
        assertEquals(SUCCESS, resultCode(update), () -> describe(update));
        assertGranted(update, 300, CC_TIME);

        Answer termination = pgw.ccr(session, VOICE_CONTEXT, TERMINATION, 2, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.TERMINATION_CAUSE, 1, true, false);
            JDiameterPgw.usedTime(mscc(avps, 300), 30, RR_FINAL);
            JDiameterPgw.calledParty(avps, "tel:" + NATIONAL);
        });
        assertEquals(SUCCESS, resultCode(termination), () -> describe(termination));

        RunningEngine.Balance after = engine.balance(msisdn);
        assertEquals(before.bucket("voice", "remaining") - 75 - 30,
                after.bucket("voice", "remaining"), "the voice allowance pays the seconds used: " + after);
        assertEquals(before.bucket("voice", "reserved"), after.bucket("voice", "reserved"));
        assertEquals(before.moneyMicros(), after.moneyMicros());
    }

    private Answer smsEvent(long msisdn, int action, String recipient) throws Exception {
        Session session = pgw.newSession();
        Answer answer = pgw.ccr(session, SMS_CONTEXT, EVENT, 0, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.REQUESTED_ACTION, action, true, false);
            JDiameterPgw.smsRecipient(avps, recipient);
        });
        assertEquals(SUCCESS, resultCode(answer), () -> "Requested-Action " + action + ": " + describe(answer));
        assertEquals(EVENT, answer.getAvps().getAvp(JDiameterPgw.CC_REQUEST_TYPE).getInteger32());
        Avp echoed = answer.getAvps().getAvp(JDiameterPgw.REQUESTED_ACTION);
        assertNotNull(echoed, "Requested-Action in the CCA-EVENT");
        assertEquals(action, echoed.getInteger32());
        return answer;
    }

    /** Unit-Value × 10^Exponent in micros, after checking the currency. */
    private static long costMicros(Answer answer) throws Exception {
        Avp cost = answer.getAvps().getAvp(JDiameterPgw.COST_INFORMATION);
        assertNotNull(cost, () -> "Cost-Information in the price enquiry answer: " + describe(answer));
        AvpSet c = cost.getGrouped();
        assertEquals(CNY, c.getAvp(JDiameterPgw.CURRENCY_CODE).getUnsigned32(), "Currency-Code (ISO 4217 numeric)");
        AvpSet unitValue = c.getAvp(JDiameterPgw.UNIT_VALUE).getGrouped();
        long digits = unitValue.getAvp(JDiameterPgw.VALUE_DIGITS).getInteger64();
        Avp exponentAvp = unitValue.getAvp(JDiameterPgw.EXPONENT);
        int exponent = exponentAvp == null ? 0 : exponentAvp.getInteger32();
        long micros = digits;
        for (int e = exponent; e < -6; e++) {
            micros /= 10;
        }
        for (int e = exponent; e > -6; e--) {
            micros *= 10;
        }
        return micros;
    }

    @Test
    void smsEventsWithEachRequestedAction() throws Exception {
        long msisdn = 8617000000002L;
        RunningEngine.Balance start = engine.balance(msisdn);
        long sms = start.bucket("sms", "remaining");
        long money = start.moneyMicros();

        // DIRECT_DEBITING, national: the SMS allowance pays one event.
        Answer debit = smsEvent(msisdn, DIRECT_DEBITING, NATIONAL);
        assertEquals(1, granted(debit.getAvps(), CC_SERVICE_SPECIFIC_UNITS), "one event granted: " + describe(debit));
        RunningEngine.Balance b = engine.balance(msisdn);
        assertEquals(sms - 1, b.bucket("sms", "remaining"), b.toString());
        assertEquals(money, b.moneyMicros(), b.toString());

        // DIRECT_DEBITING, international: no allowance, sms-intl 1.00 CNY from money.
        smsEvent(msisdn, DIRECT_DEBITING, INTERNATIONAL);
        b = engine.balance(msisdn);
        assertEquals(sms - 1, b.bucket("sms", "remaining"), b.toString());
        assertEquals(money - 1_000_000, b.moneyMicros(), b.toString());

        // REFUND_ACCOUNT, international: the 1.00 comes back.
        Answer refund = smsEvent(msisdn, REFUND_ACCOUNT, INTERNATIONAL);
        assertNull(refund.getAvps().getAvp(JDiameterPgw.GSU), "no grant on a refund");
        b = engine.balance(msisdn);
        assertEquals(money, b.moneyMicros(), b.toString());
        assertEquals(sms - 1, b.bucket("sms", "remaining"), b.toString());

        // REFUND_ACCOUNT, national: the engine refunds the list price (sms-std 0.10) as money
        // (ChargingProcessor.eventRequest, Rater.listPrice), whatever paid the original event;
        // the SMS allowance is not given back.
        smsEvent(msisdn, REFUND_ACCOUNT, NATIONAL);
        b = engine.balance(msisdn);
        assertEquals(money + 100_000, b.moneyMicros(), b.toString());
        assertEquals(sms - 1, b.bucket("sms", "remaining"), b.toString());
        long afterRefunds = b.moneyMicros();

        // CHECK_BALANCE: enough credit, nothing moves.
        Answer check = smsEvent(msisdn, CHECK_BALANCE, INTERNATIONAL);
        Avp checkResult = check.getAvps().getAvp(JDiameterPgw.CHECK_BALANCE_RESULT);
        assertNotNull(checkResult, () -> "Check-Balance-Result: " + describe(check));
        assertEquals(ENOUGH_CREDIT, checkResult.getInteger32());
        assertNull(check.getAvps().getAvp(JDiameterPgw.GSU), "no grant on a balance check");

        // PRICE_ENQUIRY: Cost-Information; international is 1.00 CNY, national is covered by the allowance.
        Answer quoteIntl = smsEvent(msisdn, PRICE_ENQUIRY, INTERNATIONAL);
        assertEquals(1_000_000, costMicros(quoteIntl));
        Answer quoteNational = smsEvent(msisdn, PRICE_ENQUIRY, NATIONAL);
        assertEquals(0, costMicros(quoteNational), "the national SMS allowance pays");

        b = engine.balance(msisdn);
        assertEquals(afterRefunds, b.moneyMicros(), "enquiries change nothing: " + b);
        assertEquals(sms - 1, b.bucket("sms", "remaining"), "enquiries change nothing: " + b);
        assertEquals(0, b.reservedMicros());
    }

    /** A CCR-U that does not repeat Service-Information still belongs to the same call (same destination). */
    @Test
    void voiceUpdateWithoutCalledPartyIsStillCharged() throws Exception {
        long msisdn = 8617000000003L;
        RunningEngine.Balance before = engine.balance(msisdn);
        Session session = pgw.newSession();
        Answer initial = pgw.ccr(session, VOICE_CONTEXT, INITIAL, 0, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.MULTIPLE_SERVICES_INDICATOR, 1, true, false);
            requestEmpty(mscc(avps, 300));
            JDiameterPgw.calledParty(avps, "tel:" + NATIONAL);
        });
        assertGranted(initial, 300, CC_TIME);
        Answer update = pgw.ccr(session, VOICE_CONTEXT, UPDATE, 1, msisdn, avps -> {
            AvpSet m = mscc(avps, 300);
            JDiameterPgw.usedTime(m, 75, RR_QUOTA_EXHAUSTED);
            requestEmpty(m);
        });
        RunningEngine.Balance after = engine.balance(msisdn);
        assertEquals(before.bucket("voice", "remaining") - 75, after.bucket("voice", "remaining"),
                "the 75 s reported in the CCR-U are charged: " + after);
        assertGranted(update, 300, CC_TIME);
    }

    /**
     * config/CATALOGUE.md: "A leading + counts as 00, so ... +44... is 00... = international".
     * Addresses arrive as "tel:+44..." on the wire.
     */
    @Test
    void plusPrefixedRecipientIsInternational() throws Exception {
        long msisdn = 8617000000004L;
        assertEquals(1_000_000, costMicros(smsEvent(msisdn, PRICE_ENQUIRY, "+447700900123")),
                "+44... priced as sms-intl 1.00");
    }

    /** config/CATALOGUE.md: premium (prefixes 125, 106, +86125, +86106) is blocked, whatever the package. */
    @Test
    void plusPrefixedPremiumRecipientIsRefused() throws Exception {
        long msisdn = 8617000000005L;
        Session session = pgw.newSession();
        Answer answer = pgw.ccr(session, SMS_CONTEXT, EVENT, 0, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.REQUESTED_ACTION, DIRECT_DEBITING, true, false);
            JDiameterPgw.smsRecipient(avps, "+8612590123");
        });
        assertEquals(END_USER_SERVICE_DENIED, resultCode(answer), () -> describe(answer));
        Session plain = pgw.newSession();
        Answer control = pgw.ccr(plain, SMS_CONTEXT, EVENT, 0, msisdn, avps -> {
            avps.addAvp(JDiameterPgw.REQUESTED_ACTION, DIRECT_DEBITING, true, false);
            JDiameterPgw.smsRecipient(avps, "12590123");
        });
        assertEquals(END_USER_SERVICE_DENIED, resultCode(control), () -> describe(control));
    }

    @Test
    void unknownSessionAndUnknownUser() throws Exception {
        Session never = pgw.newSession();
        Answer update = pgw.ccr(never, DATA_CONTEXT, UPDATE, 1, 8617000000001L, avps -> {
            AvpSet m = mscc(avps, 100);
            JDiameterPgw.usedOctets(m, 1000, 1000, RR_QUOTA_EXHAUSTED);
            requestEmpty(m);
        });
        assertEquals(UNKNOWN_SESSION_ID, resultCode(update), () -> describe(update));

        Session stranger = pgw.newSession();
        Answer initial = pgw.ccr(stranger, DATA_CONTEXT, INITIAL, 0, 8619999999999L, avps -> requestEmpty(mscc(avps, 100)));
        assertEquals(USER_UNKNOWN, resultCode(initial), () -> describe(initial));
    }
}
