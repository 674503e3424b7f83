package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.gyro.diameter.dictionary.Enumerations;
import io.gyro.engine.status.EngineCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ended sessions (after CCR-T / CCR-EVENT) live apart from running ones: they keep only what a retransmission needs,
 * do not count against {@code maxSessions}, and a full ended map drops its oldest instead of refusing anything.
 */
class EndedSessionStoreTest {
    @TempDir
    Path dir;

    /** A running session with one open slot, as after its CCR-I. */
    private static Session running(Session s, String id, long expiresAtMs) {
        s.clear();
        s.id().set(id);
        s.msisdn(8617000000001L).accountId(8617000000001L).lastCcRequestNumber(0)
                .lastRequestType(Enumerations.INITIAL_REQUEST).createdMs(1000).lastActivityMs(1000)
                .expiresAtMs(expiresAtMs).lastJournalSeq(5);
        int slot = s.addSlot(100, 0);
        s.grantedUnits(slot, 1_000_000).reservedMicros(slot, 20_000).validUntilMs(slot, 61_000);
        s.addBucketUnits(slot, 7, 1_000_000);
        byte[] called = "8613800000000".getBytes(StandardCharsets.US_ASCII);
        s.called(called, called.length);
        answer(s, 300, 1);
        return s;
    }

    /** What the processor writes after a CCR-T: every slot released, the CCA-T stored. */
    private static Session terminated(Session s, long ccRequestNumber, long nowMs, long graceMs) {
        while (s.slotCount() > 0) {
            s.removeSlot(0);
        }
        s.lastCcRequestNumber(ccRequestNumber).lastRequestType(Enumerations.TERMINATION_REQUEST)
                .lastActivityMs(nowMs).expiresAtMs(nowMs + graceMs).lastJournalSeq(9);
        answer(s, 180, 2);
        return s;
    }

    private static void answer(Session s, int length, int seed) {
        for (int i = 0; i < length; i++) {
            s.answer()[i] = (byte) (i * 31 + seed);
        }
        s.answerLength(length);
    }

    @Test
    void endedSessionsDoNotCountAsLiveAndKeepWhatARetransmissionNeeds() throws Exception {
        try (Stores stores = Stores.open(dir, new StoreConfig(1_000, 100, 1_000))) {
            SessionStore sessions = stores.sessions();
            Session s = new Session();
            for (int i = 0; i < 300; i++) {
                sessions.write(running(s, "pgw;" + i, 61_000));
                assertEquals(1, sessions.count(), "one running at a time");
                sessions.write(terminated(s, 1, 2_000 + i, 60_000));
                assertEquals(0, sessions.count(), "an ended session is not live");
            }
            assertEquals(300, sessions.endedCount());

            Session back = new Session();
            back.called("999".getBytes(StandardCharsets.US_ASCII), 3);   // leftovers a read must clear
            assertTrue(sessions.read("pgw;123", back));
            assertEquals(0, back.slotCount());
            assertEquals(0, back.calledLength());
            assertEquals(1, back.lastCcRequestNumber());
            assertEquals(Enumerations.TERMINATION_REQUEST, back.lastRequestType());
            assertEquals(8617000000001L, back.msisdn());
            assertEquals(8617000000001L, back.accountId());
            assertEquals(2_123, back.lastActivityMs());
            assertEquals(62_123, back.expiresAtMs());
            assertEquals(9, back.lastJournalSeq());
            Session expected = terminated(running(new Session(), "pgw;123", 61_000), 1, 2_123, 60_000);
            assertArrayEquals(Arrays.copyOf(expected.answer(), expected.answerLength()),
                    Arrays.copyOf(back.answer(), back.answerLength()));
            assertTrue(sessions.exists(back.id()));

            int[] visited = {0, 0};
            sessions.write(running(s, "still-running", 61_000));
            sessions.forEach(v -> visited[v.slotCount() > 0 ? 0 : 1]++);
            assertArrayEquals(new int[]{1, 300}, visited, "forEach visits live and ended sessions");

            sessions.remove("pgw;123");
            assertFalse(sessions.read("pgw;123", back));
            assertEquals(299, sessions.endedCount());
            assertEquals(1, sessions.count());
        }
    }

    @Test
    void anEventGoesStraightToTheEndedMap() throws Exception {
        try (Stores stores = Stores.open(dir, new StoreConfig(1_000, 100, 1_000))) {
            SessionStore sessions = stores.sessions();
            Session s = new Session();
            s.clear();
            s.id().set("smsc;1");
            s.lastCcRequestNumber(0).lastRequestType(Enumerations.EVENT_REQUEST).expiresAtMs(60_000);
            answer(s, 250, 3);
            sessions.write(s);
            assertEquals(0, sessions.count());
            assertEquals(1, sessions.endedCount());
            Session back = new Session();
            assertTrue(sessions.read("smsc;1", back));
            assertEquals(Enumerations.EVENT_REQUEST, back.lastRequestType());
            assertEquals(250, back.answerLength());
        }
    }

    @Test
    void aFullEndedMapDropsItsOldestAndNeverRefusesANewLiveSession() throws Exception {
        long maxEnded = 200;
        long maxLive = 50;
        try (Stores stores = Stores.open(dir, new StoreConfig(1_000, maxLive, maxEnded))) {
            SessionStore sessions = stores.sessions();
            long droppedBefore = sessions.counters().get(EngineCounters.ENDED_SESSIONS_DROPPED);
            Session s = new Session();
            int total = 5_000;
            for (int i = 0; i < total; i++) {
                // one new session a millisecond, each kept 60 s after its end
                sessions.write(running(s, "pgw;" + i, 61_000 + i));
                sessions.write(terminated(s, 1, 1_000 + i, 60_000));
                assertTrue(sessions.endedCount() <= maxEnded, "ended count " + sessions.endedCount() + " at " + i);
            }
            assertEquals(0, sessions.count());
            long dropped = sessions.counters().get(EngineCounters.ENDED_SESSIONS_DROPPED) - droppedBefore;
            assertTrue(dropped >= total - maxEnded, "dropped " + dropped);
            Session back = new Session();
            for (int i = total - (int) maxEnded / 2; i < total; i++) {
                assertTrue(sessions.read("pgw;" + i, back), "the newest ended sessions are kept: " + i);
            }
            int olderKept = 0;
            for (int i = 0; i < total - 2 * maxEnded; i++) {
                olderKept += sessions.read("pgw;" + i, back) ? 1 : 0;
            }
            assertEquals(0, olderKept, "the oldest are dropped first");

            // With the ended map full, the live map still takes every session up to its own capacity.
            for (int i = 0; i < maxLive; i++) {
                sessions.write(running(s, "live;" + i, 200_000));
            }
            assertEquals(maxLive, sessions.count());
            for (int i = 0; i < maxLive; i++) {
                assertTrue(sessions.read("live;" + i, back));
                assertEquals(1, back.slotCount());
            }
            assertTrue(sessions.endedCount() <= maxEnded);
        }
    }

    @Test
    void theLargestEndedAnswerFitsAndASessionWithSlotsStaysLive() throws Exception {
        try (Stores stores = Stores.open(dir, new StoreConfig(1_000, 100, 1_000))) {
            SessionStore sessions = stores.sessions();
            Session s = running(new Session(), "pgw;" + "x".repeat(SessionKey.MAX_BYTES - 4), 61_000);
            terminated(s, 7, 1_000, 60_000);
            answer(s, Session.MAX_ANSWER_BYTES, 4);
            sessions.write(s);
            Session back = new Session();
            back.id().copyFrom(s.id());
            assertTrue(sessions.read(back));
            assertEquals(Session.MAX_ANSWER_BYTES, back.answerLength());
            assertArrayEquals(Arrays.copyOf(s.answer(), s.answerLength()), Arrays.copyOf(back.answer(), back.answerLength()));

            // Not released (never so in the processor): kept live with its reservation rather than lost.
            Session holding = running(new Session(), "holding", 61_000);
            holding.lastRequestType(Enumerations.TERMINATION_REQUEST);
            sessions.write(holding);
            assertEquals(1, sessions.count());
            assertEquals(1, sessions.endedCount());
        }
    }

    @Test
    void endedSessionsSurviveARestartAndAnUncleanStop() throws Exception {
        StoreConfig config = new StoreConfig(1_000, 100, 1_000);
        Session s = new Session();
        try (Stores stores = Stores.open(dir, config)) {
            for (int i = 0; i < 50; i++) {
                stores.sessions().write(running(s, "pgw;" + i, 61_000));
                if (i % 2 == 0) {
                    stores.sessions().write(terminated(s, 1, 2_000, 60_000));
                }
            }
        }
        try (Stores stores = Stores.open(dir, config)) {
            assertEquals(25, stores.sessions().count());
            assertEquals(25, stores.sessions().endedCount());
            assertEquals(1_000, stores.capacity().maxEndedSessions());
        }
        // As after a kill -9: no clean-shutdown marker, every map opened with the lock probe.
        Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER));
        try (Stores stores = Stores.open(dir, config)) {
            assertTrue(stores.recovered());
            assertEquals(25, stores.sessions().endedCount());
            Session back = new Session();
            assertTrue(stores.sessions().read("pgw;10", back));
            assertEquals(Enumerations.TERMINATION_REQUEST, back.lastRequestType());
            assertEquals(180, back.answerLength());
        }
    }

    @Test
    void thePersistedSessionMapOfAnOlderVersionBecomesTheFirstSnapshot() throws Exception {
        Session s = new Session();
        try (Stores stores = Stores.open(dir, new StoreConfig(1_000, 100))) {
            assertEquals(0, stores.sessions().count());
        }
        // As an older version left it: the sessions in a persisted map, running and ended ones together.
        try (net.openhft.chronicle.map.ChronicleMap<SessionKey, Session> old = SessionStore.legacyBuilder(100)
                .createPersistedTo(dir.resolve(SessionStore.FILE_NAME).toFile())) {
            old.put(running(s, "old;1", 61_000).id(), s);
            old.put(terminated(running(s, "old;2", 61_000), 3, 2_000, 60_000).id(), s);
        }
        try (Stores stores = Stores.open(dir, new StoreConfig(1_000, 100, 2_000))) {
            assertEquals(1, stores.sessions().count());
            assertEquals(1, stores.sessions().endedCount());
            Session back = new Session();
            assertTrue(stores.sessions().read("old;1", back));
            assertEquals(1, back.slotCount());
            assertTrue(stores.sessions().read("old;2", back));
            assertEquals(Enumerations.TERMINATION_REQUEST, back.lastRequestType());
        }
        assertFalse(Files.exists(dir.resolve(SessionStore.FILE_NAME)), "the old file is gone");
        try (Stores stores = Stores.open(dir, new StoreConfig(1_000, 100, 2_000))) {
            assertEquals(1, stores.sessions().count(), "and its sessions are in the snapshot");
            assertEquals(1, stores.sessions().endedCount());
        }
    }

    @Test
    void endingReadingAndForgettingASessionDoNotAllocate() throws Exception {
        try (Stores stores = Stores.open(dir, new StoreConfig(1_000, 2_000, 2_000))) {
            SessionStore sessions = stores.sessions();
            byte[][] ids = new byte[1000][];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = ("pgw.example;1700000000;" + i).getBytes(StandardCharsets.US_ASCII);
            }
            Session s = running(new Session(), "x", 61_000);
            s.removeSlot(0);
            long[] i = {0};
            double perOp = Allocations.bytesPerOp(20_000, 50_000, () -> {
                byte[] id = ids[(int) (i[0]++ % ids.length)];
                s.id().set(id, 0, id.length);
                s.lastRequestType(Enumerations.INITIAL_REQUEST).addSlot(100, 0);
                sessions.write(s);                     // new live session
                s.removeSlot(0);
                s.lastRequestType(Enumerations.TERMINATION_REQUEST);
                sessions.write(s);                     // ended
                sessions.read(s);
                sessions.remove(s.id());               // the sweep forgets it
            });
            assertTrue(perOp < 1.0, "bytes per start+end+read+remove: " + perOp);
            assertEquals(0, sessions.count());
            assertEquals(0, sessions.endedCount());
        }
    }
}
