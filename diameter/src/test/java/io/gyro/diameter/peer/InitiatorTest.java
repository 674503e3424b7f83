package io.gyro.diameter.peer;

import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.codec.DiameterFrameDecoder;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlAnswerWriter;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.testing.Avps;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The initiator side (what DiameterClient runs): CER on connect, CEA handling, pipelined requests, timeouts. */
class InitiatorTest {
    private static final byte[] SID = "pgw.example.net;1;1".getBytes(StandardCharsets.US_ASCII);
    private final LocalPeer pgw = LocalPeer.builder("pgw.example.net", "example.net")
            .requestTimeout(Duration.ofMillis(500)).build();
    private final LocalPeer ocs = BaseMessagesTest.ocs();
    private final CompletableFuture<PeerConnection> opened = new CompletableFuture<>();
    private final DiameterApplication ignore = (peer, frame, command, app) -> peer.answerError(frame,
            ResultCode.DIAMETER_UNABLE_TO_COMPLY, "test");
    private final EmbeddedChannel channel = newChannel();

    private EmbeddedChannel newChannel() {
        EmbeddedChannel ch = new EmbeddedChannel(new DiameterFrameDecoder(pgw.maxMessageSize),
                new PeerHandler(pgw, ignore, true, opened, null));
        ch.freezeTime();
        return ch;
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private ByteBuf outbound() {
        channel.runPendingTasks();
        return channel.readOutbound();
    }

    private PeerConnection open() throws Exception {
        ByteBuf cer = outbound();
        int hopByHop = DiameterHeader.hopByHop(cer, 0);
        int endToEnd = DiameterHeader.endToEnd(cer, 0);
        cer.release();
        channel.writeInbound(BaseMessages.cea(PooledByteBufAllocator.DEFAULT.buffer(), ocs, hopByHop, endToEnd,
                ResultCode.DIAMETER_SUCCESS, null));
        return opened.get(1, TimeUnit.SECONDS);
    }

    private ByteBuf ccr(PeerConnection peer, int hopByHop, long number) {
        return new CreditControlRequestWriter().begin(PooledByteBufAllocator.DEFAULT.buffer(), hopByHop,
                        peer.nextEndToEnd(), "pgw.example.net;1;1", pgw.originHostBytes, pgw.originRealmBytes,
                        "example.com", "32251@3gpp.org", Enumerations.UPDATE_REQUEST, number)
                .end();
    }

    private ByteBuf cca(int hopByHop, long number) {
        return new CreditControlAnswerWriter().begin(PooledByteBufAllocator.DEFAULT.buffer(), hopByHop, 0, SID,
                SID.length, ResultCode.DIAMETER_SUCCESS, ocs.originHostBytes, ocs.originRealmBytes,
                Enumerations.UPDATE_REQUEST, number).end();
    }

    @Test
    void sendsCerWhenConnectedAndOpensOnCea() throws Exception {
        ByteBuf cer = outbound();
        try {
            assertEquals(CommandCode.CAPABILITIES_EXCHANGE, DiameterHeader.commandCode(cer, 0));
            assertTrue(DiameterHeader.isRequest(cer, 0));
            assertEquals("pgw.example.net", Avps.utf8(cer, AvpCode.ORIGIN_HOST));
        } finally {
            cer.release();
        }
        assertFalse(opened.isDone());
        channel.writeInbound(BaseMessages.cea(PooledByteBufAllocator.DEFAULT.buffer(), ocs, 1, 2,
                ResultCode.DIAMETER_SUCCESS, null));
        PeerConnection peer = opened.get(1, TimeUnit.SECONDS);
        assertEquals("ocs.example.com", peer.remoteOriginHost());
        assertEquals(1600000000L, peer.remoteOriginStateId());
        assertTrue(peer.isOpen());
    }

    @Test
    void refusedCapabilitiesExchangeFailsTheConnect() {
        outbound().release();
        channel.writeInbound(BaseMessages.cea(PooledByteBufAllocator.DEFAULT.buffer(), ocs, 1, 2,
                ResultCode.DIAMETER_NO_COMMON_APPLICATION, "no common application"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> opened.get(1, TimeUnit.SECONDS));
        PeerRejectedException rejected = assertInstanceOf(PeerRejectedException.class, e.getCause());
        assertEquals(ResultCode.DIAMETER_NO_COMMON_APPLICATION, rejected.resultCode);
        assertFalse(channel.isActive());
    }

    @Test
    void pipelinedAnswersAreMatchedByHopByHop() throws Exception {
        PeerConnection peer = open();
        int first = peer.nextHopByHop();
        int second = peer.nextHopByHop();
        CompletableFuture<ByteBuf> a = peer.request(ccr(peer, first, 1));
        CompletableFuture<ByteBuf> b = peer.request(ccr(peer, second, 2));
        outbound().release();
        outbound().release();
        channel.writeInbound(cca(second, 2));
        channel.writeInbound(cca(first, 1));
        ByteBuf answerA = a.get(1, TimeUnit.SECONDS);
        ByteBuf answerB = b.get(1, TimeUnit.SECONDS);
        try {
            assertEquals(1, Avps.u32(answerA, AvpCode.CC_REQUEST_NUMBER));
            assertEquals(2, Avps.u32(answerB, AvpCode.CC_REQUEST_NUMBER));
        } finally {
            answerA.release();
            answerB.release();
        }
    }

    @Test
    void unansweredRequestTimesOutAndALateAnswerIsDropped() throws Exception {
        PeerConnection peer = open();
        int hopByHop = peer.nextHopByHop();
        CompletableFuture<ByteBuf> answer = peer.request(ccr(peer, hopByHop, 1));
        outbound().release();
        channel.advanceTimeBy(499, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertFalse(answer.isDone());
        channel.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(1, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
        long unexpected = Counters.UNEXPECTED_ANSWERS.get();
        channel.writeInbound(cca(hopByHop, 1));
        assertEquals(unexpected + 1, Counters.UNEXPECTED_ANSWERS.get());
    }

    @Test
    void closingFailsPendingRequests() throws Exception {
        PeerConnection peer = open();
        CompletableFuture<ByteBuf> answer = peer.request(ccr(peer, peer.nextHopByHop(), 1));
        outbound().release();
        channel.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(1, TimeUnit.SECONDS));
        assertInstanceOf(ClosedChannelException.class, e.getCause());
    }

    @Test
    void duplicateHopByHopIsRefusedWithoutLeaking() throws Exception {
        PeerConnection peer = open();
        int hopByHop = peer.nextHopByHop();
        CompletableFuture<ByteBuf> first = peer.request(ccr(peer, hopByHop, 1));
        CompletableFuture<ByteBuf> second = peer.request(ccr(peer, hopByHop, 2));
        assertTrue(second.isCompletedExceptionally());
        outbound().release();
        channel.writeInbound(cca(hopByHop, 1));
        first.get(1, TimeUnit.SECONDS).release();
    }
}
