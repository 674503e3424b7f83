package io.gyro.engine.crash;

import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterClient;
import io.netty.buffer.ByteBuf;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One PGW (plus an SMSC and a top-up client) playing sessions against whatever engine instance is
 * current. A request that gets no answer (the engine was killed under it) is sent again once with the
 * T flag to the restarted engine; every answered request is logged for the final checks.
 */
final class PgwWorker implements Runnable {
    static final long FIRST_MSISDN = 8617000000001L;
    /** The HTTP API's bearer token, set on the engine's command line. */
    static final String API_TOKEN = "kill-nine-test-token";
    private static final byte[] PGW = "pgw.crash".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REALM = "crash".getBytes(StandardCharsets.US_ASCII);
    private static final long REQUEST_TIMEOUT_MS = 4_000;

    /** An engine instance: its ports and a sequence number (0 = first start). */
    record Gen(int id, int diameterPort, int httpPort) {
    }

    /** What the workers share with the test: the current instance and the log of answered requests. */
    static final class Shared {
        final AtomicReference<Gen> gen = new AtomicReference<>();
        volatile boolean killInProgress;
        volatile boolean stop;
        final Queue<Answered> answered = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final Queue<String> topUpsAnswered = new java.util.concurrent.ConcurrentLinkedQueue<>();
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();
        final AtomicInteger retransmitted = new AtomicInteger();
        final AtomicInteger failuresWithoutKill = new AtomicInteger();
        final AtomicInteger sessions = new AtomicInteger();
        final AtomicInteger smsEvents = new AtomicInteger();
        final AtomicInteger topUps = new AtomicInteger();
        final int accounts;
        final long deadlineNanos;

        Shared(int accounts, long deadlineNanos) {
            this.accounts = accounts;
            this.deadlineNanos = deadlineNanos;
        }
    }

    /** One answered request. {@code used[i]} is the usage reported for {@code ratingGroups[i]} (-1: none). */
    record Answered(String sessionId, int type, long number, long[] ratingGroups, long[] used, boolean sms,
                    long resultCode, boolean retransmission, int gen, String msccs) {
    }

    private static String msccs(ByteBuf a, long[] rgs) {
        StringBuilder b = new StringBuilder();
        for (long rg : rgs) {
            long[] m = io.gyro.engine.EngineHarness.mscc(a, rg);
            b.append(rg).append(m == null ? ":-" : ":" + m[0] + "/" + m[1]).append(' ');
        }
        return b.toString().trim();
    }

    private static final class Req {
        final String sessionId;
        final String context;
        final int type;
        final long number;
        final long msisdn;
        final long[] ratingGroups;
        final long[] used;
        final boolean sms;
        final int endToEnd;

        Req(String sessionId, String context, int type, long number, long msisdn, long[] ratingGroups, long[] used,
            boolean sms, int endToEnd) {
            this.sessionId = sessionId;
            this.context = context;
            this.type = type;
            this.number = number;
            this.msisdn = msisdn;
            this.ratingGroups = ratingGroups;
            this.used = used;
            this.sms = sms;
            this.endToEnd = endToEnd;
        }
    }

    private final int worker;
    private final Shared shared;
    private final DiameterClient client;
    private final Random random;
    private final CreditControlRequestWriter writer = new CreditControlRequestWriter();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private PeerConnection peer;
    private Gen peerGen;
    private int endToEnd;
    private int counter;
    volatile Throwable failure;

    PgwWorker(int worker, Shared shared, DiameterClient client, long seed) {
        this.worker = worker;
        this.shared = shared;
        this.client = client;
        this.random = new Random(seed);
        this.endToEnd = worker << 24;
    }

    @Override
    public void run() {
        try {
            int guard = 0;
            while (!shared.stop && System.nanoTime() < shared.deadlineNanos && guard++ < 1_000_000) {
                int dice = random.nextInt(20);
                long msisdn = FIRST_MSISDN + random.nextInt(shared.accounts);
                if (dice == 0) {
                    topUp(msisdn);
                } else if (dice <= 3) {
                    sms(msisdn);
                } else {
                    session(msisdn);
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            if (peer != null) {
                peer.close();
            }
        }
    }

    private void sms(long msisdn) throws Exception {
        shared.smsEvents.incrementAndGet();
        String id = "smsc.crash;" + worker + ";" + (++counter);
        Req req = new Req(id, "32274@3gpp.org", Enumerations.EVENT_REQUEST, 0, msisdn, new long[0], new long[0], true,
                ++endToEnd);
        release(exchange(req));
    }

    private void session(long msisdn) throws Exception {
        shared.sessions.incrementAndGet();
        String id = "pgw.crash;" + worker + ";" + (++counter);
        int shape = random.nextInt(3);
        long[] rgs = shape == 0 ? new long[]{100} : shape == 1 ? new long[]{300} : new long[]{100, 300};
        String context = shape == 1 ? "32260@3gpp.org" : "32251@3gpp.org";
        long[] granted = new long[rgs.length];
        long number = 0;
        ByteBuf a = exchange(new Req(id, context, Enumerations.INITIAL_REQUEST, number, msisdn, rgs, none(rgs.length),
                false, ++endToEnd));
        boolean ok = readGrants(a, rgs, granted);
        release(a);
        if (a == null) {
            return;
        }
        int updates = random.nextInt(4);
        for (int u = 0; u < updates && ok && !shared.stop; u++) {
            a = exchange(new Req(id, context, Enumerations.UPDATE_REQUEST, ++number, msisdn, rgs, usage(granted),
                    false, ++endToEnd));
            ok = readGrants(a, rgs, granted);
            release(a);
        }
        // Terminate: with usage of what is still granted when all went well, without when the session broke.
        release(exchange(new Req(id, context, Enumerations.TERMINATION_REQUEST, ++number, msisdn, rgs,
                ok ? usage(granted) : none(rgs.length), false, ++endToEnd)));
    }

    private static long[] none(int n) {
        long[] used = new long[n];
        java.util.Arrays.fill(used, -1);
        return used;
    }

    private long[] usage(long[] granted) {
        long[] used = new long[granted.length];
        for (int i = 0; i < granted.length; i++) {
            used[i] = granted[i] > 0 ? 1 + (long) (random.nextDouble() * granted[i]) : -1;
        }
        return used;
    }

    /** True when the answer lets the session go on (2001 at the top); fills the grants. */
    private static boolean readGrants(ByteBuf a, long[] rgs, long[] granted) {
        if (a == null || io.gyro.engine.EngineHarness.topLevel(a, AvpCode.RESULT_CODE) != ResultCode.DIAMETER_SUCCESS) {
            return false;
        }
        for (int i = 0; i < rgs.length; i++) {
            long[] m = io.gyro.engine.EngineHarness.mscc(a, rgs[i]);
            granted[i] = m != null && m[0] == ResultCode.DIAMETER_SUCCESS ? Math.max(0, m[1]) : 0;
        }
        return true;
    }

    private static void release(ByteBuf a) {
        if (a != null) {
            a.release();
        }
    }

    private ByteBuf build(Req req, boolean retransmission) {
        writer.begin(peer.channel().alloc().buffer(), peer.nextHopByHop(), req.endToEnd, req.sessionId, PGW, REALM,
                "gyro.local", req.context, req.type, req.number);
        writer.msisdn(req.msisdn);
        if (req.sms) {
            writer.requestedAction(Enumerations.DIRECT_DEBITING).smsRecipient("8613800138000");
        } else {
            if (req.type == Enumerations.INITIAL_REQUEST) {
                writer.multipleServicesIndicator();
            }
            if (req.context.equals("32260@3gpp.org")) {
                writer.calledParty("8613800138000");
            }
            if (req.type == Enumerations.TERMINATION_REQUEST) {
                writer.terminationCause(Enumerations.DIAMETER_LOGOUT);
            }
            for (int i = 0; i < req.ratingGroups.length; i++) {
                long rg = req.ratingGroups[i];
                writer.beginMscc(rg, -1);
                if (req.used[i] >= 0) {
                    if (rg == 100) {
                        writer.usedOctets(req.used[i], 0, -1);
                    } else {
                        writer.usedTime(req.used[i], -1);
                    }
                }
                if (req.type != Enumerations.TERMINATION_REQUEST) {
                    writer.requestedEmpty();
                }
                writer.endMscc();
            }
        }
        ByteBuf out = writer.end();
        if (retransmission) {
            DiameterHeader.setRetransmitted(out, out.readerIndex());
        }
        return out;
    }

    /**
     * Sends the request and returns its answer (caller releases). When the engine dies under it, waits for
     * the restarted engine and sends it again with the T flag (up to 3 instances).
     */
    private ByteBuf exchange(Req req) throws Exception {
        Gen gen = shared.gen.get();
        boolean retransmission = false;
        for (int attempt = 0; attempt < 4; attempt++) {
            try {
                connect(gen);
                shared.requests.incrementAndGet();
                if (retransmission) {
                    shared.retransmitted.incrementAndGet();
                }
                ByteBuf a = DiameterClient.call(peer, build(req, retransmission), REQUEST_TIMEOUT_MS);
                shared.answered.add(new Answered(req.sessionId, req.type, req.number, req.ratingGroups, req.used, req.sms,
                        io.gyro.engine.EngineHarness.topLevel(a, AvpCode.RESULT_CODE), retransmission, gen.id(), msccs(a, req.ratingGroups)));
                return a;
            } catch (Exception e) {
                if (!retransmission) {
                    shared.interrupted.incrementAndGet();
                }
                retransmission = true;
                dropPeer();
                gen = awaitUsable(gen);
            }
        }
        throw new AssertionError("worker " + worker + ": no answer to " + req.sessionId + " #" + req.number
                + " from 4 engine instances");
    }

    private void topUp(long msisdn) throws Exception {
        shared.topUps.incrementAndGet();
        String key = "crash-" + worker + "-" + (++counter);
        Gen gen = shared.gen.get();
        for (int attempt = 0; attempt < 4; attempt++) {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gen.httpPort()
                                + "/subscribers/" + msisdn + "/topups")).timeout(Duration.ofSeconds(4))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + API_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"1.00\",\"idempotencyKey\":\"" + key + "\"}"))
                        .build();
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new AssertionError("top-up " + key + " of " + msisdn + ": HTTP " + response.statusCode() + " "
                            + response.body());
                }
                shared.topUpsAnswered.add(key);
                return;
            } catch (java.io.IOException e) {
                gen = awaitUsable(gen);
            }
        }
        throw new AssertionError("top-up " + key + ": no answer from 4 engine instances");
    }

    /**
     * After a failure on {@code failed}: the next instance once the test has restarted the engine, or the
     * same one if no kill is under way and it still fails to answer after a while (counted: not expected).
     */
    private Gen awaitUsable(Gen failed) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        long sameSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Gen current = shared.gen.get();
            if (current.id() > failed.id() && !shared.killInProgress) {
                return current;
            }
            if (shared.killInProgress) {
                sameSince = System.nanoTime();
            } else if (System.nanoTime() - sameSince > TimeUnit.SECONDS.toNanos(2)) {
                shared.failuresWithoutKill.incrementAndGet();
                return current;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("worker " + worker + ": no engine instance after instance " + failed.id());
    }

    private void connect(Gen gen) throws Exception {
        if (peer != null && peerGen == gen && peer.isOpen()) {
            return;
        }
        dropPeer();
        peer = client.connect(new InetSocketAddress("127.0.0.1", gen.diameterPort())).get(5, TimeUnit.SECONDS);
        peerGen = gen;
    }

    private void dropPeer() {
        if (peer != null) {
            peer.close();
            peer = null;
            peerGen = null;
        }
    }
}
