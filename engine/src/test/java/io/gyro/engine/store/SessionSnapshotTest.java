package io.gyro.engine.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session snapshots: a whole one loads back entry for entry; a torn or corrupt one is passed over. */
class SessionSnapshotTest {
    @TempDir
    Path dir;

    /** A store without a log (the snapshot alone is under test). */
    private SessionStore store() {
        return new SessionStore(10_000, 10_000);
    }

    private static Session session(int i) {
        Session s = new Session();
        s.id().set("pgw.snap;" + i);
        s.msisdn(8617000000000L + i).accountId(8617000000000L + i).lastCcRequestNumber(i % 7).lastRequestType(2)
                .createdMs(1000 + i).lastActivityMs(2000 + i).expiresAtMs(3000 + i);
        for (int slot = 0; slot < i % 4; slot++) {
            int at = s.addSlot(100 + slot, slot);
            s.grantedUnits(at, 1000L * i).reservedMicros(at, 10L * i).validUntilMs(at, 9000 + i);
            s.addBucketUnits(at, 5 + slot, 77L * i);
        }
        for (int b = 0; b < 100 + i % 300; b++) {
            s.answer()[b] = (byte) (b * 13 + i);
        }
        s.answerLength(100 + i % 300);
        return s;
    }

    @Test
    void aWholeSnapshotLoadsEverySessionBack() throws IOException {
        SessionStore live = store();
        for (int i = 0; i < 3000; i++) {
            Session s = session(i);
            live.apply(s);
        }
        Path file = SessionSnapshot.write(dir, live, 4242, 1_700_000_000_000L);
        assertTrue(Files.exists(file));

        SessionStore loaded = store();
        SessionSnapshot.Loaded result = SessionSnapshot.load(dir, loaded);
        assertEquals(4242, result.logSeq);
        assertEquals(3000, result.sessions);
        assertEquals(3000, loaded.count());
        Session back = new Session();
        for (int i = 0; i < 3000; i += 7) {
            Session s = session(i);
            back.id().copyFrom(s.id());
            assertTrue(loaded.read(back), "session " + i);
            assertEquals(s.lastCcRequestNumber(), back.lastCcRequestNumber());
            assertEquals(s.slotCount(), back.slotCount());
            for (int slot = 0; slot < s.slotCount(); slot++) {
                assertEquals(s.reservedMicros(slot), back.reservedMicros(slot));
                assertEquals(s.pairUnits(slot, 0), back.pairUnits(slot, 0));
            }
            assertArrayEquals(Arrays.copyOf(s.answer(), s.answerLength()),
                    Arrays.copyOf(back.answer(), back.answerLength()));
        }
    }

    @Test
    void aCorruptNewestSnapshotFallsBackToTheOneBefore() throws IOException {
        SessionStore live = store();
        for (int i = 0; i < 50; i++) {
            Session s = session(i);
            live.apply(s);
        }
        SessionSnapshot.write(dir, live, 10, 1L);
        for (int i = 50; i < 80; i++) {
            Session s = session(i);
            live.apply(s);
        }
        Path newest = SessionSnapshot.write(dir, live, 20, 2L);
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(newest, bytes);

        SessionStore loaded = store();
        SessionSnapshot.Loaded result = SessionSnapshot.load(dir, loaded);
        assertEquals(10, result.logSeq, "the older snapshot, with the longer log after it");
        assertEquals(50, loaded.count());
    }

    @Test
    void aTornSnapshotIsNotLoaded() throws IOException {
        SessionStore live = store();
        for (int i = 0; i < 40; i++) {
            Session s = session(i);
            live.apply(s);
        }
        Path only = SessionSnapshot.write(dir, live, 7, 1L);
        byte[] bytes = Files.readAllBytes(only);
        Files.write(only, Arrays.copyOf(bytes, bytes.length - 9));
        SessionStore loaded = store();
        SessionSnapshot.Loaded result = SessionSnapshot.load(dir, loaded);
        assertEquals(-1, result.logSeq, "no usable snapshot: the whole log is replayed");
        assertNull(result.file);
        assertEquals(0, loaded.count());
    }

    @Test
    void onlyTheTwoNewestAreKept() throws IOException {
        SessionStore live = store();
        for (long seq = 1; seq <= 4; seq++) {
            SessionSnapshot.write(dir, live, seq, seq);
        }
        try (var files = Files.list(dir.resolve(SessionSnapshot.DIR_NAME))) {
            assertEquals(2, files.count());
        }
        assertEquals(4, SessionSnapshot.load(dir, store()).logSeq);
    }
}
