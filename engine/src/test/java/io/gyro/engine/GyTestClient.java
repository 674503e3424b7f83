package io.gyro.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterClient;
import io.netty.buffer.ByteBuf;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A real engine ({@link EngineHarness}) and our own Diameter client connected to it as the PGW "pgw.test" of realm
 * "test": builds and sends CCRs, and reads balances and provisions subscribers through the HTTP API. One per test,
 * used on the test thread; {@link #close()} stops the client, then the engine.
 */
final class GyTestClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORIGIN_HOST = "pgw.test";
    private static final String ORIGIN_REALM = "test";
    private static final byte[] PGW = ORIGIN_HOST.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REALM = ORIGIN_REALM.getBytes(StandardCharsets.US_ASCII);
    private static final long ANSWER_TIMEOUT_MS = 10_000;

    private final Engine engine;
    private final DiameterClient client;
    private final PeerConnection peer;
    private final CreditControlRequestWriter writer = new CreditControlRequestWriter();

    private GyTestClient(Engine engine, DiameterClient client, PeerConnection peer) {
        this.engine = engine;
        this.client = client;
        this.peer = peer;
    }

    /** Starts an engine with these settings on the system clock and connects the PGW to it. */
    static GyTestClient start(Map<String, String> overrides) throws Exception {
        return connect(EngineHarness.start(overrides));
    }

    /** Starts an engine with these settings on the test's clock and connects the PGW to it. */
    static GyTestClient start(Map<String, String> overrides, LongSupplier clockMs) throws Exception {
        return connect(EngineHarness.start(overrides, clockMs));
    }

    /** Connects the PGW to a started engine (capabilities exchange done); closes the engine if it cannot. */
    private static GyTestClient connect(Engine engine) throws Exception {
        DiameterClient client = new DiameterClient(LocalPeer.builder(ORIGIN_HOST, ORIGIN_REALM).build(), 1);
        try {
            PeerConnection peer = client.connect(new InetSocketAddress("127.0.0.1", engine.diameterAddress().getPort()))
                    .get(10, TimeUnit.SECONDS);
            return new GyTestClient(engine, client, peer);
        } catch (Exception e) {
            client.close();
            engine.close();
            throw e;
        }
    }

    Engine engine() {
        return engine;
    }

    /**
     * A CCR from the PGW to "gyro.local" with the next identifiers of the connection: the header AVPs of
     * {@link CreditControlRequestWriter#begin}, then whatever {@code body} writes. Not sent yet.
     */
    ByteBuf ccr(String sessionId, String context, int type, long number, Consumer<CreditControlRequestWriter> body) {
        writer.begin(peer.channel().alloc().buffer(), peer.nextHopByHop(), peer.nextEndToEnd(), sessionId, PGW, REALM,
                "gyro.local", context, type, number);
        body.accept(writer);
        return writer.end();
    }

    /** Sends a request and waits at most 10 s for its answer, which the caller releases. */
    ByteBuf send(ByteBuf request) throws Exception {
        return DiameterClient.call(peer, request, ANSWER_TIMEOUT_MS);
    }

    /** Builds a CCR ({@link #ccr}) and sends it ({@link #send}): the answer, which the caller releases. */
    ByteBuf call(String sessionId, String context, int type, long number, Consumer<CreditControlRequestWriter> body)
            throws Exception {
        return send(ccr(sessionId, context, type, number, body));
    }

    /**
     * Builds and sends a CCR and reads its answer ({@link Cca}) for the MSCC of {@code ratingGroup} (none when it is
     * -1); releases the answer.
     */
    Cca exchange(String sessionId, String context, int type, long number, long ratingGroup,
            Consumer<CreditControlRequestWriter> body) throws Exception {
        ByteBuf answer = call(sessionId, context, type, number, body);
        try {
            return Cca.of(answer, ratingGroup);
        } finally {
            answer.release();
        }
    }

    /**
     * What the end-to-end tests read of a CCA: its Result-Code, the Result-Code, granted units and Final-Unit-Indication
     * of the MSCC of one rating group (-1, -1 and false without it), and the first Validity-Time of any MSCC (0 if none).
     */
    record Cca(long resultCode, long msccResultCode, long granted, boolean finalUnit, long validityTimeSeconds) {
        static Cca of(ByteBuf answer, long ratingGroup) {
            long[] mscc = ratingGroup < 0 ? null : EngineHarness.mscc(answer, ratingGroup);
            long resultCode = EngineHarness.topLevel(answer, AvpCode.RESULT_CODE);
            long validity = EngineHarness.validityTime(answer);
            return mscc == null ? new Cca(resultCode, -1, -1, false, validity)
                    : new Cca(resultCode, mscc[0], mscc[1], mscc[2] == 1, validity);
        }
    }

    /** An HTTP request to the engine's API with its token. */
    HttpResponse<String> http(String method, String path, String body) throws Exception {
        return EngineHarness.http(engine, method, path, body);
    }

    /** GET /subscribers/{msisdn}/balance, which must answer 200. */
    JsonNode balance(long msisdn) throws Exception {
        HttpResponse<String> r = http("GET", "/subscribers/" + msisdn + "/balance", null);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /** POST /subscribers on a catalogue package with an opening balance ("10.00"), which must answer 201. */
    void createSubscriber(long msisdn, long imsi, String pkg, String balance) throws Exception {
        HttpResponse<String> created = http("POST", "/subscribers", "{\"msisdn\":\"" + msisdn + "\",\"imsi\":\"" + imsi
                + "\",\"package\":\"" + pkg + "\",\"balance\":\"" + balance + "\"}");
        assertEquals(201, created.statusCode(), created.body());
    }

    /** Units left in every bucket of a service, summed over its buckets. */
    static long remaining(JsonNode balance, String service) {
        long sum = 0;
        for (JsonNode b : balance.get("buckets")) {
            if (b.get("service").asText().equals(service)) {
                sum += b.get("remaining").asLong();
            }
        }
        return sum;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            engine.close();
        }
    }
}
