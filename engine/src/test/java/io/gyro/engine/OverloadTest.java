package io.gyro.engine;

import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterClient;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Beyond capacity the engine answers 3004 DIAMETER_TOO_BUSY at once, never drops, and recovers. */
class OverloadTest {
    @TempDir
    Path dataDir;

    @Test
    void fullSessionStoreRefusesNewSessionsWithTooBusyWhileRunningOnesContinue() throws Exception {
        Map<String, String> overrides = EngineHarness.overrides(dataDir, 2);
        overrides.put("stores.maxSessions", "20"); // new sessions refused at 18
        try (Engine engine = EngineHarness.start(overrides);
             DiameterClient client = new DiameterClient(LocalPeer.builder("pgw.test", "test").build(), 1)) {
            PeerConnection peer = client.connect(new InetSocketAddress("127.0.0.1", engine.diameterAddress().getPort()))
                    .get(10, TimeUnit.SECONDS);
            CreditControlRequestWriter writer = new CreditControlRequestWriter();
            int ok = 0;
            long lastCode = 0;
            for (int i = 0; i < 19; i++) {
                ByteBuf cca = DiameterClient.call(peer, writer.begin(peer.channel().alloc().buffer(), peer.nextHopByHop(),
                        peer.nextEndToEnd(), "full;" + i, "pgw.test".getBytes(StandardCharsets.US_ASCII),
                        "test".getBytes(StandardCharsets.US_ASCII), "gyro.local", "32251@3gpp.org",
                        Enumerations.INITIAL_REQUEST, 0).msisdn(8617000000001L).beginMscc(100, -1).requestedOctets(1000)
                        .endMscc().end(), 10_000);
                try {
                    lastCode = EngineHarness.topLevel(cca, AvpCode.RESULT_CODE);
                    if (lastCode == ResultCode.DIAMETER_SUCCESS) {
                        ok++;
                    }
                } finally {
                    cca.release();
                }
            }
            assertEquals(18, ok);
            assertEquals(ResultCode.DIAMETER_TOO_BUSY, lastCode, "the 19th new session is refused");
            ByteBuf update = DiameterClient.call(peer, writer.begin(peer.channel().alloc().buffer(), peer.nextHopByHop(),
                    peer.nextEndToEnd(), "full;0", "pgw.test".getBytes(StandardCharsets.US_ASCII),
                    "test".getBytes(StandardCharsets.US_ASCII), "gyro.local", "32251@3gpp.org",
                    Enumerations.UPDATE_REQUEST, 1).msisdn(8617000000001L).beginMscc(100, -1)
                    .usedOctets(500, 500, Enumerations.RR_QUOTA_EXHAUSTED).requestedOctets(1000).endMscc().end(), 10_000);
            try {
                assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(update, AvpCode.RESULT_CODE));
            } finally {
                update.release();
            }
        }
    }

    @Test
    void burstBeyondTheInFlightLimitIsAnsweredTooBusyAndEveryRequestGetsOneAnswer() throws Exception {
        Map<String, String> overrides = EngineHarness.overrides(dataDir, 2);
        overrides.put("diameter.maxInFlightPerPeer", "8");
        overrides.put("pipeline.ringSize", "64");
        overrides.put("stores.maxSessions", "20000");
        burstIsAnsweredOnceEachWithSomeTooBusy(overrides);
    }

    /** The smallest ring, no in-flight limit: what does not fit in the ring is answered 3004, the rest served. */
    @Test
    void burstBeyondAFullRingIsAnsweredTooBusyAndEveryRequestGetsOneAnswer() throws Exception {
        Map<String, String> overrides = EngineHarness.overrides(dataDir, 2);
        overrides.put("diameter.maxInFlightPerPeer", "100000");
        overrides.put("pipeline.ringSize", "64"); // the smallest allowed
        overrides.put("stores.maxSessions", "20000");
        burstIsAnsweredOnceEachWithSomeTooBusy(overrides);
    }

    private static void burstIsAnsweredOnceEachWithSomeTooBusy(Map<String, String> overrides) throws Exception {
        try (Engine engine = EngineHarness.start(overrides);
             DiameterClient client = new DiameterClient(LocalPeer.builder("pgw.test", "test").build(), 1)) {
            PeerConnection peer = client.connect(new InetSocketAddress("127.0.0.1", engine.diameterAddress().getPort()))
                    .get(10, TimeUnit.SECONDS);
            CreditControlRequestWriter writer = new CreditControlRequestWriter();
            int burst = 3000;
            List<CompletableFuture<ByteBuf>> answers = new ArrayList<>(burst);
            for (int i = 0; i < burst; i++) {
                int hopByHop = peer.nextHopByHop();
                answers.add(peer.expect(hopByHop));
                peer.write(writer.begin(peer.channel().alloc().buffer(), hopByHop, peer.nextEndToEnd(), "burst;" + i,
                        "pgw.test".getBytes(StandardCharsets.US_ASCII), "test".getBytes(StandardCharsets.US_ASCII),
                        "gyro.local", "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0)
                        .msisdn(8617000000001L).requestedAction(Enumerations.CHECK_BALANCE)
                        .smsRecipient("8613800138000").end());
            }
            peer.flush();
            int ok = 0;
            int busy = 0;
            for (CompletableFuture<ByteBuf> f : answers) {
                ByteBuf answer = f.get(30, TimeUnit.SECONDS);
                try {
                    long code = EngineHarness.topLevel(answer, AvpCode.RESULT_CODE);
                    if (code == ResultCode.DIAMETER_SUCCESS) {
                        ok++;
                    } else if (code == ResultCode.DIAMETER_TOO_BUSY) {
                        busy++;
                    } else {
                        throw new AssertionError("unexpected Result-Code " + code);
                    }
                } finally {
                    answer.release();
                }
            }
            assertEquals(burst, ok + busy, "every request answered exactly once");
            assertTrue(busy > 0, "a burst of " + burst + " over the in-flight limit or the ring must meet 3004");
            assertTrue(ok > 0, "some requests were served");

            // Load gone: served again.
            ByteBuf after = DiameterClient.call(peer, writer.begin(peer.channel().alloc().buffer(), peer.nextHopByHop(),
                    peer.nextEndToEnd(), "after;1", "pgw.test".getBytes(StandardCharsets.US_ASCII),
                    "test".getBytes(StandardCharsets.US_ASCII), "gyro.local", "32274@3gpp.org",
                    Enumerations.EVENT_REQUEST, 0).msisdn(8617000000001L)
                    .requestedAction(Enumerations.CHECK_BALANCE).smsRecipient("8613800138000").end(), 10_000);
            try {
                assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(after, AvpCode.RESULT_CODE));
            } finally {
                after.release();
            }
        }
    }
}
