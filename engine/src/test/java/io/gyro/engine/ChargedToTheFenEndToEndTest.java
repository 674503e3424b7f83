package io.gyro.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static io.gyro.engine.GyTestClient.remaining;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wrong charges a real MVNO package exposed, each replayed over Diameter against a real engine on the sample
 * catalogue (config/catalogue.yaml), with the figure worked out by hand. The engine's clock is the test's, so the
 * cases at a band change need no sleeping.
 */
class ChargedToTheFenEndToEndTest {
    private static final long MIB = 1024 * 1024;
    /** 23:50 in Asia/Shanghai, the catalogue zone: ten minutes before data-max's free night band. */
    private static final long BEFORE_MIDNIGHT_MS = Instant.parse("2026-12-07T15:50:00Z").toEpochMilli();
    private static final long MIDNIGHT_MS = Instant.parse("2026-12-07T16:00:00Z").toEpochMilli();

    @TempDir
    Path dataDir;
    private final AtomicLong clockMs = new AtomicLong(Instant.parse("2026-12-07T04:00:00Z").toEpochMilli());
    @AutoClose
    private GyTestClient gy;

    @BeforeEach
    void start() throws Exception {
        gy = GyTestClient.start(EngineHarness.overrides(dataDir, 10), clockMs::get);
    }

    /** Sends a CCR that must be answered 2001: {MSCC Result-Code, granted, Validity-Time}, -1 without that MSCC. */
    private long[] send(String sessionId, String context, int type, long number, long ratingGroup,
            Consumer<CreditControlRequestWriter> body) throws Exception {
        GyTestClient.Cca cca = gy.exchange(sessionId, context, type, number, ratingGroup, body);
        assertEquals(ResultCode.DIAMETER_SUCCESS, cca.resultCode());
        return new long[] {cca.msccResultCode(), cca.granted(), cca.validityTimeSeconds()};
    }

    private static long money(JsonNode balance) {
        return balance.get("moneyMicros").asLong();
    }

    @Test
    void interimReportsOfACallContinueTheGrid() throws Exception {
        // basic, call to +44 (voice-intl: 60 s, then per 6 s, 2.00 per 60 s, connection fee 0.10, no allowance).
        // 30 s + 30 s is one 60-s first increment: 2.00 + 0.10 = 2.10. Restarting the grid at the CCR-T charged the
        // second 30 s again (1.00 more: 3.10).
        long msisdn = 8617000000002L;
        long before = money(gy.balance(msisdn));
        String s = "pgw;call";
        send(s, "32260@3gpp.org", Enumerations.INITIAL_REQUEST, 0, 300, w -> w.msisdn(msisdn)
                .beginMscc(300, -1).requestedTime(60).endMscc().calledParty("tel:+447700900123"));
        send(s, "32260@3gpp.org", Enumerations.UPDATE_REQUEST, 1, 300, w -> w.msisdn(msisdn)
                .beginMscc(300, -1).usedTime(30, Enumerations.RR_QUOTA_EXHAUSTED).requestedTime(60).endMscc());
        send(s, "32260@3gpp.org", Enumerations.TERMINATION_REQUEST, 2, -1, w -> w.msisdn(msisdn)
                .terminationCause(Enumerations.DIAMETER_LOGOUT)
                .beginMscc(300, -1).usedTime(30, Enumerations.RR_FINAL).endMscc());
        JsonNode after = gy.balance(msisdn);
        assertEquals(2_100_000, before - money(after), "one first increment and one connection fee");
        assertEquals(0, after.get("reservedMicros").asLong());
    }

    @Test
    void dataOverageReportedInHalfMebibytesIsPricedOnceForTheSession() throws Exception {
        // payg: data-payg 0.05 per MB in 1 KB steps, price rounded up to the fen. Three reports of 0.5 MiB are 1.5 MiB:
        // 0.075 -> 0.08. Rounding each report to the fen took 0.03 three times (0.09).
        long msisdn = 8617100000011L;
        gy.createSubscriber(msisdn, 460990100000011L, "payg", "10.00");
        long before = money(gy.balance(msisdn));
        String s = "pgw;data";
        send(s, "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, 100, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).requestedOctets(MIB).endMscc());
        for (int n = 1; n <= 2; n++) {
            send(s, "32251@3gpp.org", Enumerations.UPDATE_REQUEST, n, 100, w -> w.msisdn(msisdn)
                    .beginMscc(100, -1).usedOctets(MIB / 2, 0, Enumerations.RR_QUOTA_EXHAUSTED).requestedOctets(MIB)
                    .endMscc());
        }
        send(s, "32251@3gpp.org", Enumerations.TERMINATION_REQUEST, 3, -1, w -> w.msisdn(msisdn)
                .terminationCause(Enumerations.DIAMETER_LOGOUT)
                .beginMscc(100, -1).usedOctets(MIB / 2, 0, Enumerations.RR_FINAL).endMscc());
        JsonNode after = gy.balance(msisdn);
        assertEquals(80_000, before - money(after), "1.5 MiB at 0.05: 0.075, one fen rounding for the session");
        assertEquals(0, after.get("reservedMicros").asLong());
    }

    @Test
    void allowanceIsUsedToTheUnitBeyondADayPass() throws Exception {
        // basic (3 GB, data-std in 1 KB steps) with the day-pass add-on (2 GB, spent first). 2 GiB + 1,000 bytes: the
        // day pass pays 2 GiB and the main allowance exactly 1,000 bytes, not a whole 1,024-byte increment.
        long msisdn = 8617000000003L;
        HttpResponse<String> addon = gy.http("POST", "/subscribers/" + msisdn + "/addons",
                "{\"package\":\"day-pass\"}");
        assertTrue(addon.statusCode() / 100 == 2, addon.body());
        JsonNode before = gy.balance(msisdn);
        String s = "pgw;pass";
        send(s, "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, 100, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).requestedEmpty().endMscc());
        send(s, "32251@3gpp.org", Enumerations.TERMINATION_REQUEST, 1, -1, w -> w.msisdn(msisdn)
                .terminationCause(Enumerations.DIAMETER_LOGOUT)
                .beginMscc(100, -1).usedOctets(2048 * MIB + 1_000, 0, Enumerations.RR_FINAL).endMscc());
        JsonNode after = gy.balance(msisdn);
        assertEquals(2048 * MIB + 1_000, remaining(before, "data") - remaining(after, "data"));
        assertEquals(money(before), money(after), "the allowances paid it all");
    }

    @Test
    void reportJustAfterMidnightIsPricedAtTheBandOfItsGrant() throws Exception {
        // data-max: data free from 00:00 (night band, spends no allowance), 0.02 per MB by day (the 30 GB pay first).
        long msisdn = 8617100000012L;
        clockMs.set(BEFORE_MIDNIGHT_MS);
        gy.createSubscriber(msisdn, 460990100000012L, "data-max", "100.00");
        long before = remaining(gy.balance(msisdn), "data");
        String s = "pgw;midnight";
        long[] grant = send(s, "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, 100, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).requestedEmpty().endMscc());
        assertTrue(grant[2] > 0 && grant[2] * 1000 <= MIDNIGHT_MS - BEFORE_MIDNIGHT_MS - 1000,
                "Validity-Time ends at least a second before the band change: " + grant[2]);
        // The PGW reports when the validity ends; its report arrives 20 ms after midnight.
        clockMs.set(MIDNIGHT_MS + 20);
        send(s, "32251@3gpp.org", Enumerations.TERMINATION_REQUEST, 1, -1, w -> w.msisdn(msisdn)
                .terminationCause(Enumerations.DIAMETER_LOGOUT)
                .beginMscc(100, -1).usedOctets(5 * MIB, 0, Enumerations.RR_FINAL).endMscc());
        assertEquals(5 * MIB, before - remaining(gy.balance(msisdn), "data"), "used before midnight: the day band");
    }

    @Test
    void usageSplitByTariffChangeUsageIsPricedOnEachSide() throws Exception {
        long msisdn = 8617100000013L;
        clockMs.set(BEFORE_MIDNIGHT_MS + 5 * 60_000);
        gy.createSubscriber(msisdn, 460990100000013L, "data-max", "100.00");
        long before = remaining(gy.balance(msisdn), "data");
        String s = "pgw;split";
        send(s, "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, 100, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).requestedEmpty().endMscc());
        clockMs.set(MIDNIGHT_MS + 5_000);
        send(s, "32251@3gpp.org", Enumerations.TERMINATION_REQUEST, 1, -1, w -> w.msisdn(msisdn)
                .terminationCause(Enumerations.DIAMETER_LOGOUT)
                .beginMscc(100, -1).usedOctetsAtTariffChange(3 * MIB, 0).usedOctetsAtTariffChange(2 * MIB, 1)
                .reportingReason(Enumerations.RR_FINAL).endMscc());
        assertEquals(3 * MIB, before - remaining(gy.balance(msisdn), "data"),
                "the 3 MiB before midnight from the allowance, the 2 MiB after it free");
    }

    @Test
    void smsWithoutRecipientIsChargedAtTheDefaultDestination() throws Exception {
        // basic: 50 national SMS; defaultDestination national. An SMSC that sends no recipient is still charged.
        long msisdn = 8617000000004L;
        long before = remaining(gy.balance(msisdn), "sms");
        send("smsc;1", "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0, -1, w -> w.msisdn(msisdn)
                .requestedAction(Enumerations.DIRECT_DEBITING).requestedUnits(1));
        assertEquals(1, before - remaining(gy.balance(msisdn), "sms"));
    }
}
