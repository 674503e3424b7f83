package io.gyro.engine.interop;

import io.gyro.engine.interop.NodeConnection.Cca;
import io.gyro.engine.interop.NodeConnection.Mscc;
import io.gyro.engine.interop.NodeConnection.Request;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The interop corpus: sessions and events in the shapes real nodes send
 * (engine/src/test/resources/interop/README.md), byte for byte with their AVP flags, played
 * against a real engine on free loopback ports with the sample catalogue
 * (config/catalogue.yaml). Every request must be answered 2001 (and 2001 in every MSCC), and
 * the balance must move by exactly the figure worked out by hand from the catalogue in the
 * comment above the assertion.
 *
 * <p>Sample-catalogue figures used below: the demo subscribers 8617000000001... (IMSI
 * 460990000000001...) are on {@code basic} with 50.00 CNY (50,000,000 micros), 3 GB of data,
 * 100 national minutes and 50 national SMS. CATALOGUE.md, "Rounding": a session is rated as
 * one piece and allowances pay the raw units used ("Allowance, to the unit"); only money is
 * rounded to the increment grid. So an allowance loses exactly the octets / seconds reported
 * over the session, and an SMS is one event. {@code roaming-addon} (68.00) adds a 1 GiB
 * (1,073,741,824 bytes) roaming data allowance; Hong Kong 45400 is in its asia zone.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RealNodeCorpusTest {
    private static final String HOME_PLMN = "46001";
    private static final String HONG_KONG = "45400";
    private static final long DATA_RG = 100;
    private static final long VOICE_RG = 300;

    @TempDir
    Path dataDir;
    @AutoClose
    private RunningEngine engine;

    @BeforeEach
    void start() throws Exception {
        engine = RunningEngine.start(dataDir, 12);
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    /** Result-Code 2001 and, in every MSCC of the answer, 2001. */
    private static void assertSuccess(String what, Cca cca) {
        assertEquals(2001, cca.resultCode(), () -> what + ": " + cca);
        for (Mscc m : cca.msccs()) {
            assertEquals(2001, m.resultCode(), () -> what + ", MSCC " + m + ": " + cca);
        }
    }

    /**
     * Plays one session of a node on a new connection: CCR-I, CCR-U and CCR-T, each answered 2001 throughout. Each
     * request is built only when its turn comes, since a fixture numbers its requests as it builds them.
     */
    private void playSession(String originHost, String originRealm, Supplier<Request> initial, Supplier<Request> update,
            Supplier<Request> termination) throws Exception {
        NodeConnection node = engine.connect(originHost, originRealm);
        assertSuccess("CCR-I", node.send(initial.get()));
        assertSuccess("CCR-U", node.send(update.get()));
        assertSuccess("CCR-T", node.send(termination.get()));
    }

    /**
     * The allowance of {@code service} paid exactly {@code units} and no money moved; {@code more} are the test's
     * further checks, all reported together.
     */
    private static void assertAllowancePaid(RunningEngine.Balance before, RunningEngine.Balance after, String service,
            long units, Executable... more) {
        Stream<Executable> allowance = Stream.of(
                () -> assertEquals(before.bucket(service, "remaining") - units, after.bucket(service, "remaining"),
                        after::toString),
                () -> assertEquals(before.moneyMicros(), after.moneyMicros(), "no money"));
        assertAll(Stream.concat(allowance, Stream.of(more)));
    }

    /** The check that nothing is held in the buckets of {@code service} once the session is over. */
    private static Executable nothingHeld(RunningEngine.Balance before, RunningEngine.Balance after, String service) {
        return () -> assertEquals(before.bucket(service, "reserved"), after.bucket(service, "reserved"), "nothing held");
    }

    // ------------------------------------------------------------------ data

    @Test
    void magmaDataSessionAtHomeWithMsisdnPaysFromTheDataAllowance() throws Exception {
        long msisdn = 8617000000001L;
        RunningEngine.Balance before = engine.balance(msisdn);
        MagmaFegCcr session = new MagmaFegCcr("460990000000001", "8617000000001", HOME_PLMN, DATA_RG,
                RunningEngine.REALM, "ocs.gyro.test", now());

        playSession(MagmaFegCcr.ORIGIN_HOST, MagmaFegCcr.ORIGIN_REALM, () -> session.initial(1_048_576),
                () -> session.update(400_000, 600_000, MagmaFegCcr.QUOTA_EXHAUSTED, 1_048_576),
                () -> session.termination(40_000, 60_000));

        RunningEngine.Balance after = engine.balance(msisdn);
        // 400,000 + 600,000 then 40,000 + 60,000 octets: the basic data allowance pays the 1,100,000 octets
        // used, to the unit; no money moves.
        assertAllowancePaid(before, after, "data", 1_100_000, nothingHeld(before, after, "data"),
                () -> assertEquals(0, after.reservedMicros()));
    }

    @Test
    void magmaDataSessionAtHomeWithTheImsiOnlyFindsTheSubscriberByImsi() throws Exception {
        long msisdn = 8617000000002L;
        RunningEngine.Balance before = engine.balance(msisdn);
        MagmaFegCcr session = new MagmaFegCcr("460990000000002", null, HOME_PLMN, DATA_RG, RunningEngine.REALM,
                "ocs.gyro.test", now());

        playSession(MagmaFegCcr.ORIGIN_HOST, MagmaFegCcr.ORIGIN_REALM, () -> session.initial(1_048_576),
                () -> session.update(2_048, 1, MagmaFegCcr.QUOTA_EXHAUSTED, 1_048_576),
                () -> session.termination(0, 512));

        RunningEngine.Balance after = engine.balance(msisdn);
        // 2,048 + 1 then 0 + 512 octets: 2,561 octets from the allowance.
        assertAllowancePaid(before, after, "data", 2_561, nothingHeld(before, after, "data"));
    }

    /**
     * Open5GS as shipped: no Rating-Group in the MSCC, MSI 0, IMSI first. The sample catalogue
     * maps data by Rating-Group only, so this is the test that says whether an Open5GS PGW can
     * be charged out of the box.
     */
    @ParameterizedTest(name = "with MSISDN: {0}")
    @ValueSource(booleans = {true, false})
    void open5gsSessionAsShippedPaysFromTheDataAllowance(boolean withMsisdn) throws Exception {
        long msisdn = withMsisdn ? 8617000000003L : 8617000000004L;
        RunningEngine.Balance before = engine.balance(msisdn);
        Open5gsSmfCcr session = new Open5gsSmfCcr("46099000000000" + (withMsisdn ? 3 : 4),
                withMsisdn ? Long.toString(msisdn) : null, HOME_PLMN, "ocs.gyro.test", now());

        playSession(Open5gsSmfCcr.ORIGIN_HOST, Open5gsSmfCcr.ORIGIN_REALM, session::initial,
                () -> session.update(300_000, 700_000, 60, Open5gsSmfCcr.QUOTA_EXHAUSTED),
                () -> session.termination(50_000, 50_000, 10));

        RunningEngine.Balance after = engine.balance(msisdn);
        // CC-Input + CC-Output per report (no CC-Total-Octets): 300,000 + 700,000 then 50,000 + 50,000 = 1,100,000.
        assertAllowancePaid(before, after, "data", 1_100_000, nothingHeld(before, after, "data"));
    }

    @Test
    void legacyGgsnWithTopLevel3gppAvpsAtHomePaysFromTheDataAllowance() throws Exception {
        long msisdn = 8617000000005L;
        RunningEngine.Balance before = engine.balance(msisdn);
        LegacyGgsnCcr session = new LegacyGgsnCcr("8617000000005", "460990000000005", HOME_PLMN, HOME_PLMN, DATA_RG,
                RunningEngine.REALM);

        playSession(LegacyGgsnCcr.ORIGIN_HOST, LegacyGgsnCcr.ORIGIN_REALM, session::initial,
                () -> session.update(1_024, 1_024, 3), () -> session.termination(1, 0));

        // 1,024 + 1,024 then 1 + 0 octets: 2,049 octets.
        assertAllowancePaid(before, engine.balance(msisdn), "data", 2_049);
    }

    // ------------------------------------------------------------------ roaming

    /** Top up 30.00 and buy roaming-addon: 50.00 + 30.00 - 68.00 = 12.00 left; the balance after it. */
    private RunningEngine.Balance buyRoamingAddon(long msisdn) throws Exception {
        engine.send("POST", "/subscribers/" + msisdn + "/topups", "{\"amount\":\"30.00\",\"idempotencyKey\":\"roam-" + msisdn + "\"}");
        engine.send("POST", "/subscribers/" + msisdn + "/addons", "{\"package\":\"roaming-addon\"}");
        RunningEngine.Balance bought = engine.balance(msisdn);
        assertEquals(12_000_000, bought.moneyMicros(), "50.00 + 30.00 - 68.00");
        return bought;
    }

    /**
     * 700,000 then 348,576 octets in Hong Kong, 1,048,576 in all, paid to the unit by the 1 GiB
     * roaming allowance (1,073,741,824 - 1,048,576 = 1,072,693,248 left); the home allowance and
     * money untouched.
     */
    private void assertRoamingCharged(long msisdn, RunningEngine.Balance before) throws Exception {
        RunningEngine.Balance after = engine.balance(msisdn);
        assertAll(
                () -> assertEquals(1_072_693_248L, after.bucketFrom("roaming-addon", "remaining"), after::toString),
                () -> assertEquals(0, after.bucketFrom("roaming-addon", "reserved"), after::toString),
                () -> assertEquals(before.bucketFrom("basic", "remaining"), after.bucketFrom("basic", "remaining"), "home data untouched"),
                () -> assertEquals(12_000_000, after.moneyMicros(), "no money: the roaming bucket paid"));
    }

    /**
     * With the add-on bought, a legacy GGSN's session in a Hong Kong cell, 3GPP-SGSN-MCC-MNC
     * {@code sgsnPlmn} (null: not sent), is paid by the roaming bucket.
     */
    private void assertLegacyGgsnRoamingCharged(long msisdn, String imsi, String sgsnPlmn) throws Exception {
        RunningEngine.Balance before = buyRoamingAddon(msisdn);
        LegacyGgsnCcr session = new LegacyGgsnCcr(Long.toString(msisdn), imsi, sgsnPlmn, HONG_KONG, DATA_RG,
                RunningEngine.REALM);
        playSession(LegacyGgsnCcr.ORIGIN_HOST, LegacyGgsnCcr.ORIGIN_REALM, session::initial,
                () -> session.update(300_000, 400_000, 3), () -> session.termination(100_000, 248_576));
        assertRoamingCharged(msisdn, before);
    }

    @Test
    void magmaRoamingInHongKongWithTheAddOnPaysFromTheRoamingBucket() throws Exception {
        long msisdn = 8617000000006L;
        RunningEngine.Balance before = buyRoamingAddon(msisdn);
        MagmaFegCcr session = new MagmaFegCcr("460990000000006", "8617000000006", HONG_KONG, DATA_RG,
                RunningEngine.REALM, "ocs.gyro.test", now());

        playSession(MagmaFegCcr.ORIGIN_HOST, MagmaFegCcr.ORIGIN_REALM, () -> session.initial(1_048_576),
                () -> session.update(300_000, 400_000, MagmaFegCcr.QUOTA_EXHAUSTED, 1_048_576),
                () -> session.termination(100_000, 248_576));
        assertRoamingCharged(msisdn, before);
    }

    @Test
    void legacyGgsnRoamingFromTopLevelSgsnMccMncPaysFromTheRoamingBucket() throws Exception {
        assertLegacyGgsnRoamingCharged(8617000000007L, "460990000000007", HONG_KONG);
    }

    /** The visited network only in 3GPP-User-Location-Info (a CGI of 454-00), no 3GPP-SGSN-MCC-MNC. */
    @Test
    void legacyGgsnRoamingFromUserLocationInfoOnlyPaysFromTheRoamingBucket() throws Exception {
        assertLegacyGgsnRoamingCharged(8617000000008L, "460990000000008", null);
    }

    /**
     * basic alone has no rate in any roaming zone: CATALOGUE.md says DENIED / ROAMING_NOT_ALLOWED,
     * which the engine answers 4010 DIAMETER_END_USER_SERVICE_DENIED in the MSCC; nothing is
     * reserved or charged.
     */
    @Test
    void magmaRoamingInHongKongWithoutTheAddOnIsDeniedInTheMscc() throws Exception {
        long msisdn = 8617000000009L;
        RunningEngine.Balance before = engine.balance(msisdn);
        NodeConnection feg = engine.connect(MagmaFegCcr.ORIGIN_HOST, MagmaFegCcr.ORIGIN_REALM);
        MagmaFegCcr session = new MagmaFegCcr("460990000000009", "8617000000009", HONG_KONG, DATA_RG,
                RunningEngine.REALM, "ocs.gyro.test", now());

        Cca initial = feg.send(session.initial(1_048_576));
        assertEquals(2001, initial.resultCode(), initial::toString);
        assertEquals(4010, initial.onlyMscc().resultCode(), initial::toString);
        RunningEngine.Balance after = engine.balance(msisdn);
        assertEquals(before.json(), after.json(), "nothing reserved, nothing charged");
    }

    // ------------------------------------------------------------------ SMS

    /** The RestComm SMSC submits one SMS on a new connection (DIRECT_DEBITING), answered 2001. */
    private void submitSms(String sender, String recipient, boolean internationalTon) throws Exception {
        NodeConnection smsc = engine.connect(SmscSmsEventCcr.ORIGIN_HOST, SmscSmsEventCcr.ORIGIN_REALM);
        assertSuccess("CCR-E", smsc.send(SmscSmsEventCcr.submit(sender, recipient, internationalTon, RunningEngine.REALM,
                now())));
    }

    @Test
    void smscSubmissionToANationalNumberPaysFromTheSmsAllowance() throws Exception {
        long msisdn = 8617000000010L;
        RunningEngine.Balance before = engine.balance(msisdn);
        submitSms("8617000000010", "13800138000", false);

        // 13800138000 starts with "1": national; one event from the 50 national SMS, no money.
        assertAllowancePaid(before, engine.balance(msisdn), "sms", 1);
    }

    /**
     * An SMSC gives the destination as digits and a TON: RestComm sends "447700900123" with
     * Address-Type MSISDN for an international TON, never "+44..." or "0044...", which are the
     * catalogue's international prefixes.
     */
    @Test
    void smscSubmissionToAnInternationalNumberIsPricedInternational() throws Exception {
        long msisdn = 8617000000011L;
        RunningEngine.Balance before = engine.balance(msisdn);
        submitSms("8617000000011", "447700900123", true);

        RunningEngine.Balance after = engine.balance(msisdn);
        // International: the SMS allowance is national only; sms-intl 1.00 = 1,000,000 micros from money.
        assertAll(
                () -> assertEquals(before.moneyMicros() - 1_000_000, after.moneyMicros(), after::toString),
                () -> assertEquals(before.bucket("sms", "remaining"), after.bucket("sms", "remaining")));
    }

    @Test
    void smscSubmissionWithoutARecipientIsPricedAtTheDefaultDestination() throws Exception {
        long basic = 8617000000012L;
        RunningEngine.Balance basicBefore = engine.balance(basic);
        engine.createSubscriber(8617100000001L, 460990100000001L, "payg", "1.00");
        NodeConnection smsc = engine.connect(SmscSmsEventCcr.ORIGIN_HOST, SmscSmsEventCcr.ORIGIN_REALM);

        assertSuccess("CCR-E basic", smsc.send(SmscSmsEventCcr.submit("8617000000012", null, true, RunningEngine.REALM, now())));
        assertSuccess("CCR-E payg", smsc.send(SmscSmsEventCcr.submit("8617100000001", null, true, RunningEngine.REALM, now())));

        RunningEngine.Balance basicAfter = engine.balance(basic);
        RunningEngine.Balance payg = engine.balance(8617100000001L);
        // defaultDestination: national. basic: one of the 50 national SMS, no money.
        // payg: no allowance, sms-std 0.10 per event: 1,000,000 - 100,000 = 900,000 micros.
        assertAllowancePaid(basicBefore, basicAfter, "sms", 1,
                () -> assertEquals(900_000, payg.moneyMicros(), payg::toString),
                () -> assertEquals(0, payg.reservedMicros()));
    }

    /** payg has no allowance: a national SMS is sms-std 0.10; the quote moves nothing (RFC 4006 §6.3). */
    @Test
    void smscPriceEnquiryQuotesTheTariffAndChargesNothing() throws Exception {
        engine.createSubscriber(8617100000002L, 460990100000002L, "payg", "1.00");
        RunningEngine.Balance before = engine.balance(8617100000002L);
        NodeConnection smsc = engine.connect(SmscSmsEventCcr.ORIGIN_HOST, SmscSmsEventCcr.ORIGIN_REALM);

        Cca quote = smsc.send(SmscSmsEventCcr.event(SmscSmsEventCcr.PRICE_ENQUIRY, "8617100000002", "13800138000", false,
                RunningEngine.REALM, now()));

        assertSuccess("CCR-E price enquiry", quote);
        // sms-std: 0.10 per event = 100,000 micros quoted; the balance is what it was.
        assertEquals(100_000, quote.costMicros(), quote::toString);
        assertEquals(before.json(), engine.balance(8617100000002L).json());
    }

    // ------------------------------------------------------------------ VoLTE

    /** 75 s then 30 s: the national voice allowance pays the 105 s used, to the second. */
    private static final long VOICE_SECONDS_CHARGED = 105;

    /** An S-CSCF's call: 30 s reserved, 75 s used and 30 more reserved, then 30 s used. */
    private void playCall(ImsVolteCcr call) throws Exception {
        playSession(ImsVolteCcr.ORIGIN_HOST, ImsVolteCcr.ORIGIN_REALM, () -> call.initial(30), () -> call.update(75, 30),
                () -> call.termination(30));
    }

    @Test
    void volteCallToANationalNumberPaysFromTheVoiceAllowance() throws Exception {
        long msisdn = 8617000000001L;
        RunningEngine.Balance before = engine.balance(msisdn);
        playCall(new ImsVolteCcr(ImsVolteCcr.Envelope.TS_32_299, "32260@3gpp.org", VOICE_RG, 1000, "8617000000001",
                "sip:+8617000000001@ims.mnc001.mcc460.3gppnetwork.org", "tel:+8613800138000", RunningEngine.REALM, now()));

        RunningEngine.Balance after = engine.balance(msisdn);
        // tel:+8613800138000: "+86" is a national prefix: 105 s from the 100 national minutes, no money.
        assertAllowancePaid(before, after, "voice", VOICE_SECONDS_CHARGED, nothingHeld(before, after, "voice"));
    }

    /**
     * Kamailio ims_charging as shipped, only voice_rating_group set to the catalogue's 300:
     * Vendor-Specific-Application-Id instead of Auth-Application-Id, Accounting-Record-Type/Number,
     * the TS 32.299 §7.1.12 Service-Context-Id "ext.01.001.8.32260@3gpp.org", and "+8617..." as
     * the E.164 Subscription-Id-Data.
     */
    @Test
    void kamailioImsChargingAsShippedPaysFromTheVoiceAllowance() throws Exception {
        long msisdn = 8617000000002L;
        RunningEngine.Balance before = engine.balance(msisdn);
        playCall(new ImsVolteCcr(ImsVolteCcr.Envelope.KAMAILIO, ImsVolteCcr.KAMAILIO_DEFAULT_CONTEXT, VOICE_RG, 1000,
                "+8617000000002", "sip:+8617000000002@ims.mnc001.mcc460.3gppnetwork.org", "tel:+8613800138000",
                RunningEngine.REALM, now()));

        assertAllowancePaid(before, engine.balance(msisdn), "voice", VOICE_SECONDS_CHARGED);
    }

    /**
     * The same Kamailio as the terminating S-CSCF (Role-Of-Node 1 on every request; the called party is our
     * subscriber): the catalogue's voice-incoming, free at home (voice-incoming-home), so neither the voice allowance
     * nor money moves, where the originating call above takes 105 s of the allowance.
     */
    @Test
    void kamailioTerminatingLegAtHomeIsFree() throws Exception {
        long msisdn = 8617000000003L;
        RunningEngine.Balance before = engine.balance(msisdn);
        playCall(new ImsVolteCcr(ImsVolteCcr.Envelope.KAMAILIO, ImsVolteCcr.KAMAILIO_DEFAULT_CONTEXT, VOICE_RG, 1000,
                "+8617000000003", "tel:+8613800138000", "sip:+8617000000003@ims.mnc001.mcc460.3gppnetwork.org",
                RunningEngine.REALM, now()).terminating());

        RunningEngine.Balance after = engine.balance(msisdn);
        assertAllowancePaid(before, after, "voice", 0, nothingHeld(before, after, "voice"));
    }
}
