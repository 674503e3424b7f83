package io.gyro.diameter.transport;

import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlAnswerWriter;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our client against our server over loopback: CER/CEA, then CCR/CCA answered from another thread. */
class LoopbackRoundTripTest {
    private DiameterServer server;
    private DiameterClient client;
    private InetSocketAddress address;

    /** Grants 1000 octets per MSCC, answering from a separate thread as the engine will. */
    private static final class GrantingApplication implements DiameterApplication {
        private final CreditControlRequest request = new CreditControlRequest();
        private final Validation error = new Validation();

        @Override
        public void onRequest(PeerConnection peer, ByteBuf frame, int commandCode, int applicationId) {
            assertTrue(request.decode(frame, frame.readerIndex(), error), error.toString());
            byte[] sessionId = new byte[request.sessionIdLength];
            frame.getBytes(request.sessionIdOffset, sessionId);
            int hbh = request.hopByHop;
            int e2e = request.endToEnd;
            int type = request.ccRequestType;
            long number = request.ccRequestNumber;
            int count = request.msccCount;
            long[] groups = request.ratingGroup.clone();
            new Thread(() -> {
                CreditControlAnswerWriter w = new CreditControlAnswerWriter().begin(ByteBufAllocator.DEFAULT.buffer(),
                        hbh, e2e, sessionId, sessionId.length, ResultCode.DIAMETER_SUCCESS,
                        peer.local().originHostBytes, peer.local().originRealmBytes, type, number);
                for (int i = 0; i < count; i++) {
                    w.beginMscc(groups[i], -1, ResultCode.DIAMETER_SUCCESS).grantedOctets(1000).validityTime(600).endMscc();
                }
                peer.answerAndFlush(w.end());
            }).start();
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = new DiameterServer(LocalPeer.builder("ocs.test", "test").build(), new GrantingApplication(), 1, true);
        address = server.bind(new InetSocketAddress("127.0.0.1", 0));
        client = new DiameterClient(LocalPeer.builder("pgw.test", "test").build(), 1);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void manyPeersAtOnceEachGetTheirOwnAnswers() throws Exception {
        int peers = 8;
        java.util.List<PeerConnection> connections = new java.util.ArrayList<>();
        for (int p = 0; p < peers; p++) {
            connections.add(client.connect(address).get(5, TimeUnit.SECONDS));
        }
        assertEquals(peers, server.peers().open().size());
        java.util.List<java.util.concurrent.CompletableFuture<ByteBuf>> answers = new java.util.ArrayList<>();
        java.util.List<Integer> hopByHops = new java.util.ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (PeerConnection peer : connections) {
                int hbh = peer.nextHopByHop();
                hopByHops.add(hbh);
                answers.add(peer.request(new CreditControlRequestWriter()
                        .begin(peer.channel().alloc().buffer(), hbh, peer.nextEndToEnd(), "pgw;" + hbh,
                                "pgw.test".getBytes(StandardCharsets.US_ASCII), "test".getBytes(StandardCharsets.US_ASCII),
                                "test", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0)
                        .msisdn(8617000000001L).beginMscc(100, -1).requestedEmpty().endMscc().end()));
            }
        }
        for (int i = 0; i < answers.size(); i++) {
            ByteBuf answer = answers.get(i).get(10, TimeUnit.SECONDS);
            try {
                assertEquals((int) hopByHops.get(i), DiameterHeader.hopByHop(answer, answer.readerIndex()),
                        "each answer reaches the peer and request it belongs to");
            } finally {
                answer.release();
            }
        }
    }

    @Test
    void capabilitiesExchangeThenCreditControl() throws Exception {
        PeerConnection peer = client.connect(address).get(5, TimeUnit.SECONDS);
        assertEquals("ocs.test", peer.remoteOriginHost());

        ByteBuf ccr = new CreditControlRequestWriter()
                .begin(peer.channel().alloc().buffer(), peer.nextHopByHop(), peer.nextEndToEnd(), "pgw.test;1;1",
                        "pgw.test".getBytes(StandardCharsets.US_ASCII), "test".getBytes(StandardCharsets.US_ASCII),
                        "test", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0)
                .msisdn(8617000000001L)
                .multipleServicesIndicator()
                .beginMscc(100, -1).requestedEmpty().endMscc()
                .beginMscc(101, -1).requestedOctets(5000).endMscc()
                .end();
        ByteBuf answer = DiameterClient.call(peer, ccr, 5000);
        try {
            assertEquals(CommandCode.CREDIT_CONTROL, DiameterHeader.commandCode(answer, answer.readerIndex()));
            Validation v = new MessageValidator().validate(answer, answer.readerIndex(), new Validation());
            assertTrue(v.ok(), v.toString());
        } finally {
            answer.release();
        }
        peer.disconnect(Enumerations.REBOOTING).get(5, TimeUnit.SECONDS);
    }
}
