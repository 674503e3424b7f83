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
import java.util.function.Consumer;

import static io.gyro.engine.GyTestClient.remaining;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the network tells Gyro, used as the sample catalogue says (config/CATALOGUE.md): the visited network from
 * 3GPP-User-Location-Info, directed traffic (定向流量) by APN and by rating group, and a Final-Unit-Action per
 * service. A real engine over loopback, our client playing the PGW.
 */
class NetworkInformationEndToEndTest {
    private static final long MIB = 1024 * 1024;
    /** TAI+ECGI (130) in Hong Kong, CSL (MCC 454, MNC 00: TBCD 54 f4 00). */
    private static final byte[] HONG_KONG_LOCATION = {(byte) 130, 0x54, (byte) 0xf4, 0x00, 0x00, 0x01,
            0x54, (byte) 0xf4, 0x00, 0x00, 0x00, 0x01, 0x01};
    /** ECGI (129) on the host network, China Unicom (MCC 460, MNC 01: TBCD 64 f0 10). */
    private static final byte[] HOME_LOCATION = {(byte) 129, 0x64, (byte) 0xf0, 0x10, 0x00, 0x00, 0x0a, 0x01};

    @TempDir
    Path dataDir;
    @AutoClose
    private GyTestClient gy;

    @BeforeEach
    void start() throws Exception {
        gy = GyTestClient.start(EngineHarness.overrides(dataDir, 10));
    }

    /** {Result-Code, MSCC Result-Code, granted, Final-Unit-Indication present (1/0)} of the answer. */
    private long[] send(String sessionId, String context, int type, long number, long ratingGroup,
            Consumer<CreditControlRequestWriter> body) throws Exception {
        GyTestClient.Cca cca = gy.exchange(sessionId, context, type, number, ratingGroup, body);
        return new long[] {cca.resultCode(), cca.msccResultCode(), cca.granted(), cca.finalUnit() ? 1 : 0};
    }

    private void session(long msisdn, String id, long ratingGroup, long usedOctets, Consumer<CreditControlRequestWriter> ps)
            throws Exception {
        long[] initial = send(id, "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, ratingGroup, w -> {
            w.msisdn(msisdn).beginMscc(ratingGroup, -1).requestedEmpty().endMscc();
            ps.accept(w);
        });
        assertEquals(ResultCode.DIAMETER_SUCCESS, initial[0]);
        assertEquals(ResultCode.DIAMETER_SUCCESS, initial[1], "granted");
        // The CCR-T repeats nothing of PS-Information: the rating group keeps the service it was granted under.
        long[] end = send(id, "32251@3gpp.org", Enumerations.TERMINATION_REQUEST, 1, -1, w -> w.msisdn(msisdn)
                .terminationCause(Enumerations.DIAMETER_LOGOUT)
                .beginMscc(ratingGroup, -1).usedOctets(usedOctets, 0, Enumerations.RR_FINAL).endMscc());
        assertEquals(ResultCode.DIAMETER_SUCCESS, end[0]);
    }

    @Test
    void visitedNetworkFromUserLocationInfo() throws Exception {
        // basic without the roaming add-on: Hong Kong (45400, zone asia) has no rate, so data there is refused;
        // the same request located on the host network is served.
        long msisdn = 8617000000002L;
        long[] roaming = send("pgw;uli-hk", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, 100, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).requestedEmpty().endMscc().psInformation("cmnet", HONG_KONG_LOCATION));
        assertEquals(ResultCode.DIAMETER_END_USER_SERVICE_DENIED, roaming[1], "roaming not allowed without the add-on");
        long[] home = send("pgw;uli-home", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, 100, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).requestedEmpty().endMscc().psInformation("cmnet", HOME_LOCATION));
        assertEquals(ResultCode.DIAMETER_SUCCESS, home[1]);
        assertTrue(home[2] > 0);
    }

    @Test
    void theRecordsCarryWhatASettlementLineNeeds() throws Exception {
        // IMSI (from the subscriber), package and service, usage start and stop (at home: no visited network).
        long msisdn = 8617000000003L;
        session(msisdn, "pgw;settle", 100, 2_000_000, w -> w.psInformation("cmnet", HOME_LOCATION));
        String records = gy.http("GET", "/subscribers/" + msisdn + "/records", null).body().replaceAll("\\s", "");
        String end = records.substring(records.indexOf("\"kind\":\"SESSION_END\""));
        assertTrue(end.contains("\"imsi\":460990000000003"), end);
        assertTrue(end.matches("(?s).*\"usageStartMs\":1\\d{12},.*"), end);
        assertTrue(end.matches("(?s).*\"usageStopMs\":1\\d{12}.*"), end);
        assertTrue(end.contains("\"packageId\":\"basic\""), end);
        assertTrue(end.contains("\"serviceName\":\"data\""), end);
    }

    @Test
    void directedTrafficOnTheAppsApnIsPaidByThePass() throws Exception {
        long msisdn = 8617000000003L;
        HttpResponse<String> bought = gy.http("POST", "/subscribers/" + msisdn + "/addons",
                "{\"package\":\"video-app-pass\"}");
        assertEquals(200, bought.statusCode(), bought.body());
        JsonNode before = gy.balance(msisdn);
        session(msisdn, "pgw;video-apn", 100, 10 * MIB, w -> w.psInformation("video.gyro-mobile.cn", null));
        session(msisdn, "pgw;video-rg", 500, 3 * MIB, w -> w.psInformation("cmnet", null));
        session(msisdn, "pgw;web", 100, 2 * MIB, w -> w.psInformation("cmnet", null));
        JsonNode after = gy.balance(msisdn);
        assertEquals(13 * MIB, remaining(before, "video-app") - remaining(after, "video-app"),
                "the app's APN and its rating group are paid by the pass");
        assertEquals(2 * MIB, remaining(before, "data") - remaining(after, "data"), "other traffic by the data allowance");
        assertEquals(before.get("moneyMicros").asLong(), after.get("moneyMicros").asLong());
    }

    @Test
    void withoutThePassAppTrafficIsOrdinaryData() throws Exception {
        long msisdn = 8617000000004L;
        JsonNode before = gy.balance(msisdn);
        session(msisdn, "pgw;video-nopass", 500, 4 * MIB, w -> w.psInformation("video.gyro-mobile.cn", null));
        assertEquals(4 * MIB, remaining(before, "data") - remaining(gy.balance(msisdn), "data"));
    }

    @Test
    void finalUnitActionFollowsTheServiceOfThePackage() throws Exception {
        // basic: data redirects to the top-up page, calls end (terminate). With no money left an international call
        // (no allowance) is refused 4012, where the package-wide redirect used to answer a zero grant with FUI.
        long msisdn = 8617100000021L;
        gy.createSubscriber(msisdn, 460990100000021L, "basic", "19.00");
        assertEquals(0, gy.balance(msisdn).get("moneyMicros").asLong(), "the first fee took it all");
        long[] call = send("ims;intl", "32260@3gpp.org", Enumerations.INITIAL_REQUEST, 0, 300, w -> w.msisdn(msisdn)
                .beginMscc(300, -1).requestedTime(60).endMscc().calledParty("tel:+447700900123"));
        assertEquals(ResultCode.DIAMETER_CREDIT_LIMIT_REACHED, call[1], "voice: terminate");
    }
}
