package io.gyro.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterClient;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The time the engine is down does not count against a session: a retransmission that reaches the restarted engine
 * after the session's expiry passed (the engine was down longer than sessions.graceSeconds) gets the first answer and
 * charges nothing, and a silent session's reservation still comes back, after the time it had left when the engine
 * went down.
 * Found by KillNineEngineTest (grace 1 s, restarts of ~2.5 s): an SMS charged just before a kill -9 was charged again
 * when its retransmission reached the new instance.
 */
class RetransmissionAfterRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MSISDN = 8617000000001L;
    private static final long GRACE_MS = 5_000;

    @TempDir
    Path dataDir;

    private final CreditControlRequestWriter writer = new CreditControlRequestWriter();

    private ByteBuf ccr(PeerConnection peer, int hopByHop, String sessionId, String context, int type,
            Consumer<CreditControlRequestWriter> body) {
        writer.begin(peer.channel().alloc().buffer(), hopByHop, 77, sessionId,
                "pgw.test".getBytes(StandardCharsets.US_ASCII), "test".getBytes(StandardCharsets.US_ASCII),
                "gyro.local", context, type, 0);
        body.accept(writer);
        return writer.end();
    }

    private ByteBuf sms(PeerConnection peer, int hopByHop) {
        return ccr(peer, hopByHop, "smsc;restart", "32274@3gpp.org", Enumerations.EVENT_REQUEST, w -> w.msisdn(MSISDN)
                .requestedAction(Enumerations.DIRECT_DEBITING).smsRecipient("8613800138000"));
    }

    @Test
    void aRetransmissionAfterALongRestartGetsTheFirstAnswerAndReservationsStillComeBack() throws Exception {
        Map<String, String> overrides = EngineHarness.overrides(dataDir, 3);
        overrides.put("sessions.graceSeconds", String.valueOf(GRACE_MS / 1000));
        overrides.put("sessions.sweepIntervalMs", "50");
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        long smsBefore;
        long validityMs;
        int firstAnswerLength;
        try (Engine engine = EngineHarness.start(overrides, clock::get);
             DiameterClient client = new DiameterClient(LocalPeer.builder("pgw.test", "test").build(), 1)) {
            PeerConnection peer = connect(client, engine);
            smsBefore = smsRemaining(engine);
            ByteBuf first = DiameterClient.call(peer, sms(peer, 1001), 10_000);
            try {
                assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(first, AvpCode.RESULT_CODE));
                firstAnswerLength = first.readableBytes();
            } finally {
                first.release();
            }
            assertEquals(smsBefore - 1, smsRemaining(engine));
            // A data session that then falls silent: its reservation must come back after the restart.
            ByteBuf grant = DiameterClient.call(peer, ccr(peer, 1002, "pgw;silent", "32251@3gpp.org",
                    Enumerations.INITIAL_REQUEST, w -> w.msisdn(MSISDN).beginMscc(100, -1).requestedEmpty().endMscc()),
                    10_000);
            try {
                assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.mscc(grant, 100)[0]);
                validityMs = EngineHarness.validityTime(grant) * 1000;
                assertTrue(validityMs > 0, "a Validity-Time in the grant");
            } finally {
                grant.release();
            }
            assertTrue(reserved(engine) > 0);
        }

        // Down for longer than either session's expiry.
        clock.addAndGet(validityMs + GRACE_MS + 60_000);
        try (Engine engine = EngineHarness.start(overrides, clock::get);
             DiameterClient client = new DiameterClient(LocalPeer.builder("pgw.test", "test").build(), 1)) {
            PeerConnection peer = connect(client, engine);
            engine.tick();   // a sweep at the restart's time must leave both sessions alone for now

            ByteBuf again = sms(peer, 2001);
            DiameterHeader.setRetransmitted(again, again.readerIndex());
            ByteBuf answer = DiameterClient.call(peer, again, 10_000);
            try {
                assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(answer, AvpCode.RESULT_CODE));
                assertEquals(firstAnswerLength, answer.readableBytes(), "the stored answer");
                assertEquals(2001, DiameterHeader.hopByHop(answer, answer.readerIndex()), "with the retransmission's id");
            } finally {
                answer.release();
            }
            assertEquals(smsBefore - 1, smsRemaining(engine), "the retransmission charged nothing");
            assertEquals(1, eventRecords(engine), "one EVENT record for the SMS");
            assertTrue(reserved(engine) > 0, "the silent session keeps its reservation after the start");

            // The silent session had its whole validity and grace left when the engine went down (the engine last
            // served when it was granted): that much up time after the start, and not less, it is released.
            clock.addAndGet(validityMs + GRACE_MS - 2_000);
            engine.tick();
            assertTrue(reserved(engine) > 0, "still within the time it had left");
            clock.addAndGet(3_000);
            engine.tick();
            assertEquals(0, reserved(engine), "reservation released once its time is up");
        }
    }

    private static PeerConnection connect(DiameterClient client, Engine engine) throws Exception {
        return client.connect(new InetSocketAddress("127.0.0.1", engine.diameterAddress().getPort()))
                .get(10, TimeUnit.SECONDS);
    }

    private static JsonNode get(Engine engine, String path) throws Exception {
        return JSON.readTree(EngineHarness.http(engine, "GET", path, null).body());
    }

    private static long smsRemaining(Engine engine) throws Exception {
        for (JsonNode b : get(engine, "/subscribers/" + MSISDN + "/balance").get("buckets")) {
            if (b.get("service").asText().equals("sms")) {
                return b.get("remaining").asLong();
            }
        }
        throw new AssertionError("no sms bucket");
    }

    private static long reserved(Engine engine) throws Exception {
        return EngineHarness.reserved(engine, MSISDN);
    }

    private static int eventRecords(Engine engine) throws Exception {
        int n = 0;
        for (JsonNode r : get(engine, "/subscribers/" + MSISDN + "/records?limit=1000").get("records")) {
            if ("EVENT".equals(r.get("kind").asText()) && "smsc;restart".equals(r.path("sessionId").asText())) {
                n++;
            }
        }
        return n;
    }
}
