package io.gyro.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * VoLTE calls over Ro as an S-CSCF charges them (Service-Context-Id 32260@3gpp.org, Rating-Group 300, IMS-Information
 * with Role-of-Node, TS 32.299 §7.2.77), rated by the sample catalogue: the terminating leg (our subscriber is called)
 * is the service voice-incoming, free at home and 0.99 per started minute in Asia with roaming-addon; the originating
 * leg is voice as before. The CCR-U and CCR-T repeat no IMS-Information: the rating group keeps the service it was
 * granted under. A real engine over loopback, our client playing the S-CSCF.
 */
class VoLteRoleEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VOICE = "32260@3gpp.org";
    private static final long VOICE_RG = 300;
    private static final int ORIGINATING = 0;
    private static final int TERMINATING = 1;
    private static final String CALLER = "tel:+8613800138000";

    @TempDir
    Path dataDir;
    @AutoClose
    private GyTestClient gy;

    @BeforeEach
    void start() throws Exception {
        gy = GyTestClient.start(EngineHarness.overrides(dataDir, 10));
    }

    /** One call: CCR-I asking 60 s with IMS-Information, CCR-U of 60 s asking 60 more, CCR-T of {@code lastSeconds}. */
    private void call(long msisdn, String sessionId, int role, String calling, String called, String visited,
                      long lastSeconds) throws Exception {
        Consumer<CreditControlRequestWriter> where = w -> {
            if (visited != null) {
                w.visitedNetwork(visited);
            }
        };
        GyTestClient.Cca initial = gy.exchange(sessionId, VOICE, Enumerations.INITIAL_REQUEST, 0, VOICE_RG, w -> {
            w.msisdn(msisdn).beginMscc(VOICE_RG, -1).requestedTime(60).endMscc().imsInformation(role, calling, called);
            where.accept(w);
        });
        assertEquals(ResultCode.DIAMETER_SUCCESS, initial.resultCode());
        assertEquals(ResultCode.DIAMETER_SUCCESS, initial.msccResultCode(), "granted");
        assertEquals(60, initial.granted());
        GyTestClient.Cca update = gy.exchange(sessionId, VOICE, Enumerations.UPDATE_REQUEST, 1, VOICE_RG, w -> {
            w.msisdn(msisdn).beginMscc(VOICE_RG, -1).usedTime(60, Enumerations.RR_QUOTA_EXHAUSTED).requestedTime(60)
                    .endMscc();
            where.accept(w);
        });
        assertEquals(ResultCode.DIAMETER_SUCCESS, update.msccResultCode());
        assertEquals(60, update.granted());
        GyTestClient.Cca end = gy.exchange(sessionId, VOICE, Enumerations.TERMINATION_REQUEST, 2, -1, w -> {
            w.msisdn(msisdn).terminationCause(Enumerations.DIAMETER_LOGOUT)
                    .beginMscc(VOICE_RG, -1).usedTime(lastSeconds, Enumerations.RR_FINAL).endMscc();
            where.accept(w);
        });
        assertEquals(ResultCode.DIAMETER_SUCCESS, end.resultCode());
    }

    /** The subscriber's usage of one service from the charging records: {units, charged micros, records}. */
    private long[] usage(long msisdn, String service) throws Exception {
        JsonNode row = JSON.readTree(gy.http("GET", "/subscribers/" + msisdn + "/usage", null).body())
                .get("services").get(service);
        return row == null ? new long[3]
                : new long[] {row.get("units").asLong(), row.get("chargedMicros").asLong(), row.get("records").asLong()};
    }

    @Test
    void terminatingCallAtHomeIsFreeAndSpendsNoVoiceAllowance() throws Exception {
        // given: a demo subscriber on basic (100 min of national voice), called from a national number
        long msisdn = 8617000000005L;
        JsonNode before = gy.balance(msisdn);
        // when: the terminating S-CSCF charges a 90-s call on the host network
        call(msisdn, "scscf;mt-home", TERMINATING, CALLER, "tel:+" + msisdn, null, 30);
        // then
        JsonNode after = gy.balance(msisdn);
        assertEquals(before.get("moneyMicros").asLong(), after.get("moneyMicros").asLong(), "free at home");
        assertEquals(0, after.get("reservedMicros").asLong());
        assertEquals(remaining(before, "voice"), remaining(after, "voice"), "no voice allowance spent");
        long[] incoming = usage(msisdn, "voice-incoming");
        assertEquals(90, incoming[0], "rated as voice-incoming on every report");
        assertEquals(0, incoming[1]);
        assertEquals(0, usage(msisdn, "voice")[2], "nothing rated as an outgoing call");
    }

    @Test
    void terminatingCallRoamingInHongKongIsChargedWithTheAddOn() throws Exception {
        long msisdn = 8617000000006L;
        // given: without roaming-addon, an incoming call in Hong Kong is refused as an outgoing one is
        GyTestClient.Cca refused = gy.exchange("scscf;mt-roam-noaddon", VOICE, Enumerations.INITIAL_REQUEST, 0, VOICE_RG,
                w -> w.msisdn(msisdn).beginMscc(VOICE_RG, -1).requestedTime(60).endMscc()
                        .imsInformation(TERMINATING, CALLER, "tel:+" + msisdn).visitedNetwork("45400"));
        assertEquals(ResultCode.DIAMETER_END_USER_SERVICE_DENIED, refused.msccResultCode(), "roaming not allowed");
        // and then the add-on: 50.00 + 30.00 - 68.00 = 12.00
        HttpResponse<String> topUp = gy.http("POST", "/subscribers/" + msisdn + "/topups",
                "{\"amount\":\"30.00\",\"idempotencyKey\":\"mt-roam\"}");
        assertEquals(200, topUp.statusCode(), topUp.body());
        HttpResponse<String> bought = gy.http("POST", "/subscribers/" + msisdn + "/addons",
                "{\"package\":\"roaming-addon\"}");
        assertEquals(200, bought.statusCode(), bought.body());
        JsonNode before = gy.balance(msisdn);
        assertEquals(12_000_000, before.get("moneyMicros").asLong());
        // when: a 90-s incoming call in Hong Kong (45400, zone asia)
        call(msisdn, "scscf;mt-roam", TERMINATING, CALLER, "tel:+" + msisdn, "45400", 30);
        // then: two started minutes at 0.99 (roam-voice-in-asia), the voice allowance untouched
        JsonNode after = gy.balance(msisdn);
        assertEquals(12_000_000 - 1_980_000, after.get("moneyMicros").asLong(), "2 x 0.99");
        assertEquals(0, after.get("reservedMicros").asLong());
        assertEquals(remaining(before, "voice"), remaining(after, "voice"));
        long[] incoming = usage(msisdn, "voice-incoming");
        assertEquals(90, incoming[0]);
        assertEquals(1_980_000, incoming[1]);
    }

    @Test
    void originatingCallIsChargedAsBefore() throws Exception {
        long msisdn = 8617000000007L;
        JsonNode before = gy.balance(msisdn);
        // when: a national call of 90 s, then an international one of 90 s, from the originating S-CSCF
        call(msisdn, "scscf;mo-national", ORIGINATING, "tel:+" + msisdn, "tel:+8613800138000", null, 30);
        JsonNode afterNational = gy.balance(msisdn);
        call(msisdn, "scscf;mo-intl", ORIGINATING, "tel:+" + msisdn, "tel:+447700900123", null, 30);
        JsonNode after = gy.balance(msisdn);
        // then: the national call from the voice allowance, to the second; the international one paid with money
        // (voice-intl: 0.10 + the first 60 s at 2.00, then 5 x 6 s at 0.20 = 3.10)
        assertEquals(remaining(before, "voice") - 90, remaining(afterNational, "voice"));
        assertEquals(before.get("moneyMicros").asLong(), afterNational.get("moneyMicros").asLong());
        assertEquals(afterNational.get("moneyMicros").asLong() - 3_100_000, after.get("moneyMicros").asLong());
        assertEquals(180, usage(msisdn, "voice")[0]);
        assertFalse(usage(msisdn, "voice-incoming")[2] > 0, "nothing rated as an incoming call");
    }
}
