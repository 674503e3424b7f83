package io.gyro.diameter.peer;

import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.testing.Avps;
import io.gyro.diameter.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Responder-side peer state machine (RFC 6733 §5.6) and watchdog (RFC 3539 §3.4 via RFC 6733
 * §5.5) on an EmbeddedChannel with frozen time: Tw is 200 ms of virtual time, so nothing sleeps.
 */
class PeerStateMachineTest {
    private static final int TW = 200;
    private final PeerHarness peer = new PeerHarness(PeerHarness.ocs(PeerHarness.allow("pgw.example.net")));

    @AfterEach
    void close() {
        peer.close();
    }

    private static ByteBuf dwrFrom(long originStateId, int hopByHop) {
        LocalPeer pgw = LocalPeer.builder("pgw.example.net", "example.net").originStateId(originStateId).build();
        return BaseMessages.dwr(PooledByteBufAllocator.DEFAULT.buffer(), pgw, hopByHop, hopByHop + 1);
    }

    @Test
    void capabilitiesExchangeRecordsThePeer() {
        peer.openWithCer();
        PeerConnection connection = peer.opened.get(0);
        assertEquals("pgw.example.net", connection.remoteOriginHost());
        assertEquals("example.net", connection.remoteOriginRealm());
        assertEquals(1700000000L, connection.remoteOriginStateId());
        assertTrue(connection.isOpen());
    }

    @Test
    void deviceWatchdogRequestIsAnswered() {
        peer.openWithCer();
        peer.send("dwr");
        ByteBuf dwa = peer.nextOutbound();
        try {
            assertEquals(CommandCode.DEVICE_WATCHDOG, DiameterHeader.commandCode(dwa, 0));
            assertFalse(DiameterHeader.isRequest(dwa, 0));
            assertEquals(0x11223344, DiameterHeader.hopByHop(dwa, 0));
            assertEquals(0x55667788, DiameterHeader.endToEnd(dwa, 0));
            assertEquals(ResultCode.DIAMETER_SUCCESS, Avps.u32(dwa, AvpCode.RESULT_CODE));
            assertEquals(1600000000L, Avps.u32(dwa, AvpCode.ORIGIN_STATE_ID));
        } finally {
            dwa.release();
        }
        assertTrue(peer.channel.isActive());
    }

    @Test
    void secondCerOnAnOpenConnectionIsRefused() {
        peer.openWithCer();
        peer.send("cer");
        ByteBuf answer = peer.nextOutbound();
        try {
            assertEquals(ResultCode.DIAMETER_UNABLE_TO_COMPLY, Avps.u32(answer, AvpCode.RESULT_CODE));
        } finally {
            answer.release();
        }
        assertTrue(peer.channel.isActive());
    }

    @Test
    void changedOriginStateIdIsNoticed() {
        peer.openWithCer();
        long restarts = Counters.PEER_RESTARTS.get();
        peer.send(dwrFrom(1700000000L, 1));
        peer.nextOutbound().release();
        assertEquals(restarts, Counters.PEER_RESTARTS.get(), "same Origin-State-Id: no restart");
        peer.send(dwrFrom(1700000999L, 3));
        peer.nextOutbound().release();
        assertEquals(restarts + 1, Counters.PEER_RESTARTS.get());
        assertEquals(1700000999L, peer.opened.get(0).remoteOriginStateId());
    }

    @Test
    void watchdogSendsDwrAfterTwOfSilenceAndClosesAfterASecondTw() {
        peer.openWithCer();
        long closes = Counters.WATCHDOG_CLOSES.get();
        peer.advance(TW - 20);
        assertNull(peer.nextOutbound(), "nothing before Tw");
        peer.advance(40);
        ByteBuf dwr = peer.nextOutbound();
        assertNotNull(dwr, "DWR after Tw of silence");
        try {
            assertEquals(CommandCode.DEVICE_WATCHDOG, DiameterHeader.commandCode(dwr, 0));
            assertTrue(DiameterHeader.isRequest(dwr, 0));
            assertEquals("ocs.example.com", Avps.utf8(dwr, AvpCode.ORIGIN_HOST));
        } finally {
            dwr.release();
        }
        assertTrue(peer.channel.isActive());
        peer.advance(TW + 20);
        assertFalse(peer.channel.isActive(), "no answer within a second Tw: connection failed");
        assertEquals(closes + 1, Counters.WATCHDOG_CLOSES.get());
        assertEquals(1, peer.closed.size(), "the application hears of the closed peer");
    }

    @Test
    void watchdogAnswerKeepsTheConnection() {
        peer.openWithCer();
        peer.advance(TW + 20);
        ByteBuf dwr = peer.nextOutbound();
        int hopByHop = DiameterHeader.hopByHop(dwr, 0);
        dwr.release();
        LocalPeer pgw = LocalPeer.builder("pgw.example.net", "example.net").originStateId(1700000000L).build();
        peer.send(BaseMessages.dwa(PooledByteBufAllocator.DEFAULT.buffer(), pgw, hopByHop, 1));
        peer.advance(TW - 20);
        assertTrue(peer.channel.isActive(), "DWA arrived: no failover");
        peer.advance(40);
        ByteBuf next = peer.nextOutbound();
        assertNotNull(next, "another Tw of silence: the next DWR");
        next.release();
        assertTrue(peer.channel.isActive());
    }

    @Test
    void disconnectPeerWaitsForInFlightAnswers() {
        peer.openWithCer();
        peer.hold = true;
        peer.send("ccr-initial");
        peer.send("ccr-update");
        assertEquals(2, peer.held.size());
        assertNull(peer.nextOutbound());

        peer.send("dpr");
        assertNull(peer.nextOutbound(), "no DPA while two requests are in flight");

        peer.send("ccr-termination");
        ByteBuf busy = peer.nextOutbound();
        try {
            assertEquals(ResultCode.DIAMETER_TOO_BUSY, Avps.u32(busy, AvpCode.RESULT_CODE),
                    "no new requests once the peer is disconnecting");
        } finally {
            busy.release();
        }

        peer.answerHeld();
        ByteBuf first = peer.nextOutbound();
        ByteBuf second = peer.nextOutbound();
        ByteBuf dpa = peer.nextOutbound();
        try {
            assertEquals(CommandCode.CREDIT_CONTROL, DiameterHeader.commandCode(first, 0));
            assertEquals(CommandCode.CREDIT_CONTROL, DiameterHeader.commandCode(second, 0));
            assertNotNull(dpa, "DPA once drained");
            assertEquals(CommandCode.DISCONNECT_PEER, DiameterHeader.commandCode(dpa, 0));
            assertEquals(0x11223344, DiameterHeader.hopByHop(dpa, 0), "DPA echoes the DPR's Hop-by-Hop id");
            assertEquals(ResultCode.DIAMETER_SUCCESS, Avps.u32(dpa, AvpCode.RESULT_CODE));
        } finally {
            first.release();
            second.release();
            dpa.release();
        }
        assertTrue(peer.channel.isActive(), "the DPR sender closes the transport");
        peer.advance(TW + 20);
        assertFalse(peer.channel.isActive(), "closed by us after Tw if the peer does not");
    }

    @Test
    void disconnectPeerWithNothingInFlightIsAnsweredAtOnce() {
        peer.openWithCer();
        peer.send("dpr");
        ByteBuf dpa = peer.nextOutbound();
        try {
            assertEquals(CommandCode.DISCONNECT_PEER, DiameterHeader.commandCode(dpa, 0));
        } finally {
            dpa.release();
        }
    }

    @Test
    void ourDisconnectSendsDprAndClosesOnDpa() throws Exception {
        peer.openWithCer();
        PeerConnection connection = peer.opened.get(0);
        java.util.concurrent.CompletableFuture<Void> done = connection.disconnect(Enumerations.REBOOTING);
        ByteBuf dpr = peer.nextOutbound();
        int hopByHop;
        try {
            assertEquals(CommandCode.DISCONNECT_PEER, DiameterHeader.commandCode(dpr, 0));
            assertTrue(DiameterHeader.isRequest(dpr, 0));
            assertEquals(Enumerations.REBOOTING, Avps.u32(dpr, AvpCode.DISCONNECT_CAUSE));
            hopByHop = DiameterHeader.hopByHop(dpr, 0);
        } finally {
            dpr.release();
        }
        LocalPeer pgw = LocalPeer.builder("pgw.example.net", "example.net").build();
        peer.send(BaseMessages.dpa(PooledByteBufAllocator.DEFAULT.buffer(), pgw, hopByHop, 7));
        assertFalse(peer.channel.isActive());
        assertTrue(done.isDone());
    }

    @Test
    void requestsArePassedToTheApplicationWithTheirFrame() {
        peer.openWithCer();
        peer.send("ccr-initial");
        ByteBuf cca = peer.nextOutbound();
        cca.release();
        assertEquals(1, peer.delivered.size());
        assertEquals(Fixtures.hex(Fixtures.bytes("ccr-initial")), Fixtures.hex(peer.delivered.get(0)));
    }
}
