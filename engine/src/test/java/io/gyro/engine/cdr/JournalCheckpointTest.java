package io.gyro.engine.cdr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void advancesOnlyForwardAndStaysAtOrBelowAHoldForTheRestOfTheRun() {
        JournalCheckpoint c = new JournalCheckpoint(10);
        assertEquals(10, c.seq());
        c.advance(5);
        assertEquals(10, c.seq(), "never backwards");
        c.advance(20);
        assertEquals(20, c.seq());
        assertFalse(c.held());
        c.hold(25);
        c.advance(30);
        assertEquals(25, c.seq(), "capped by the hold");
        c.hold(27);
        c.advance(40);
        assertEquals(25, c.seq(), "the lowest hold wins");
        assertTrue(c.held());
    }

    @Test
    void aNegativeStartIsZero() {
        assertEquals(0, new JournalCheckpoint(-3).seq());
    }

    @Test
    void theFileOfTheVersionsBeforeSnapshotsIsRemoved() throws Exception {
        Files.write(dir.resolve(JournalCheckpoint.LEGACY_FILE_NAME), new byte[24]);
        JournalCheckpoint.deleteLegacyFile(dir);
        assertFalse(Files.exists(dir.resolve(JournalCheckpoint.LEGACY_FILE_NAME)));
        JournalCheckpoint.deleteLegacyFile(dir); // nothing there: no error
    }
}
