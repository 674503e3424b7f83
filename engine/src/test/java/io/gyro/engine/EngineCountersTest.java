package io.gyro.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET /status counters: one set per engine (they were static, so two engines in a JVM added into each other's),
 * JOURNAL_RECORDS counts the records written (it was never incremented), and a CCR-EVENT refused for its service or
 * its credit is counted like a session's (it was not).
 */
class EngineCountersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    @Test
    void eachEngineCountsItsOwnRecordsAndRefusedEvents() throws Exception {
        Map<String, String> a = EngineHarness.overrides(root.resolve("a"), 3);
        Map<String, String> b = EngineHarness.overrides(root.resolve("b"), 3);
        try (GyTestClient one = GyTestClient.start(a); GyTestClient two = GyTestClient.start(b)) {
            JsonNode before = counters(one);
            JsonNode otherBefore = counters(two);

            HttpResponse<String> topUp = one.http("POST", "/subscribers/8617000000001/topups",
                    "{\"amount\":\"10.00\",\"idempotencyKey\":\"c1\"}");
            assertEquals(2, topUp.statusCode() / 100, topUp.body());
            // An event for a rating group no service prices: 5031 in its MSCC.
            ByteBuf unpriced = one.call("smsc;c1", "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0, w -> w
                    .msisdn(8617000000001L).requestedAction(Enumerations.DIRECT_DEBITING).beginMscc(999, -1)
                    .requestedEmpty().endMscc());
            try {
                assertEquals(ResultCode.DIAMETER_RATING_FAILED, EngineHarness.mscc(unpriced, 999)[0]);
            } finally {
                unpriced.release();
            }
            JsonNode after = counters(one);
            assertEquals(1, after.get("JOURNAL_RECORDS").asLong() - before.get("JOURNAL_RECORDS").asLong(),
                    "the top-up's record");
            assertEquals(1, after.get("RATING_FAILED").asLong() - before.get("RATING_FAILED").asLong(),
                    "the refused event");
            JsonNode otherAfter = counters(two);
            assertEquals(otherBefore, otherAfter, "the other engine counted nothing of it");
        }
    }

    private static JsonNode counters(GyTestClient gy) throws Exception {
        HttpResponse<String> r = gy.http("GET", "/status", null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("counters");
    }
}
