package io.gyro.diameter.peer;

import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterFrameDecoder;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlAnswerWriter;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.testing.Avps;
import io.gyro.diameter.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The server pipeline of {@code DiameterChannelInitializer} (watchdog, frame decoder, peer
 * state machine) on an EmbeddedChannel, with an application that decodes CCRs and either
 * answers at once (2001 CCA, or the decoder's error) or holds them for the test to answer.
 */
final class PeerHarness implements DiameterApplication {
    final LocalPeer local;
    final EmbeddedChannel channel;
    final PeerHandler handler;
    final List<byte[]> delivered = new ArrayList<>();
    final List<PeerConnection> opened = new ArrayList<>();
    final List<PeerConnection> closed = new ArrayList<>();
    /** Requests held for later answers (retained frames; the test answers or releases them). */
    final List<ByteBuf> held = new ArrayList<>();
    boolean hold;
    private final CreditControlRequest ccr = new CreditControlRequest();
    private final Validation error = new Validation();

    PeerHarness(LocalPeer local) {
        this.local = local;
        this.handler = new PeerHandler(local, this, false, new CompletableFuture<>(), null);
        this.channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new IdleStateHandler(local.watchdogInterval.toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                new DiameterFrameDecoder(local.maxMessageSize), handler);
    }

    /** The test OCS: Origin-Host ocs.example.com, peers allowed by name from any address, Tw 200 ms. */
    static LocalPeer ocs(PeerPolicy policy) {
        return LocalPeer.builder("ocs.example.com", "example.com").originStateId(1600000000L)
                .watchdogInterval(java.time.Duration.ofMillis(200)).policy(policy).build();
    }

    static PeerPolicy allow(String... hosts) {
        List<PeerPolicy.Entry> entries = new ArrayList<>();
        for (String h : hosts) {
            entries.add(new PeerPolicy.Entry(h, null));
        }
        return PeerPolicy.allow(entries);
    }

    @Override
    public void onRequest(PeerConnection peer, ByteBuf frame, int commandCode, int applicationId) {
        delivered.add(ByteBufUtil.getBytes(frame));
        if (hold) {
            held.add(frame.retain());
            return;
        }
        answer(peer, frame);
    }

    void answer(PeerConnection peer, ByteBuf frame) {
        if (!ccr.decode(frame, frame.readerIndex(), error)) {
            peer.answerError(frame, error);
            return;
        }
        byte[] sid = new byte[ccr.sessionIdLength];
        frame.getBytes(ccr.sessionIdOffset, sid);
        CreditControlAnswerWriter w = new CreditControlAnswerWriter().begin(peer.channel().alloc().buffer(), ccr.hopByHop,
                ccr.endToEnd, sid, sid.length, ResultCode.DIAMETER_SUCCESS, local.originHostBytes, local.originRealmBytes,
                ccr.ccRequestType, ccr.ccRequestNumber);
        peer.answerAndFlush(w.end());
    }

    /** Answers and releases every held request, oldest first. */
    void answerHeld() {
        for (ByteBuf frame : held) {
            try {
                answer(handler.connection(), frame);
            } finally {
                frame.release();
            }
        }
        held.clear();
    }

    @Override
    public void onPeerOpen(PeerConnection peer) {
        opened.add(peer);
    }

    @Override
    public void onPeerClosed(PeerConnection peer) {
        closed.add(peer);
    }

    void send(String fixture) {
        send(Fixtures.bytes(fixture));
    }

    void send(byte[] bytes) {
        channel.writeInbound(PooledByteBufAllocator.DEFAULT.buffer(bytes.length).writeBytes(bytes));
        channel.runPendingTasks();
    }

    void send(ByteBuf message) {
        channel.writeInbound(message);
        channel.runPendingTasks();
    }

    /** The next message we sent, or null. The caller releases it. */
    ByteBuf nextOutbound() {
        channel.runPendingTasks();
        return channel.readOutbound();
    }

    /** Sends the CER fixture and checks the CEA 2001. */
    void openWithCer() {
        send("cer");
        ByteBuf cea = nextOutbound();
        assertNotNull(cea, "no CEA");
        try {
            assertEquals(ResultCode.DIAMETER_SUCCESS, Avps.u32(cea, AvpCode.RESULT_CODE));
        } finally {
            cea.release();
        }
        assertEquals(1, opened.size());
    }

    void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    /** Code of the first AVP inside Failed-AVP, or -1 when the answer has none. */
    static long failedAvpCode(ByteBuf answer) {
        AvpReader failed = Avps.find(answer, AvpCode.FAILED_AVP);
        if (failed == null) {
            return -1;
        }
        AvpReader member = failed.enter(new AvpReader());
        return member.next() ? member.code() : -1;
    }

    static boolean errorBit(ByteBuf answer) {
        return DiameterHeader.isError(answer, answer.readerIndex());
    }

    void close() {
        for (ByteBuf frame : held) {
            frame.release();
        }
        held.clear();
        channel.finishAndReleaseAll();
    }
}
