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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invariant 4 (liveness): a silent session's reservations come back after validity time plus grace. */
class StaleSessionTest {

    @TempDir
    Path dataDir;

    @Test
    void sessionOfADisconnectedPeerIsReleasedAfterValidityAndGraceWithARecord() throws Exception {
        Map<String, String> overrides = EngineHarness.overrides(dataDir, 3);
        overrides.put("sessions.graceSeconds", "30");
        overrides.put("sessions.sweepIntervalMs", "50");
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        try (Engine engine = EngineHarness.start(overrides, clock::get);
             DiameterClient client = new DiameterClient(LocalPeer.builder("pgw.test", "test").build(), 1)) {
            PeerConnection peer = client.connect(new InetSocketAddress("127.0.0.1", engine.diameterAddress().getPort()))
                    .get(10, TimeUnit.SECONDS);
            ByteBuf cca = DiameterClient.call(peer, new CreditControlRequestWriter()
                    .begin(peer.channel().alloc().buffer(), peer.nextHopByHop(), peer.nextEndToEnd(), "pgw;stale",
                            "pgw.test".getBytes(StandardCharsets.US_ASCII), "test".getBytes(StandardCharsets.US_ASCII),
                            "gyro.local", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0)
                    .msisdn(8617000000001L).beginMscc(100, -1).requestedEmpty().endMscc().end(), 10_000);
            long validitySeconds;
            try {
                assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.mscc(cca, 100)[0]);
                validitySeconds = EngineHarness.validityTime(cca);
            } finally {
                cca.release();
            }
            assertTrue(reservedData(engine) > 0, "the grant is reserved");
            // The PGW drops the connection mid-session: the reservation stays until the timeout.
            peer.close();
            peer.channel().closeFuture().await(5, TimeUnit.SECONDS);
            engine.tick();
            assertTrue(reservedData(engine) > 0, "a disconnect alone releases nothing");

            // Just before validity + grace nothing happens; just after, the sweep releases it.
            clock.addAndGet(validitySeconds * 1000 + 29_000);
            engine.tick();   // processed at that time: the check below cannot pass because no tick had run yet
            assertTrue(reservedData(engine) > 0, "still within the grace period");
            clock.addAndGet(2_000);
            engine.tick();
            assertEquals(0, reservedData(engine), "reservation released");
            String records = EngineHarness.http(engine, "GET", "/subscribers/8617000000001/records", null).body();
            assertTrue(records.contains("STALE_RELEASE"), records);

            peer = client.connect(new InetSocketAddress("127.0.0.1", engine.diameterAddress().getPort()))
                    .get(10, TimeUnit.SECONDS);
            ByteBuf late = DiameterClient.call(peer, new CreditControlRequestWriter()
                    .begin(peer.channel().alloc().buffer(), peer.nextHopByHop(), peer.nextEndToEnd(), "pgw;stale",
                            "pgw.test".getBytes(StandardCharsets.US_ASCII), "test".getBytes(StandardCharsets.US_ASCII),
                            "gyro.local", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, 1)
                    .msisdn(8617000000001L).beginMscc(100, -1).usedOctets(10, 10, -1).requestedEmpty().endMscc().end(), 10_000);
            try {
                assertEquals(ResultCode.DIAMETER_UNKNOWN_SESSION_ID, EngineHarness.topLevel(late, AvpCode.RESULT_CODE));
            } finally {
                late.release();
            }
        }
    }

    private static long reservedData(Engine engine) throws Exception {
        return EngineHarness.reserved(engine, 8617000000001L);
    }
}
