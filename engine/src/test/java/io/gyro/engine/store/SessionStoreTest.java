package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionStoreTest {
    @TempDir
    Path dir;
    Stores stores;
    SessionStore sessions;

    @BeforeEach
    void open() throws Exception {
        stores = Stores.open(dir, new StoreConfig(1_000, 20_000));
        sessions = stores.sessions();
    }

    @AfterEach
    void close() throws Exception {
        stores.close();
    }

    private static Session fill(Session s, String id, int slots, int answerBytes) {
        s.clear();
        s.id().set(id);
        s.msisdn(8617000000001L).accountId(8617000000001L).lastCcRequestNumber(3).lastRequestType(2)
                .createdMs(1000).lastActivityMs(2000).expiresAtMs(3000).lastJournalSeq(17);
        for (int i = 0; i < slots; i++) {
            int slot = s.addSlot(100 + i, i);
            s.grantedUnits(slot, 1_000_000L * (i + 1)).reservedMicros(slot, 10_000L * i).validUntilMs(slot, 5000 + i);
            for (int p = 0; p < Session.MAX_BUCKETS_PER_SLOT; p++) {
                assertTrue(s.addBucketUnits(slot, 10 + p, 100 * p + i));
            }
        }
        for (int i = 0; i < answerBytes; i++) {
            s.answer()[i] = (byte) (i * 31);
        }
        s.answerLength(answerBytes);
        return s;
    }

    @Test
    void largestSessionRoundTrips() {
        Session s = fill(new Session(), "pgw1.example;1700000000;1;" + "x".repeat(200), Session.MAX_SLOTS,
                Session.MAX_ANSWER_BYTES);
        assertEquals(-1, s.addSlot(999, 0));
        sessions.write(s);
        Session back = new Session();
        back.id().copyFrom(s.id());
        assertTrue(sessions.read(back));
        assertEquals(Session.MAX_SLOTS, back.slotCount());
        assertEquals(107, back.ratingGroup(7));
        assertEquals(8_000_000L, back.grantedUnits(7));
        assertEquals(4, back.bucketPairCount(3));
        assertEquals(13, back.pairBucketId(3, 3));
        assertEquals(303, back.pairUnits(3, 3));
        assertEquals(5007, back.validUntilMs(7));
        assertEquals(3, back.lastCcRequestNumber());
        assertEquals(17, back.lastJournalSeq());
        assertArrayEquals(Arrays.copyOf(s.answer(), s.answerLength()), Arrays.copyOf(back.answer(), back.answerLength()));
    }

    @Test
    void smallSessionsWriteReadRemove() {
        Session s = new Session();
        for (int i = 0; i < 5000; i++) {
            sessions.write(fill(s, "pgw;" + i, i % 3, 200 + i % 300));
        }
        assertEquals(5000, sessions.count());
        Session back = new Session();
        assertTrue(sessions.read("pgw;4321", back));
        assertEquals(4321 % 3, back.slotCount());
        assertEquals(200 + 4321 % 300, back.answerLength());
        sessions.remove("pgw;4321");
        assertFalse(sessions.read("pgw;4321", back));
        assertEquals(4999, sessions.count());
        // a slot is closed and the session shrinks
        assertTrue(sessions.read("pgw;2", back));
        back.removeSlot(0);
        assertEquals(101, back.ratingGroup(0));
        sessions.write(back);
        Session again = new Session();
        assertTrue(sessions.read("pgw;2", again));
        assertEquals(1, again.slotCount());
        assertEquals(Session.NO_REQUEST, new Session().lastCcRequestNumber());
    }

    @Test
    void keyFromCharactersEqualsKeyFromUtf8Bytes() {
        String id = "pgw-北京;1;é;\uD83D\uDE00";
        Session s = fill(new Session(), id, 1, 10);
        sessions.write(s);
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        Session back = new Session();
        assertTrue(back.id().set(utf8, 0, utf8.length));
        assertTrue(sessions.read(back));
        assertEquals(id, back.id().toString());
        assertFalse(new SessionKey().set("x".repeat(SessionKey.MAX_BYTES + 1)), "longer than 256 bytes");
        assertFalse(new SessionKey().set(""), "empty");
    }

    @Test
    void readAndWriteDoNotAllocate() {
        Session s = new Session();
        for (int i = 0; i < 1000; i++) {
            sessions.write(fill(s, "pgw.example;1700000000;" + i, 2, 400));
        }
        byte[][] ids = new byte[1000][];
        for (int i = 0; i < 1000; i++) {
            ids[i] = ("pgw.example;1700000000;" + i).getBytes(StandardCharsets.US_ASCII);
        }
        Session reused = new Session();
        long[] i = {0};
        double perOp = Allocations.bytesPerOp(20_000, 100_000, () -> {
            byte[] id = ids[(int) (i[0]++ % 1000)];
            reused.id().set(id, 0, id.length);
            sessions.read(reused);
            reused.lastCcRequestNumber(reused.lastCcRequestNumber() + 1);
            sessions.write(reused);
        });
        System.out.printf("SessionStore read+write (2 slots, 400-byte answer): %.3f bytes allocated per pair%n", perOp);
        assertTrue(perOp < 1.0, "bytes per read+write: " + perOp);
    }
}
