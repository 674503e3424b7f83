package io.gyro.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterClient;
import io.gyro.engine.bulk.BulkLoader;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data directory filled by the bulk loader, then a real engine started on it: a bulk-loaded subscriber
 * looks exactly like one created through {@code POST /subscribers} and is charged over Diameter.
 */
class BulkLoadEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One fixed clock for the loader and the engine, so both creations start the same period. */
    private static final long NOW_MS = 1_795_600_000_000L;
    private static final long FIRST = 8617100000001L;
    private static final long COUNT = 2_000;
    private static final byte[] PGW = "pgw.test".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REALM = "test".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dataDir;

    /** A directory whose account snapshots were deleted (operator error) starts, but says its subscribers lack accounts. */
    @Test
    void aStartSaysHowManySubscribersHaveNoAccount() throws Exception {
        Map<String, String> overrides = EngineHarness.overrides(dataDir, 10);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        BulkLoader.load(EngineConfig.load(null, overrides),
                new BulkLoader.Plan(FIRST, 460991000000001L, 100, "basic", 50_000_000L, true, false), quiet, NOW_MS);
        try (Engine engine = EngineHarness.start(overrides, () -> NOW_MS)) {
            assertEquals(0, status(engine).path("subscribersWithoutAccountAtStart").asLong(-1));
        }
        try (java.util.stream.Stream<Path> snaps = Files.list(dataDir.resolve("snapshots"))) {
            for (Path p : snaps.filter(p -> p.getFileName().toString().startsWith("accounts-")).toList()) {
                Files.delete(p);
            }
        }
        try (Engine engine = EngineHarness.start(overrides, () -> NOW_MS)) {
            assertEquals(100, status(engine).path("subscribersWithoutAccountAtStart").asLong(-1));
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode status(Engine engine) throws Exception {
        HttpResponse<String> r = EngineHarness.http(engine, "GET", "/status", null);
        assertEquals(200, r.statusCode(), r.body());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    @Test
    void bulkLoadedSubscribersAreChargedLikeApiCreatedOnes() throws Exception {
        Map<String, String> overrides = EngineHarness.overrides(dataDir, 10);
        overrides.put("stores.maxSubscribers", "5000");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        BulkLoader.Report report = BulkLoader.load(EngineConfig.load(null, overrides),
                new BulkLoader.Plan(FIRST, 460991000000001L, COUNT, "basic", 50_000_000L, true, false), quiet, NOW_MS);
        assertEquals(COUNT, report.created());

        // Started with the default capacity: the maps keep the one they were created with.
        overrides.put("stores.maxSubscribers", "100000");
        long last = FIRST + COUNT - 1;
        try (Engine engine = EngineHarness.start(overrides, () -> NOW_MS)) {
            HttpResponse<String> created = EngineHarness.http(engine, "POST", "/subscribers",
                    "{\"msisdn\":\"8617200000001\",\"imsi\":\"460992000000001\",\"package\":\"basic\","
                            + "\"balance\":\"50.00\",\"firstPeriodIncluded\":true}");
            assertEquals(201, created.statusCode(), created.body());
            assertEquals(withoutIds(get(engine, "/subscribers/8617200000001")), withoutIds(get(engine, "/subscribers/" + last)));
            JsonNode viaApi = get(engine, "/subscribers/8617200000001/balance");
            JsonNode bulk = get(engine, "/subscribers/" + last + "/balance");
            // The one difference, by design: the API journals the opening balance and the first period, the
            // bulk loader records them once per run in its manifest, so its accounts point at no record.
            assertEquals(2, ((ObjectNode) viaApi).remove("lastRecordSeq").asLong());
            assertEquals(0, ((ObjectNode) bulk).remove("lastRecordSeq").asLong());
            assertEquals(withoutIds(viaApi), withoutIds(bulk), "same money, buckets and expiries");

            BulkLoader.Refused refused = assertThrows(BulkLoader.Refused.class, () -> BulkLoader.load(
                    EngineConfig.load(null, overrides), new BulkLoader.Plan(FIRST, 460991000000001L, COUNT, "basic",
                            50_000_000L, true, false), quiet, NOW_MS));
            assertTrue(refused.getMessage().contains("stop the engine"), refused.getMessage());

            long dataBefore = bucket(bulk, "data", "remaining");
            DiameterClient client = new DiameterClient(LocalPeer.builder("pgw.test", "test").build(), 1);
            try {
                PeerConnection peer = client.connect(new InetSocketAddress("127.0.0.1",
                        engine.diameterAddress().getPort())).get(10, TimeUnit.SECONDS);
                CreditControlRequestWriter w = new CreditControlRequestWriter();
                ByteBuf cca = DiameterClient.call(peer, w.begin(peer.channel().alloc().buffer(), peer.nextHopByHop(),
                        peer.nextEndToEnd(), "pgw;bulk;1", PGW, REALM, "gyro.local", "32251@3gpp.org",
                        Enumerations.INITIAL_REQUEST, 0).msisdn(last).multipleServicesIndicator()
                        .beginMscc(100, -1).requestedEmpty().endMscc().end(), 10_000);
                try {
                    assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(cca, AvpCode.RESULT_CODE));
                    assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.mscc(cca, 100)[0]);
                } finally {
                    cca.release();
                }
                cca = DiameterClient.call(peer, w.begin(peer.channel().alloc().buffer(), peer.nextHopByHop(),
                        peer.nextEndToEnd(), "pgw;bulk;1", PGW, REALM, "gyro.local", "32251@3gpp.org",
                        Enumerations.TERMINATION_REQUEST, 1).msisdn(last).terminationCause(Enumerations.DIAMETER_LOGOUT)
                        .beginMscc(100, -1).usedOctets(600_000, 424_000, Enumerations.RR_FINAL).endMscc().end(), 10_000);
                try {
                    assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(cca, AvpCode.RESULT_CODE));
                } finally {
                    cca.release();
                }
            } finally {
                client.close();
            }
            JsonNode after = get(engine, "/subscribers/" + last + "/balance");
            assertEquals(dataBefore - 1_024_000, bucket(after, "data", "remaining"), "1,000 KiB, from the data allowance");
            assertEquals(0, bucket(after, "data", "reserved"));
            assertEquals(50_000_000L, after.get("moneyMicros").asLong(), "money untouched");
            // The first of the range too (the IMSI index and the account map hold every one).
            assertEquals(50_000_000L, get(engine, "/subscribers/" + FIRST + "/balance").get("moneyMicros").asLong());
        }
    }

    private static JsonNode get(Engine engine, String path) throws Exception {
        HttpResponse<String> r = EngineHarness.http(engine, "GET", path, null);
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode withoutIds(JsonNode view) {
        ObjectNode copy = view.deepCopy();
        copy.remove("msisdn");
        copy.remove("imsi");
        copy.remove("accountId");
        return copy;
    }

    private static long bucket(JsonNode balance, String service, String field) {
        for (JsonNode b : balance.get("buckets")) {
            if (b.get("service").asText().equals(service)) {
                return b.get(field).asLong();
            }
        }
        throw new AssertionError("no " + service + " bucket in " + balance);
    }
}
