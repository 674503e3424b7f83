package io.gyro.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gyro.diameter.codec.DiameterHeader;
import io.gyro.diameter.dictionary.AvpCode;
import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.diameter.dictionary.ResultCode;
import io.gyro.diameter.gy.CreditControlRequestWriter;
import io.gyro.diameter.peer.LocalPeer;
import io.gyro.diameter.peer.PeerConnection;
import io.gyro.diameter.transport.DiameterClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6 §2: a retransmission storm. 50 data sessions over 2 connections (two PGWs), their
 * requests interleaved; after each answered request, duplicates of answered requests of random
 * sessions (same CC-Request-Number, with and without the T flag, on either connection) and
 * requests with an older number are mixed in. Every duplicate gets the answer of the original,
 * byte for byte after the header; an older number gets 5004 and charges nothing. At the end every
 * account conserves money (balance = -sum of its records' retail amounts), nothing stays
 * reserved, and there is exactly one charging record per (session, number, rating group).
 */
class RetransmissionStormTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SESSIONS = 50;
    private static final int ACCOUNTS = 20;
    private static final long FIRST_MSISDN = 8617000000001L;
    private static final int UPDATES = 3;
    private static final long RG = 100;
    private static final byte[] REALM = "test".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dataDir;
    private Engine engine;
    private final DiameterClient[] clients = new DiameterClient[2];
    private final PeerConnection[] peers = new PeerConnection[2];
    private final CreditControlRequestWriter writer = new CreditControlRequestWriter();

    /** A session's last answered request: what a duplicate must reproduce. */
    private static final class Session {
        final int index;
        final String id;
        final long msisdn;
        final int connection;
        int next;
        long lastNumber = -1;
        int lastEndToEnd;
        byte[] lastAnswer;
        long lastUsed;

        Session(int index) {
            this.index = index;
            this.id = "pgw" + (index % 2) + ".test;storm;" + index;
            this.msisdn = FIRST_MSISDN + index % ACCOUNTS;
            this.connection = index % 2;
        }

        boolean done() {
            return next > UPDATES + 1;
        }
    }

    @BeforeEach
    void start() throws Exception {
        engine = EngineHarness.start(EngineHarness.overrides(dataDir, ACCOUNTS));
        for (int i = 0; i < 2; i++) {
            clients[i] = new DiameterClient(LocalPeer.builder("pgw" + i + ".test", "test").build(), 1);
            peers[i] = clients[i].connect(new InetSocketAddress("127.0.0.1", engine.diameterAddress().getPort()))
                    .get(10, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() {
        for (DiameterClient c : clients) {
            if (c != null) {
                c.close();
            }
        }
        if (engine != null) {
            engine.close();
        }
    }

    private ByteBuf request(PeerConnection peer, Session s, int endToEnd, long number, long used) {
        int type = number == 0 ? Enumerations.INITIAL_REQUEST
                : number == UPDATES + 1 ? Enumerations.TERMINATION_REQUEST : Enumerations.UPDATE_REQUEST;
        byte[] host = ("pgw" + s.connection + ".test").getBytes(StandardCharsets.US_ASCII);
        writer.begin(peer.channel().alloc().buffer(), peer.nextHopByHop(), endToEnd, s.id, host, REALM, "gyro.local",
                "32251@3gpp.org", type, number);
        writer.msisdn(s.msisdn).beginMscc(RG, -1);
        if (number > 0) {
            writer.usedOctets(used, 0, -1);
        }
        if (type != Enumerations.TERMINATION_REQUEST) {
            writer.requestedEmpty();
        }
        writer.endMscc();
        return writer.end();
    }

    private static byte[] afterHeader(ByteBuf answer) {
        return ByteBufUtil.getBytes(answer, answer.readerIndex() + DiameterHeader.LENGTH,
                answer.readableBytes() - DiameterHeader.LENGTH);
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void duplicatesGetTheSameAnswerOlderNumbersAreRefusedAndNothingIsChargedTwice() throws Exception {
        Random random = new Random(6);
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            sessions.add(new Session(i));
        }
        List<Session> answered = new ArrayList<>();
        int duplicates = 0;
        int older = 0;
        List<Session> pending = new ArrayList<>(sessions);
        while (!pending.isEmpty()) {
            Collections.shuffle(pending, random);
            for (Session s : new ArrayList<>(pending)) {
                // A new request of this session.
                PeerConnection peer = peers[s.connection];
                long used = s.next == 0 ? 0 : 1 + random.nextInt(5_000_000);
                int e2e = peer.nextEndToEnd();
                ByteBuf answer = DiameterClient.call(peer, request(peer, s, e2e, s.next, used), 10_000);
                try {
                    assertEquals(ResultCode.DIAMETER_SUCCESS, EngineHarness.topLevel(answer, AvpCode.RESULT_CODE),
                            s.id + " #" + s.next);
                    s.lastAnswer = afterHeader(answer);
                } finally {
                    answer.release();
                }
                s.lastNumber = s.next;
                s.lastEndToEnd = e2e;
                s.lastUsed = used;
                s.next++;
                if (!answered.contains(s)) {
                    answered.add(s);
                }
                if (s.done()) {
                    pending.remove(s);
                }
                // Then a burst of duplicates and older numbers of random answered sessions.
                int burst = 1 + random.nextInt(3);
                for (int b = 0; b < burst; b++) {
                    Session d = answered.get(random.nextInt(answered.size()));
                    // A PGW retransmits on the same connection or, after a failover, on the other one.
                    PeerConnection via = peers[random.nextInt(4) == 0 ? 1 - d.connection : d.connection];
                    if (d.lastNumber > 0 && random.nextInt(3) == 0) {
                        // An older number: refused, charges nothing.
                        ByteBuf old = DiameterClient.call(via, request(via, d, via.nextEndToEnd(), d.lastNumber - 1,
                                1 + random.nextInt(5_000_000)), 10_000);
                        try {
                            assertEquals(ResultCode.DIAMETER_INVALID_AVP_VALUE, EngineHarness.topLevel(old, AvpCode.RESULT_CODE),
                                    d.id + ": number " + (d.lastNumber - 1) + " after " + d.lastNumber);
                        } finally {
                            old.release();
                        }
                        older++;
                        continue;
                    }
                    ByteBuf again = request(via, d, d.lastEndToEnd, d.lastNumber, d.lastUsed);
                    boolean flagged = random.nextBoolean();
                    if (flagged) {
                        DiameterHeader.setRetransmitted(again, again.readerIndex());
                    }
                    ByteBuf dup = DiameterClient.call(via, again, 10_000);
                    try {
                        assertArrayEquals(d.lastAnswer, afterHeader(dup), d.id + " #" + d.lastNumber
                                + (flagged ? " with" : " without") + " the T flag: not the original answer");
                    } finally {
                        dup.release();
                    }
                    duplicates++;
                }
            }
        }
        assertTrue(duplicates > 200, "duplicates sent: " + duplicates);
        assertTrue(older > 50, "older numbers sent: " + older);

        Set<String> charged = new HashSet<>();
        int records = 0;
        for (int a = 0; a < ACCOUNTS; a++) {
            long msisdn = FIRST_MSISDN + a;
            JsonNode list = JSON.readTree(EngineHarness.http(engine, "GET",
                    "/subscribers/" + msisdn + "/records?limit=10000", null).body()).get("records");
            long sum = 0;
            for (JsonNode r : list) {
                sum += r.get("retailMicros").asLong();
                JsonNode session = r.get("sessionId");
                if (session != null && !session.isNull() && session.asText().contains(";storm;")) {
                    String key = session.asText() + "#" + r.path("ccRequestNumber").asLong() + "#" + r.path("ratingGroup").asLong();
                    assertTrue(charged.add(key), "charged twice: " + key + "\n" + r);
                    records++;
                }
            }
            JsonNode balance = JSON.readTree(EngineHarness.http(engine, "GET", "/subscribers/" + msisdn + "/balance", null).body());
            assertEquals(-sum, balance.get("moneyMicros").asLong(), "conservation for " + msisdn);
            assertEquals(0, balance.get("reservedMicros").asLong(), "nothing left reserved for " + msisdn);
        }
        assertTrue(records > 0, "no charging records of the storm sessions");
        System.out.printf("retransmission storm: %d sessions, %d duplicates, %d older numbers, %d charging records%n",
                SESSIONS, duplicates, older, records);
    }
}
