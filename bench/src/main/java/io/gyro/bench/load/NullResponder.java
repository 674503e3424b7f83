package io.gyro.bench.load;

import io.gyro.diameter.api.DiameterApplication;
import io.gyro.diameter.codec.MessageValidator;
import io.gyro.diameter.codec.Validation;
import io.gyro.diameter.dictionary.CommandCode;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlAnswerWriter;
import io.gyro.diameter.gy.CreditControlDecoding;
import io.gyro.diameter.gy.CreditControlRequest;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterServer;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The ceiling for the load generator: our Netty transport and codec answering every CCR with
 * 2001 and a grant, immediately on the event loop, with no state, no ring and no store. The
 * request is still validated and decoded (in one walk, as the engine does it), and the answer
 * written and flushed once per event-loop turn, as the engine does. Baseline (a) of issue 5.
 */
@Command(name = "gyro-null-responder", mixinStandardHelpOptions = true,
        description = "Answers every CCR 2001 with a 10 MB grant, on the event loop: the ceiling.")
public final class NullResponder implements DiameterApplication, Callable<Integer>, AutoCloseable {
    private static final long GRANT_OCTETS = 10L * 1024 * 1024;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Listen address (default ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--port", defaultValue = "3868", description = "Listen port, 0 for any (default ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--io-threads", defaultValue = "1", description = "Event-loop threads (default ${DEFAULT-VALUE}).")
    int ioThreads;

    /** Per event-loop thread: the decoder, the writer and the connections waiting for a flush. */
    private static final class LoopState {
        final CreditControlDecoding decoding = new CreditControlDecoding();
        final CreditControlAnswerWriter writer = new CreditControlAnswerWriter();
        byte[] sessionId = new byte[128];
        final List<PeerConnection> toFlush = new ArrayList<>();
        final Runnable flush = () -> {
            for (int i = 0; i < toFlush.size(); i++) {
                toFlush.get(i).flush();
            }
            toFlush.clear();
        };
    }

    private final FastThreadLocal<LoopState> state = new FastThreadLocal<>() {
        @Override
        protected LoopState initialValue() {
            return new LoopState();
        }
    };

    private DiameterServer server;
    private InetSocketAddress bound;

    public static void main(String[] args) {
        System.exit(new CommandLine(new NullResponder()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address = start();
        System.out.println("null responder listening on " + address + " (" + ioThreads + " I/O threads); Ctrl-C to stop");
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
        forever.await();
        return 0;
    }

    /** Binds and returns the listening address. */
    public InetSocketAddress start() throws InterruptedException {
        LocalPeer local = LocalPeer.builder("null.gyro.local", "gyro.local").build();
        server = new DiameterServer(local, this, ioThreads, true);
        bound = server.bind(new InetSocketAddress(host, port));
        return bound;
    }

    NullResponder listenOn(String host, int port) {
        this.host = host;
        this.port = port;
        this.ioThreads = 1;
        return this;
    }

    /** As the engine: a CCR is validated and decoded in one walk, and {@link #onRequest} reuses it. */
    @Override
    public Validation validate(ByteBuf frame, int offset, int commandCode, int applicationId,
            MessageValidator validator, Validation out) {
        return state.get().decoding.validate(frame, offset, commandCode, applicationId, validator, out);
    }

    @Override
    public void onRequest(PeerConnection peer, ByteBuf frame, int commandCode, int applicationId) {
        if (commandCode != CommandCode.CREDIT_CONTROL) {
            peer.answerError(frame, ResultCode.DIAMETER_COMMAND_UNSUPPORTED, "only CCR");
            return;
        }
        LoopState s = state.get();
        int offset = frame.readerIndex();
        if (!s.decoding.decoded(frame, offset)) {
            peer.answerError(frame, s.decoding.error());
            return;
        }
        CreditControlRequest r = s.decoding.request();
        if (r.sessionIdLength > s.sessionId.length) {
            s.sessionId = new byte[r.sessionIdLength];
        }
        frame.getBytes(r.sessionIdOffset, s.sessionId, 0, r.sessionIdLength);
        ByteBuf out = peer.channel().alloc().buffer(256);
        s.writer.begin(out, r.hopByHop, r.endToEnd, s.sessionId, r.sessionIdLength, ResultCode.DIAMETER_SUCCESS,
                peer.local().originHostBytes, peer.local().originRealmBytes, r.ccRequestType, r.ccRequestNumber);
        if (!r.singleService) {
            for (int m = 0; m < r.msccCount; m++) {
                s.writer.beginMscc(r.ratingGroup[m], r.serviceIdentifier[m], ResultCode.DIAMETER_SUCCESS);
                if (r.requestsUnits(m)) {
                    s.writer.grantedOctets(GRANT_OCTETS).validityTime(3600);
                }
                s.writer.endMscc();
            }
        }
        peer.answer(s.writer.end());
        if (s.toFlush.isEmpty()) {
            peer.channel().eventLoop().execute(s.flush);
        }
        if (!s.toFlush.contains(peer)) {
            s.toFlush.add(peer);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
