package io.gyro.diameter.transport;

import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.Validation;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Answers written by a thread other than the event loop (as the engine's charging processor does): they
 * are queued and go out with the next {@link PeerConnection#flush()}, all of a batch at once; a DPR's DPA
 * still follows every such answer; after the event loop stopped they are freed.
 */
class CrossThreadAnswersTest {
    /** Holds each CCR's ids for the test thread to answer; counts read completions. */
    private static final class HoldingApplication implements DiameterApplication {
        record Held(PeerConnection peer, int hopByHop, int endToEnd, byte[] sessionId, int type, long number) {
        }

        final LinkedBlockingQueue<Held> held = new LinkedBlockingQueue<>();
        private final CreditControlRequest request = new CreditControlRequest();
        private final Validation error = new Validation();

        @Override
        public void onRequest(PeerConnection peer, ByteBuf frame, int commandCode, int applicationId) {
            assertTrue(request.decode(frame, frame.readerIndex(), error), error.toString());
            byte[] sessionId = new byte[request.sessionIdLength];
            frame.getBytes(request.sessionIdOffset, sessionId);
            held.add(new Held(peer, request.hopByHop, request.endToEnd, sessionId, request.ccRequestType,
                    request.ccRequestNumber));
        }

        static ByteBuf answerFor(Held h) {
            return new CreditControlAnswerWriter().begin(ByteBufAllocator.DEFAULT.buffer(), h.hopByHop, h.endToEnd,
                    h.sessionId, h.sessionId.length, ResultCode.DIAMETER_SUCCESS, h.peer.local().originHostBytes,
                    h.peer.local().originRealmBytes, h.type, h.number).end();
        }
    }

    private final HoldingApplication application = new HoldingApplication();
    private DiameterServer server;
    private DiameterClient client;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        server = new DiameterServer(LocalPeer.builder("ocs.test", "test").build(), application, 1, true);
        address = server.bind(new InetSocketAddress("127.0.0.1", 0));
        client = new DiameterClient(LocalPeer.builder("pgw.test", "test").build(), 1);
    }

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.close();
        }
    }

    private static List<CompletableFuture<ByteBuf>> sendCcrs(PeerConnection peer, int count) {
        List<CompletableFuture<ByteBuf>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int hbh = peer.nextHopByHop();
            answers.add(peer.request(new CreditControlRequestWriter()
                    .begin(peer.channel().alloc().buffer(), hbh, peer.nextEndToEnd(), "pgw;" + hbh,
                            "pgw.test".getBytes(StandardCharsets.US_ASCII), "test".getBytes(StandardCharsets.US_ASCII),
                            "test", "32251@3gpp.org", Enumerations.INITIAL_REQUEST, 0)
                    .msisdn(8617000000001L).beginMscc(100, -1).requestedEmpty().endMscc().end()));
        }
        return answers;
    }

    private List<HoldingApplication.Held> takeHeld(int count) throws InterruptedException {
        List<HoldingApplication.Held> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HoldingApplication.Held h = application.held.poll(10, TimeUnit.SECONDS);
            assertNotNull(h, "request " + i + " reached the application");
            out.add(h);
        }
        return out;
    }

    @Test
    void answersFromAnotherThreadLeaveWithTheNextFlush() throws Exception {
        PeerConnection peer = client.connect(address).get(5, TimeUnit.SECONDS);
        List<CompletableFuture<ByteBuf>> answers = sendCcrs(peer, 20);
        List<HoldingApplication.Held> held = takeHeld(20);

        Thread answering = new Thread(() -> {
            for (HoldingApplication.Held h : held) {
                h.peer.answer(HoldingApplication.answerFor(h));
            }
        });
        answering.start();
        answering.join(10_000);
        // Not flushed: nothing may have been written. (A wrong implementation would write at once.)
        Thread.sleep(200);
        for (CompletableFuture<ByteBuf> a : answers) {
            assertFalse(a.isDone(), "an answer left before its batch was flushed");
        }

        Thread flushing = new Thread(held.get(0).peer::flush);
        flushing.start();
        flushing.join(10_000);
        for (int i = 0; i < answers.size(); i++) {
            ByteBuf answer = answers.get(i).get(10, TimeUnit.SECONDS);
            try {
                assertEquals(held.get(i).hopByHop, DiameterHeader.hopByHop(answer, answer.readerIndex()));
            } finally {
                answer.release();
            }
        }
        assertEquals(0, held.get(0).peer.inFlight());
    }

    @Test
    void dpaFollowsEveryAnswerWrittenFromAnotherThread() throws Exception {
        PeerConnection peer = client.connect(address).get(5, TimeUnit.SECONDS);
        List<CompletableFuture<ByteBuf>> answers = sendCcrs(peer, 5);
        List<HoldingApplication.Held> held = takeHeld(5);
        CompletableFuture<Void> disconnected = peer.disconnect(Enumerations.REBOOTING);
        // Let the DPR arrive while all five are in flight.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!disconnected.isDone() && System.nanoTime() < deadline && !serverIsDraining()) {
            Thread.sleep(5);
        }
        assertFalse(disconnected.isDone(), "no DPA while requests are in flight");

        // Answered from another thread, and (deliberately) never flushed: the last answer's drain writes them.
        Thread answering = new Thread(() -> {
            for (HoldingApplication.Held h : held) {
                h.peer.answer(HoldingApplication.answerFor(h));
            }
        });
        answering.start();
        answering.join(10_000);
        disconnected.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < answers.size(); i++) {
            assertTrue(answers.get(i).isDone(), "answer " + i + " arrived before the DPA");
            answers.get(i).get().release();
        }
    }

    @Test
    void answersWrittenAfterTheServerStoppedAreFreedWithoutAnError() throws Exception {
        PeerConnection peer = client.connect(address).get(5, TimeUnit.SECONDS);
        List<CompletableFuture<ByteBuf>> answers = sendCcrs(peer, 1);
        HoldingApplication.Held held = takeHeld(1).get(0);
        server.close(); // its event loops are terminated: nothing can be written any more
        server = null;
        ByteBuf answer = HoldingApplication.answerFor(held);
        Throwable[] thrown = new Throwable[1];
        Thread late = new Thread(() -> {
            try {
                held.peer.answer(answer);
                held.peer.flush();
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        late.start();
        late.join(10_000);
        assertEquals(null, thrown[0], "a late answer must not throw into the answering thread");
        assertEquals(0, answer.refCnt(), "the unsent answer is released");
        answers.get(0).cancel(true);
    }

    /** Whether the server's side of the connection has seen the DPR (it refuses new requests then). */
    private boolean serverIsDraining() {
        return server.peers().open().stream().noneMatch(p -> p.isOpen());
    }
}
