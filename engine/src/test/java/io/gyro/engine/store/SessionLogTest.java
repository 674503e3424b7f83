package io.gyro.engine.store;

import io.gyro.engine.wal.WalConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sessions live in memory; what a kill -9 leaves (a snapshot, the log after it, no last snapshot) gives them back
 * exactly, and the log before the older kept snapshot is deleted.
 */
class SessionLogTest {
    /** Small segments, so that a few hundred sessions fill several and the retention has something to delete. */
    private static final WalConfig CONFIG = new WalConfig(64 * 1024, false);

    @TempDir
    Path dir;

    private static SessionStore store() {
        return new SessionStore(10_000, 10_000);
    }

    private static Session session(Session s, int i, int requestNumber) {
        s.clear();
        s.id().set("pgw.log;" + i);
        s.msisdn(8617000000000L + i).accountId(8617000000000L + i).lastCcRequestNumber(requestNumber)
                .lastRequestType(2).lastActivityMs(1_000_000L + requestNumber).expiresAtMs(2_000_000L + i);
        int slot = s.addSlot(100, 0);
        s.grantedUnits(slot, 1000L * i).reservedMicros(slot, 7L * i);
        for (int b = 0; b < 300; b++) {
            s.answer()[b] = (byte) (b + i + requestNumber);
        }
        s.answerLength(300);
        return s;
    }

    @Test
    void aKilledRunComesBackFromTheSnapshotAndTheLogAfterIt() throws Exception {
        Map<String, Long> expected = new TreeMap<>();
        SessionStore store = store();
        SessionLog.Opened opened = SessionLog.open(dir, store, CONFIG);
        assertEquals(0, opened.snapshotSessions);
        Session s = new Session();
        for (int i = 0; i < 400; i++) {
            store.write(session(s, i, 0));
            expected.put("pgw.log;" + i, 0L);
        }
        for (int i = 0; i < 400; i += 4) {
            store.remove("pgw.log;" + i);
            expected.remove("pgw.log;" + i);
        }
        store.endOfBatch();
        opened.log.snapshotNow();
        // after the snapshot: updates, removals, new sessions, and a session removed and opened again
        for (int i = 1; i < 400; i += 3) {
            store.write(session(s, i, 5));
            expected.put("pgw.log;" + i, 5L);
        }
        for (int i = 2; i < 400; i += 10) {
            store.remove("pgw.log;" + i);
            expected.remove("pgw.log;" + i);
        }
        store.write(session(s, 8, 9));
        expected.put("pgw.log;8", 9L);
        for (int i = 400; i < 450; i++) {
            store.write(session(s, i, 1));
            expected.put("pgw.log;" + i, 1L);
        }
        store.endOfBatch();
        // the kill: no last snapshot
        store.closeWithoutSnapshot();

        SessionStore second = store();
        try {
            SessionLog.Opened again = SessionLog.open(dir, second, CONFIG);
            assertEquals(300, again.snapshotSessions, "the snapshot had the 300 sessions left then");
            assertTrue(again.logRecordsApplied > 150, "and the log after it was applied: " + again.logRecordsApplied);
            Map<String, Long> found = new TreeMap<>();
            second.forEach(back -> {
                found.put(back.id.toString(), back.lastCcRequestNumber());
                int i = Integer.parseInt(back.id.toString().substring("pgw.log;".length()));
                assertEquals((byte) (299 + i + back.lastCcRequestNumber()), back.answer()[299], "the stored answer");
            });
            assertEquals(expected, found);
        } finally {
            second.close();
        }
    }

    @Test
    void theLogBeforeTheOlderKeptSnapshotIsDeleted() throws Exception {
        SessionStore store = store();
        try {
            SessionLog.Opened opened = SessionLog.open(dir, store, CONFIG);
            Session s = new Session();
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 300; i++) {
                    store.write(session(s, i, round));
                }
                store.endOfBatch();
                opened.log.snapshotNow();
            }
            long segments;
            try (Stream<Path> files = Files.list(dir.resolve(SessionLog.DIR_NAME))) {
                segments = files.filter(p -> p.toString().endsWith(".wal")).count();
            }
            // 4 rounds of ~120 KiB each in 64 KiB segments: ~8 made, only the last two rounds' are needed
            assertTrue(segments <= 5, "segments kept: " + segments);
            store.close();
            SessionStore again = store();
            try {
                SessionLog.Opened reopened = SessionLog.open(dir, again, CONFIG);
                assertEquals(300, reopened.snapshotSessions);
                assertEquals(0, reopened.logRecordsApplied, "a clean close leaves nothing after its snapshot");
            } finally {
                again.close();
            }
        } finally {
            store.closeWithoutSnapshot();
        }
    }
}
