package io.gyro.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.engine.status.LatencyHistogram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real engine on free loopback ports, driven over Diameter by our client playing a PGW. */
class GyEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MSISDN = 8617000000001L;

    @TempDir
    Path dataDir;
    private Map<String, String> overrides;
    /** The engine's catalogue directory (a copy of config/): reloads read files from here only. */
    private Path config;
    @AutoClose
    private GyTestClient gy;

    @BeforeEach
    void start() throws Exception {
        overrides = EngineHarness.overrides(dataDir, 20);
        config = EngineHarness.configCopy(overrides, dataDir.resolve("config"));
        gy = GyTestClient.start(overrides);
    }

    /** Provisions a subscriber on the sample payg package (no allowances) through the API; returns its MSISDN. */
    private long createPayg(long msisdn, long imsi, String balance) throws Exception {
        gy.createSubscriber(msisdn, imsi, "payg", balance);
        return msisdn;
    }

    private static long bucket(JsonNode balance, String service, String field) {
        for (JsonNode b : balance.get("buckets")) {
            if (b.get("service").asText().equals(service)) {
                return b.get(field).asLong();
            }
        }
        throw new AssertionError("no " + service + " bucket in " + balance);
    }

    @Test
    void dataSessionInitialUpdateTerminateChargesExactlyTheUsage() throws Exception {
        long before = bucket(gy.balance(MSISDN), "data", "remaining");
        ByteBuf cca = gy.call("pgw;1", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(MSISDN)
                .multipleServicesIndicator().beginMscc(100, -1).requestedEmpty().endMscc());
        long granted;
        try {
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(cca, AvpCode.RESULT_CODE));
            long[] mscc = EngineHarness.mscc(cca, 100);
            assertNotNull(mscc);
            assertEquals(ResultCode.DIAMETER_SUCCESS, mscc[0]);
            granted = mscc[1];
            assertTrue(granted > 0, "a data grant");
        } finally {
            cca.release();
        }
        assertEquals(granted, bucket(gy.balance(MSISDN), "data", "reserved"));

        cca = gy.call("pgw;1", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 1, w -> w.msisdn(MSISDN)
                .beginMscc(100, -1).usedOctets(400_000, 600_000, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc());
        try {
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.mscc(cca, 100)[0]);
        } finally {
            cca.release();
        }
        cca = gy.call("pgw;1", "32251@3gpp.org", Enumerations.TERMINATION_REQUEST, 2, w -> w.msisdn(MSISDN)
                .terminationCause(Enumerations.DIAMETER_LOGOUT)
                .beginMscc(100, -1).usedOctets(100_000, 0, Enumerations.RR_FINAL).endMscc());
        try {
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(cca, AvpCode.RESULT_CODE));
        } finally {
            cca.release();
        }
        JsonNode after = gy.balance(MSISDN);
        // Allowances are used to the octet (config/CATALOGUE.md "Rounding"): only what money pays is rounded.
        assertEquals(before - 1_100_000, bucket(after, "data", "remaining"), "exactly the reported octets, from the bucket");
        assertEquals(0, bucket(after, "data", "reserved"));
        assertEquals(0, after.get("reservedMicros").asLong());

        HttpResponse<String> records = gy.http("GET", "/subscribers/" + MSISDN + "/records", null);
        assertEquals(200, records.statusCode());
        String body = records.body();
        assertTrue(body.contains("SESSION_INTERIM") && body.contains("SESSION_END"), body);
    }

    @Test
    void everyAnsweredRequestIsTimedInTheEngineAndStatusSummarisesIt() throws Exception {
        long[] before = gy.engine().latencySnapshot();
        long start = System.nanoTime();
        release(gy.call("pgw;lat", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(MSISDN)
                .beginMscc(100, -1).requestedEmpty().endMscc()));
        release(gy.call("pgw;lat", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 1, w -> w.msisdn(MSISDN)
                .beginMscc(100, -1).usedOctets(1_000, 0, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc()));
        release(gy.call("pgw;lat", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 7, w -> w.msisdn(MSISDN)
                .beginMscc(100, -1).requestedEmpty().endMscc())); // refused (5004): answered, so timed too
        long roundTrips = System.nanoTime() - start;

        long[] counts = LatencyHistogram.minus(gy.engine().latencySnapshot(), before);
        assertEquals(3, LatencyHistogram.count(counts), "three answers, three times");
        // each is part of its own round trip; a bucket's bound is at most 12.5 % above the time
        long slowest = LatencyHistogram.valueAt(counts, 1.0);
        assertTrue(slowest > 0 && slowest <= roundTrips * 1.125, slowest + " ns in the engine, " + roundTrips + " ns round trips");

        JsonNode status = JSON.readTree(gy.http("GET", "/status", null).body());
        JsonNode latency = status.get("engineLatencyMicros");
        assertEquals(LatencyHistogram.count(before) + 3, latency.get("count").asLong(), status.toString());
        assertTrue(latency.get("p50").asDouble() <= latency.get("p99").asDouble()
                && latency.get("p99").asDouble() <= latency.get("max").asDouble(), latency.toString());
    }

    @Test
    void retransmissionIsAnsweredIdenticallyAndChargedOnce() throws Exception {
        release(gy.call("pgw;2", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(MSISDN)
                .beginMscc(100, -1).requestedEmpty().endMscc()));
        Consumer<CreditControlRequestWriter> update = w -> w.msisdn(MSISDN)
                .beginMscc(100, -1).usedOctets(2_000_000, 0, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc();
        ByteBuf first = gy.call("pgw;2", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 1, update);
        long afterFirst = bucket(gy.balance(MSISDN), "data", "remaining");
        ByteBuf again = gy.ccr("pgw;2", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 1, update);
        DiameterHeader.setRetransmitted(again, again.readerIndex());
        ByteBuf second = gy.send(again);
        ByteBuf third = gy.call("pgw;2", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 1, update);
        try {
            byte[] a = ByteBufUtil.getBytes(first, first.readerIndex() + 20, first.readableBytes() - 20);
            byte[] b = ByteBufUtil.getBytes(second, second.readerIndex() + 20, second.readableBytes() - 20);
            byte[] c = ByteBufUtil.getBytes(third, third.readerIndex() + 20, third.readableBytes() - 20);
            assertArrayEquals(a, b, "same AVPs, with and without the T flag");
            assertArrayEquals(a, c);
        } finally {
            release(first, second, third);
        }
        assertEquals(afterFirst, bucket(gy.balance(MSISDN), "data", "remaining"), "no second charge");

        ByteBuf older = gy.call("pgw;2", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 0, update);
        try {
            assertEquals(ResultCode.DIAMETER_INVALID_AVP_VALUE, EngineHarness.topLevel(older, AvpCode.RESULT_CODE));
        } finally {
            older.release();
        }
        assertEquals(afterFirst, bucket(gy.balance(MSISDN), "data", "remaining"), "an older number charges nothing");
    }

    @Test
    void errorsWhereTheyBelong() throws Exception {
        ByteBuf unknownUser = gy.call("pgw;3", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(8619999999999L)
                .beginMscc(100, -1).requestedEmpty().endMscc());
        ByteBuf unknownSession = gy.call("pgw;nope", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 1, w -> w.msisdn(MSISDN)
                .beginMscc(100, -1).requestedEmpty().endMscc());
        ByteBuf unknownGroup = gy.call("pgw;4", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(MSISDN)
                .beginMscc(999, -1).requestedEmpty().endMscc());
        try {
            assertEquals(ResultCode.DIAMETER_USER_UNKNOWN, EngineHarness.topLevel(unknownUser, AvpCode.RESULT_CODE));
            assertEquals(ResultCode.DIAMETER_UNKNOWN_SESSION_ID, EngineHarness.topLevel(unknownSession, AvpCode.RESULT_CODE));
            assertEquals(ResultCode.DIAMETER_RATING_FAILED, EngineHarness.mscc(unknownGroup, 999)[0]);
        } finally {
            release(unknownUser, unknownSession, unknownGroup);
        }
        HttpResponse<String> barred = gy.http("PATCH", "/subscribers/8617000000002", "{\"state\":\"BARRED\"}");
        assertEquals(200, barred.statusCode(), barred.body());
        ByteBuf denied = gy.call("pgw;5", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(8617000000002L)
                .beginMscc(100, -1).requestedEmpty().endMscc());
        try {
            assertEquals(ResultCode.DIAMETER_END_USER_SERVICE_DENIED, EngineHarness.topLevel(denied, AvpCode.RESULT_CODE));
        } finally {
            denied.release();
        }
    }

    @Test
    void smsEventsDebitRefundCheckAndQuote() throws Exception {
        long smsBefore = bucket(gy.balance(MSISDN), "sms", "remaining");
        ByteBuf debit = gy.call("smsc;1", "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0, w -> w.msisdn(MSISDN)
                .requestedAction(Enumerations.DIRECT_DEBITING).smsRecipient("8613800138000"));
        try {
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(debit, AvpCode.RESULT_CODE));
        } finally {
            debit.release();
        }
        assertEquals(smsBefore - 1, bucket(gy.balance(MSISDN), "sms", "remaining"));

        ByteBuf check = gy.call("smsc;2", "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0, w -> w.msisdn(MSISDN)
                .requestedAction(Enumerations.CHECK_BALANCE).smsRecipient("8613800138000"));
        ByteBuf quote = gy.call("smsc;3", "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0, w -> w.msisdn(MSISDN)
                .requestedAction(Enumerations.PRICE_ENQUIRY).smsRecipient("8613800138000"));
        try {
            assertEquals(Enumerations.ENOUGH_CREDIT, EngineHarness.topLevel(check, AvpCode.CHECK_BALANCE_RESULT));
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(quote, AvpCode.RESULT_CODE));
            assertTrue(ByteBufUtil.indexOf(quote, quote.readerIndex(), quote.writerIndex(), (byte) 0) >= 0);
        } finally {
            release(check, quote);
        }
        assertEquals(smsBefore - 1, bucket(gy.balance(MSISDN), "sms", "remaining"), "enquiries change nothing");
    }

    @Test
    void sessionContinuesAfterRestart() throws Exception {
        release(gy.call("pgw;r", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(MSISDN)
                .beginMscc(100, -1).requestedEmpty().endMscc()));
        gy.close();
        gy = GyTestClient.start(overrides);
        ByteBuf cca = gy.call("pgw;r", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 1, w -> w.msisdn(MSISDN)
                .beginMscc(100, -1).usedOctets(1000, 1000, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc());
        try {
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(cca, AvpCode.RESULT_CODE));
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.mscc(cca, 100)[0]);
        } finally {
            cca.release();
        }
    }

    @Test
    void randomWorkloadConservesMoneyForEveryAccount() throws Exception {
        Random random = new Random(42);
        int sessions = 60;
        for (int s = 0; s < sessions; s++) {
            long msisdn = 8617000000001L + random.nextInt(20);
            String id = "pgw;w" + s;
            int rg = random.nextBoolean() ? 100 : 300;
            String context = rg == 100 ? "32251@3gpp.org" : "32260@3gpp.org";
            release(gy.call(id, context, Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(msisdn)
                    .beginMscc(rg, -1).requestedEmpty().endMscc()));
            int updates = random.nextInt(3);
            for (int u = 1; u <= updates + 1; u++) {
                long used = rg == 100 ? random.nextInt(50_000_000) : random.nextInt(900);
                int type = u == updates + 1 ? Enumerations.TERMINATION_REQUEST : Enumerations.UPDATE_REQUEST;
                long number = u;
                release(gy.call(id, context, type, number, w -> {
                    w.msisdn(msisdn).beginMscc(rg, -1);
                    if (rg == 100) {
                        w.usedOctets(used, 0, -1);
                    } else {
                        w.usedTime(used, -1);
                    }
                    if (type == Enumerations.UPDATE_REQUEST) {
                        w.requestedEmpty();
                    }
                    w.endMscc();
                }));
            }
            if (random.nextInt(5) == 0) {
                release(gy.call("smsc;w" + s, "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0,
                        w -> w.msisdn(msisdn).requestedAction(Enumerations.DIRECT_DEBITING).smsRecipient("8613800138000")));
            }
            if (random.nextInt(7) == 0) {
                HttpResponse<String> r = gy.http("POST", "/subscribers/" + msisdn + "/topups",
                        "{\"amount\":\"10.00\",\"idempotencyKey\":\"k" + s + "\"}");
                assertEquals(200, r.statusCode(), r.body());
            }
        }
        for (int i = 0; i < 20; i++) {
            long msisdn = 8617000000001L + i;
            JsonNode records = JSON.readTree(gy.http("GET",
                    "/subscribers/" + msisdn + "/records?limit=10000", null).body()).get("records");
            long charged = 0;
            for (JsonNode r : records) {
                charged += r.get("retailMicros").asLong();
            }
            // Opening balance and top-ups are records with negative retail amounts, so the money
            // balance is exactly minus the sum of all record amounts.
            assertEquals(-charged, gy.balance(msisdn).get("moneyMicros").asLong(), "conservation for " + msisdn);
            assertEquals(0, gy.balance(msisdn).get("reservedMicros").asLong(), "every session ended");
        }
    }

    @Test
    void roamingWithAddOnChargesTheRoamingBucketAndUsageSumsIt() throws Exception {
        long msisdn = 8617000000004L;
        // 50.00 cannot pay the 68.00 add-on: refused, nothing changes.
        JsonNode before = gy.balance(msisdn);
        HttpResponse<String> refused = gy.http("POST", "/subscribers/" + msisdn + "/addons",
                "{\"package\":\"roaming-addon\"}");
        assertEquals(409, refused.statusCode(), refused.body());
        assertEquals(before, gy.balance(msisdn));

        assertEquals(200, gy.http("POST", "/subscribers/" + msisdn + "/topups",
                "{\"amount\":\"30.00\",\"idempotencyKey\":\"roam\"}").statusCode());
        HttpResponse<String> bought = gy.http("POST", "/subscribers/" + msisdn + "/addons",
                "{\"package\":\"roaming-addon\"}");
        assertEquals(200, bought.statusCode(), bought.body());
        JsonNode afterPurchase = gy.balance(msisdn);
        assertEquals(12_000_000, afterPurchase.get("moneyMicros").asLong(), "50 + 30 - 68");

        // Data in Hong Kong (45400) is paid by the add-on's roaming bucket, not the home one.
        long homeData = bucket(afterPurchase, "data", "remaining");
        ByteBuf cca = gy.call("pgw;roam", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).requestedEmpty().endMscc().visitedNetwork("45400"));
        release(cca);
        release(gy.call("pgw;roam", "32251@3gpp.org", Enumerations.TERMINATION_REQUEST, 1, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).usedOctets(512 * 1024, 512 * 1024, Enumerations.RR_FINAL).endMscc()
                .visitedNetwork("45400")));
        JsonNode afterRoaming = gy.balance(msisdn);
        assertEquals(homeData, bucket(afterRoaming, "data", "remaining"), "home allowance untouched");
        assertEquals(12_000_000, afterRoaming.get("moneyMicros").asLong(), "no money: the roaming bucket paid");
        long roamingLeft = 0;
        for (JsonNode b : afterRoaming.get("buckets")) {
            if (b.get("service").asText().equals("data") && b.get("remaining").asLong() != homeData) {
                roamingLeft = b.get("remaining").asLong();
            }
        }
        // The roaming bucket pays the octets used; its 10 KB grid (roam-data-asia) rounds only what money pays.
        assertEquals(1024L * 1024 * 1024 - 1024 * 1024, roamingLeft, "1 GiB roaming bucket less the MiB used");

        JsonNode usage = JSON.readTree(gy.http("GET", "/subscribers/" + msisdn + "/usage", null).body());
        assertEquals(1024 * 1024, usage.get("services").get("data").get("units").asLong());
    }

    @Test
    void internationalCallPaysConnectionFeeAndFirstMinuteOncePerCall() throws Exception {
        long msisdn = 8617000000005L;
        long before = gy.balance(msisdn).get("moneyMicros").asLong();
        release(gy.call("ims;intl", "32260@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(msisdn)
                .beginMscc(300, -1).requestedTime(120).endMscc().calledParty("tel:+447700900123")));
        release(gy.call("ims;intl", "32260@3gpp.org", Enumerations.UPDATE_REQUEST, 1, w -> w.msisdn(msisdn)
                .beginMscc(300, -1).usedTime(60, Enumerations.RR_QUOTA_EXHAUSTED).requestedTime(120).endMscc()));
        release(gy.call("ims;intl", "32260@3gpp.org", Enumerations.TERMINATION_REQUEST, 2, w -> w.msisdn(msisdn)
                .beginMscc(300, -1).usedTime(30, Enumerations.RR_FINAL).endMscc()));
        // voice-intl: 0.10 connection fee and a first increment of 60 s at 2.00/min, once per call;
        // then per 6 s. 60 s reported, then 30 s: 0.10 + 2.00 + 5 x 0.20 = 3.10 (per report the
        // fee and first minute would make it 4.20).
        assertEquals(before - 3_100_000, gy.balance(msisdn).get("moneyMicros").asLong());
    }

    @Test
    void catalogueReloadRefusesABrokenOneAndKeepsServing() throws Exception {
        Path broken = config.resolve("broken.yaml");
        java.nio.file.Files.writeString(broken, "currency: CNY\npackages:\n  basic: { fee: \"-1\" }\n");
        HttpResponse<String> refused = gy.http("POST", "/catalogue/reload",
                "{\"path\":\"" + broken + "\"}");
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(JSON.readTree(refused.body()).get("problems").size() > 0, refused.body());

        JsonNode before = gy.balance(MSISDN);
        String next = config.resolve("catalogue-next-month.yaml").toString();
        HttpResponse<String> reloaded = gy.http("POST", "/catalogue/reload",
                "{\"path\":\"" + next + "\"}");
        assertEquals(200, reloaded.statusCode(), reloaded.body());
        assertEquals(before, gy.balance(MSISDN), "balances and bucket sources survive a reload");
        ByteBuf cca = gy.call("pgw;after-reload", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(MSISDN)
                .beginMscc(100, -1).requestedEmpty().endMscc());
        try {
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.mscc(cca, 100)[0]);
        } finally {
            cca.release();
        }
    }

    @Test
    void catalogueReloadThatMovesAServiceIsRefused() throws Exception {
        // Buckets and open sessions name their service by its position: a reload may add services after the
        // existing ones, not reorder them (voice put before data here).
        String sample = java.nio.file.Files.readString(EngineHarness.repoRoot().resolve("config/catalogue.yaml"));
        int services = sample.indexOf("\nservices:\n") + "\nservices:\n".length();
        int voice = sample.indexOf("\n  voice:\n", services) + 1;
        int sms = sample.indexOf("\n  sms:\n", services) + 1;
        String reordered = sample.substring(0, services) + sample.substring(voice, sms) + sample.substring(services, voice)
                + sample.substring(sms);
        Path file = config.resolve("reordered.yaml");
        java.nio.file.Files.writeString(file, reordered);
        JsonNode before = gy.balance(MSISDN);
        HttpResponse<String> refused = gy.http("POST", "/catalogue/reload", "{\"path\":\"" + file + "\"}");
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("service data moved from position 1 to 2"), refused.body());
        assertEquals(before, gy.balance(MSISDN), "nothing changed");
    }

    @Test
    void topUpBonusPromotionAppliesOncePerSubscriber() throws Exception {
        long msisdn = 8617000000006L;
        JsonNode first = JSON.readTree(gy.http("POST", "/subscribers/" + msisdn + "/topups",
                "{\"amount\":\"50.00\",\"idempotencyKey\":\"p1\"}").body());
        JsonNode second = JSON.readTree(gy.http("POST", "/subscribers/" + msisdn + "/topups",
                "{\"amount\":\"50.00\",\"idempotencyKey\":\"p2\"}").body());
        assertEquals(1, first.get("bonusBuckets").asInt(), first.toString());
        assertEquals(0, second.get("bonusBuckets").asInt(), "topup-50-bonus is once per subscriber: " + second);
        assertEquals(150_000_000, gy.balance(msisdn).get("moneyMicros").asLong());
    }

    @Test
    void finalUsageBeyondOneGrantIsPaidFromTheSessionsOtherGrantsWhateverTheOrder() throws Exception {
        // payg 1.00: the session holds two grants; its CCR-T reports usage far beyond the first and does not mention
        // the second. Both grants come back before the final usage is charged, so all the money pays it.
        long msisdn = createPayg(8617100000002L, 460990100000002L, "1.00");
        release(gy.call("pgw;two", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).requestedOctets(5L * 1024 * 1024).endMscc()
                .beginMscc(101, -1).requestedOctets(5L * 1024 * 1024).endMscc()));
        long reserved = gy.balance(msisdn).get("reservedMicros").asLong();
        assertTrue(reserved > 0 && reserved <= 1_000_000, "both grants hold money: " + reserved);
        release(gy.call("pgw;two", "32251@3gpp.org", Enumerations.TERMINATION_REQUEST, 1, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).usedOctets(100L * 1024 * 1024, 0, Enumerations.RR_FINAL).endMscc()));
        JsonNode after = gy.balance(msisdn);
        assertEquals(0, after.get("reservedMicros").asLong(), "nothing held after the session ended");
        assertEquals(0, after.get("moneyMicros").asLong(), "5.00 of usage took all of 1.00, the second grant's too");
    }

    @Test
    void lastUnitsCarryFinalUnitIndicationAndThenNothingIsGranted() throws Exception {
        // payg: no allowances, 0.05 per MB data in 1 KB steps, restrict to the top-up portal when empty.
        long msisdn = createPayg(8617100000001L, 460990100000001L, "0.10");
        ByteBuf first = gy.call("pgw;fui", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).requestedOctets(100L * 1024 * 1024).endMscc());
        long granted;
        try {
            long[] mscc = EngineHarness.mscc(first, 100);
            assertEquals(ResultCode.DIAMETER_SUCCESS, mscc[0]);
            granted = mscc[1];
            assertTrue(granted > 0 && granted < 100L * 1024 * 1024, "only what 0.10 buys: " + granted);
            assertEquals(1, mscc[2], "the last units carry Final-Unit-Indication");
        } finally {
            first.release();
        }
        assertTrue(gy.balance(msisdn).get("reservedMicros").asLong() <= 100_000, "never more reserved than the account holds");
        ByteBuf next = gy.call("pgw;fui", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 1, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).usedOctets(granted, 0, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc());
        try {
            long[] mscc = EngineHarness.mscc(next, 100);
            // Money is gone: payg restricts access (a zero grant with Final-Unit-Indication).
            assertEquals(ResultCode.DIAMETER_SUCCESS, mscc[0]);
            assertEquals(0, mscc[1]);
            assertEquals(1, mscc[2]);
            assertEquals(60, mscc[3], "Validity-Time: the PGW asks again after it, so a top-up is seen");
        } finally {
            next.release();
        }
        assertEquals(0, gy.balance(msisdn).get("moneyMicros").asLong(), "0.10 spent, never below zero");
    }

    /**
     * Subscriber state is checked on every CCR-U: barred mid-session, the usage reported is charged, the reservation
     * released and no more granted (4010 in the MSCC); the CCR-T that follows is charged too.
     */
    @Test
    void aSubscriberBarredMidSessionIsChargedForWhatWasUsedAndGrantedNothingMore() throws Exception {
        long msisdn = createPayg(8617100000003L, 460990100000003L, "10.00");
        ByteBuf first = gy.call("pgw;barred", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).requestedOctets(10L * 1024 * 1024).endMscc()
                .beginMscc(101, -1).requestedOctets(10L * 1024 * 1024).endMscc());
        try {
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.mscc(first, 100)[0]);
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.mscc(first, 101)[0]);
        } finally {
            first.release();
        }
        assertTrue(gy.balance(msisdn).get("reservedMicros").asLong() > 0, "a grant is reserved");
        HttpResponse<String> barred = gy.http("PATCH", "/subscribers/" + msisdn, "{\"state\":\"BARRED\"}");
        assertEquals(200, barred.statusCode(), barred.body());

        long mb = 1024 * 1024;
        ByteBuf update = gy.call("pgw;barred", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 1, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).usedOctets(2 * mb, 0, Enumerations.RR_QUOTA_EXHAUSTED).requestedEmpty().endMscc());
        try {
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(update, AvpCode.RESULT_CODE));
            long[] mscc = EngineHarness.mscc(update, 100);
            assertEquals(ResultCode.DIAMETER_END_USER_SERVICE_DENIED, mscc[0], "no more for a barred subscriber");
            assertTrue(mscc[1] <= 0, "nothing granted: " + mscc[1]);
        } finally {
            update.release();
        }
        JsonNode afterUpdate = gy.balance(msisdn);
        assertEquals(0, afterUpdate.get("reservedMicros").asLong(),
                "every reservation released, also rating group 101's, which the CCR-U did not name");
        assertEquals(10_000_000 - 100_000, afterUpdate.get("moneyMicros").asLong(), "2 MB used, charged at 0.05 a MB");

        ByteBuf end = gy.call("pgw;barred", "32251@3gpp.org", Enumerations.TERMINATION_REQUEST, 2, w -> w.msisdn(msisdn)
                .beginMscc(100, -1).usedOctets(mb, 0, Enumerations.RR_FINAL).endMscc());
        try {
            assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(end, AvpCode.RESULT_CODE));
        } finally {
            end.release();
        }
        assertEquals(10_000_000 - 150_000, gy.balance(msisdn).get("moneyMicros").asLong(),
                "the CCR-T's megabyte charged too");
    }

    @Test
    void badHttpInputIsRefusedAndChangesNothing() throws Exception {
        JsonNode before = gy.balance(MSISDN);
        String[][] cases = {
                {"POST", "/subscribers/" + MSISDN + "/topups", "{\"amount\":\"-5\",\"idempotencyKey\":\"x\"}"},
                {"POST", "/subscribers/" + MSISDN + "/topups", "{\"amount\":\"1.1234567\",\"idempotencyKey\":\"x\"}"},
                {"POST", "/subscribers/" + MSISDN + "/topups", "{\"amount\":\"5.00\"}"},
                {"POST", "/subscribers/" + MSISDN + "/topups", "{\"amount\":\"5.00\",\"idempotencyKey\":\"x\",\"extra\":1}"},
                {"POST", "/subscribers/" + MSISDN + "/topups", "{not json"},
                {"POST", "/subscribers/" + MSISDN + "/topups", "[1,2]"},
                {"POST", "/subscribers", "{\"msisdn\":\"12ab\",\"imsi\":\"460990000099999\",\"package\":\"basic\"}"},
                {"POST", "/subscribers", "{\"msisdn\":\"8617000099999\",\"imsi\":\"460990000099999\",\"package\":\"nope\"}"},
                {"PATCH", "/subscribers/" + MSISDN, "{\"state\":\"ASLEEP\"}"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = gy.http(c[0], c[1], c[2]);
            assertEquals(400, r.statusCode(), c[2] + " -> " + r.body());
            assertTrue(r.body().contains("\"error\""), r.body());
        }
        assertEquals(404, gy.http("GET", "/subscribers/8619999999999/balance", null).statusCode());
        assertEquals(409, gy.http("POST", "/subscribers",
                "{\"msisdn\":\"" + MSISDN + "\",\"imsi\":\"460990000099999\",\"package\":\"basic\"}").statusCode());
        assertEquals(before, gy.balance(MSISDN));
        java.net.http.HttpClient plain = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + gy.engine().httpAddress().getPort();
        HttpResponse<String> noToken = plain.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/subscribers/" + MSISDN + "/balance")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, noToken.statusCode(), "the API requires its token");
        HttpResponse<String> wrongToken = plain.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/subscribers/" + MSISDN + "/topups")).header("Authorization", "Bearer nope")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"amount\":\"5.00\",\"idempotencyKey\":\"t\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrongToken.statusCode());
        assertEquals(before, gy.balance(MSISDN));
        HttpResponse<String> openApi = plain.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, openApi.statusCode());
        assertTrue(JSON.readTree(openApi.body()).get("paths").has("/subscribers/{msisdn}/topups"));
    }

    private static void release(ByteBuf... buffers) {
        for (ByteBuf b : buffers) {
            b.release();
        }
    }
}
