package io.gyro.diameter.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.codec.AvpReader;
import io.gyro.diameter.codec.DiameterFrameDecoder;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlAnswerWriter;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.peer.PeerHandler;
import io.gyro.diameter.peer.PeerPolicy;
import io.gyro.diameter.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Coverage-guided fuzzing of the server pipeline (frame decoder, validator, peer state machine,
 * error answers, CCR decoder) on an EmbeddedChannel, after a valid CER: arbitrary bytes in
 * arbitrary chunks. For every input:
 * <ul>
 *   <li>no exception escapes: none reaches the end of the pipeline, none is swallowed by
 *       {@code PeerHandler.exceptionCaught} (counted through its log-once table), none comes
 *       out of the application (the CCR decoder);</li>
 *   <li>everything written back is a well-formed Diameter answer (MessageValidator accepts it);</li>
 *   <li>while the connection stays open, every complete request got exactly one answer; once it
 *       closed (a stream that cannot be re-framed, or the peer's DPA) it got at most one each;</li>
 *   <li>every buffer allocated during the execution was released (exact, per input: see
 *       {@link TrackingAllocator}).</li>
 * </ul>
 *
 * <p>Input layout: byte 0 chooses the chunking (0: one write; otherwise the seed of the chunk
 * sizes, 1..byte0 bytes each), the rest is the byte stream after the CER. Seeds are the message
 * fixtures under {@code PeerPipelineFuzzTestInputs/}. See diameter/README-fuzz.md for a real run.
 */
class PeerPipelineFuzzTest {
    private static final int MAX_MESSAGE = 4096;
    private static final byte[] CER = Fixtures.bytes("cer");
    private static final LocalPeer LOCAL = LocalPeer.builder("ocs.example.com", "example.com")
            .originStateId(1600000000L).watchdogInterval(Duration.ofMillis(200)).maxMessageSize(MAX_MESSAGE)
            .policy(PeerPolicy.allow(List.of(new PeerPolicy.Entry("pgw.example.net", null)))).build();

    private final MessageValidator validator = new MessageValidator();
    private final Validation validation = new Validation();

    @FuzzTest(maxDuration = "2m")
    void arbitraryBytesAfterCer(byte[] input) {
        TrackingAllocator alloc = new TrackingAllocator();
        long swallowedBefore = swallowedExceptions();
        Application app = new Application();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(alloc);
        channel.freezeTime();
        channel.pipeline().addLast(new IdleStateHandler(LOCAL.watchdogInterval.toMillis(), 0, 0, TimeUnit.MILLISECONDS),
                new DiameterFrameDecoder(LOCAL.maxMessageSize),
                new PeerHandler(LOCAL, app, false, new CompletableFuture<>(), null));
        try {
            write(channel, alloc, CER, 0, CER.length);
            int answers = drainAnswers(channel, "CEA");
            check(answers == 1 && channel.isActive(), "the CER was not accepted");

            byte[] stream = input.length > 0 ? java.util.Arrays.copyOfRange(input, 1, input.length) : new byte[0];
            int chunking = input.length > 0 ? input[0] & 0xff : 0;
            SplittableRandom sizes = new SplittableRandom(chunking);
            int answered = 0;
            for (int at = 0; at < stream.length; ) {
                int n = chunking == 0 ? stream.length : Math.min(stream.length - at, 1 + sizes.nextInt(chunking));
                if (channel.isOpen()) {
                    write(channel, alloc, stream, at, n);
                }
                at += n;
                answered += drainAnswers(channel, "answer");
            }
            channel.checkException();
            check(app.failure == null, "the application (CCR decoder) threw: " + app.failure);
            check(swallowedExceptions() == swallowedBefore, "PeerHandler.exceptionCaught swallowed an exception");

            Expected expected = expected(stream);
            if (channel.isActive()) {
                check(!expected.corrupt, "the stream cannot be re-framed but the connection stayed open");
                check(answered == expected.requests, "open connection: " + expected.requests
                        + " complete requests but " + answered + " answers");
            } else {
                check(answered <= expected.requests, expected.requests + " complete requests but " + answered + " answers");
            }
        } finally {
            channel.finishAndReleaseAll();
            String unreleased = alloc.unreleased();
            alloc.releaseAll();
            check(unreleased.isEmpty(), "buffers not released:\n" + unreleased);
        }
    }

    private static void write(EmbeddedChannel channel, TrackingAllocator alloc, byte[] bytes, int from, int length) {
        channel.writeInbound(alloc.buffer(length).writeBytes(bytes, from, length));
        channel.runPendingTasks();
    }

    /** Reads, checks and releases everything the pipeline wrote. */
    private int drainAnswers(EmbeddedChannel channel, String what) {
        channel.runPendingTasks();
        int count = 0;
        for (Object out; (out = channel.readOutbound()) != null; ) {
            check(out instanceof ByteBuf, what + ": wrote a " + out.getClass());
            ByteBuf answer = (ByteBuf) out;
            try {
                int offset = answer.readerIndex();
                check(answer.readableBytes() >= DiameterHeader.LENGTH, what + ": shorter than a header");
                check(DiameterHeader.messageLength(answer, offset) == answer.readableBytes(),
                        what + ": Message Length does not match the bytes written");
                check(!DiameterHeader.isRequest(answer, offset), what + ": not an answer");
                check(wellFormed(answer, offset), what + " is malformed: " + validation + "\n" + Fixtures.hex(answer));
            } finally {
                answer.release();
            }
            count++;
        }
        return count;
    }

    /**
     * The answer passes MessageValidator. A refusal without the E bit (5xxx) may lack command AVPs
     * the request did not validly carry (no Session-Id to echo, a broken CC-Request-Number): it is
     * then held to what an E-bit answer needs (Result-Code, Origin-Host, Origin-Realm, AVP framing).
     */
    private boolean wellFormed(ByteBuf answer, int offset) {
        if (validator.validate(answer, offset, validation).ok()) {
            return true;
        }
        if (validation.resultCode != ResultCode.DIAMETER_MISSING_AVP || resultCode(answer, offset) == ResultCode.DIAMETER_SUCCESS) {
            return false;
        }
        ByteBuf asError = Unpooled.copiedBuffer(answer);
        asError.setByte(4, asError.getByte(4) | DiameterHeader.FLAG_ERROR);
        return validator.validate(asError, 0, validation).ok();
    }

    private final AvpReader reader = new AvpReader();

    private long resultCode(ByteBuf answer, int offset) {
        reader.wrapMessage(answer, offset, answer.readableBytes());
        while (reader.next()) {
            if (reader.is(AvpCode.RESULT_CODE, 0) && reader.dataLength() == 4) {
                return reader.unsigned32();
            }
        }
        return -1;
    }

    /** What a correct server must do with the stream: framed independently of the decoder. */
    private static final class Expected {
        int requests;
        boolean corrupt;
    }

    private static Expected expected(byte[] s) {
        Expected e = new Expected();
        int at = 0;
        while (s.length - at >= 4) {
            int length = ((s[at + 1] & 0xff) << 16) | ((s[at + 2] & 0xff) << 8) | (s[at + 3] & 0xff);
            if (length < DiameterHeader.LENGTH || length > MAX_MESSAGE || (length & 3) != 0) {
                if (s.length - at >= DiameterHeader.LENGTH) {
                    e.corrupt = true;
                    if ((s[at + 4] & DiameterHeader.FLAG_REQUEST) != 0) {
                        e.requests++;
                    }
                }
                return e;
            }
            if (s.length - at < length) {
                return e;
            }
            if ((s[at + 4] & DiameterHeader.FLAG_REQUEST) != 0) {
                e.requests++;
            }
            at += length;
        }
        return e;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    /**
     * Exceptions {@code PeerHandler.exceptionCaught} has seen: it logs each class once through
     * LogOnce ("exception:" keys) and counts the repeats, so the total is keys + repeats.
     */
    @SuppressWarnings("unchecked")
    static long swallowedExceptions() {
        try {
            Class<?> logOnce = Class.forName("io.gyro.diameter.peer.LogOnce");
            Field seen = logOnce.getDeclaredField("SEEN");
            seen.setAccessible(true);
            long total = 0;
            for (Map.Entry<String, LongAdder> e : ((Map<String, LongAdder>) seen.get(null)).entrySet()) {
                if (e.getKey().startsWith("exception:")) {
                    total += 1 + e.getValue().sum();
                }
            }
            return total;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("LogOnce.SEEN changed; update the fuzz test", e);
        }
    }

    /** Decodes CCRs and answers them like the engine would at its simplest: 2001, or the decoder's error. */
    private static final class Application implements DiameterApplication {
        private final CreditControlRequest ccr = new CreditControlRequest();
        private final Validation error = new Validation();
        Throwable failure;

        @Override
        public void onRequest(PeerConnection peer, ByteBuf frame, int commandCode, int applicationId) {
            if (commandCode != CommandCode.CREDIT_CONTROL) {
                peer.answerError(frame, ResultCode.DIAMETER_COMMAND_UNSUPPORTED, "not served by this test");
                return;
            }
            boolean ok;
            try {
                ok = ccr.decode(frame, frame.readerIndex(), error);
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
            if (!ok) {
                peer.answerError(frame, error);
                return;
            }
            byte[] sid = ByteBufUtil.getBytes(frame, ccr.sessionIdOffset, ccr.sessionIdLength);
            LocalPeer local = peer.local();
            peer.answerAndFlush(new CreditControlAnswerWriter().begin(peer.channel().alloc().buffer(), ccr.hopByHop,
                    ccr.endToEnd, sid, sid.length, ResultCode.DIAMETER_SUCCESS, local.originHostBytes,
                    local.originRealmBytes, ccr.ccRequestType, ccr.ccRequestNumber).end());
        }

        @Override
        public void onPeerOpen(PeerConnection peer) {
        }

        @Override
        public void onPeerClosed(PeerConnection peer) {
        }
    }
}
