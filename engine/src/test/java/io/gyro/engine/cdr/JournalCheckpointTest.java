package io.gyro.engine.cdr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalCheckpointTest {
    @TempDir
    Path dir;

    /** The seq as another process would read the file now (the page cache, not this mapping). */
    private long seqInFile() throws Exception {
        return longInFile(8);
    }

    private long longInFile(int offset) throws Exception {
        byte[] b = Files.readAllBytes(dir.resolve(JournalCheckpoint.FILE_NAME));
        assertEquals(JournalCheckpoint.SIZE, b.length);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(JournalCheckpoint.MAGIC, buf.getLong(0));
        return buf.getLong(offset);
    }

    @Test
    void aNewDirectoryHasNoneThenEachAdvanceIsInTheFileWithoutAClose() throws Exception {
        JournalCheckpoint c = JournalCheckpoint.open(dir);
        assertEquals(JournalCheckpoint.Status.MISSING, c.found().status());
        assertEquals(0, seqInFile());
        c.advance(17);
        assertEquals(17, seqInFile(), "visible to a reader before any close or force: survives kill -9");
        c.advance(12);
        assertEquals(17, seqInFile(), "never moves back");
        // the process "dies" here: no close
        JournalCheckpoint again = JournalCheckpoint.open(dir);
        assertEquals(new JournalCheckpoint.Found(JournalCheckpoint.Status.VALID, 17, -1, null), again.found());
        assertEquals(17, again.seq());
        again.close();
        c.close();
    }

    @Test
    void aHoldKeepsItBelowARequestThatFailedHalfWay() throws Exception {
        long[] writes = {100};
        try (JournalCheckpoint c = JournalCheckpoint.open(dir, () -> writes[0])) {
            c.advance(10);
            assertEquals(100, longInFile(16));
            writes[0] = 104;   // the failing request's account writes
            c.hold(12);
            c.advance(20);
            assertEquals(12, seqInFile());
            assertEquals(100, longInFile(16), "the account-write count stays before the failed request");
            c.hold(15);
            writes[0] = 110;
            c.advance(30);
            assertEquals(12, c.seq(), "the lowest hold wins");
            assertEquals(100, c.accountWrites());
        }
    }

    @Test
    void theAccountWriteCountMovesAtEachAdvanceEvenWithoutANewRecord() throws Exception {
        long[] writes = {0};
        try (JournalCheckpoint c = JournalCheckpoint.open(dir, () -> writes[0])) {
            assertEquals(-1, c.found().accountWrites());
            c.advance(5);
            writes[0] = 3;     // a batch of reservations only: accounts written, nothing journaled
            c.advance(5);
            assertEquals(5, seqInFile());
            assertEquals(3, longInFile(16));
        }
        try (JournalCheckpoint c = JournalCheckpoint.open(dir)) {
            assertEquals(new JournalCheckpoint.Found(JournalCheckpoint.Status.VALID, 5, 3, null), c.found());
        }
    }

    @Test
    void aFileOfTheWrongSizeOrMagicOrANegativeSeqIsUnreadableAndReplacedByZero() throws Exception {
        Path f = dir.resolve(JournalCheckpoint.FILE_NAME);
        byte[][] bad = {
                new byte[5],
                ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(42).putLong(7).array(),
                ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(JournalCheckpoint.MAGIC).putLong(-3).array(),
                ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(JournalCheckpoint.MAGIC).putLong(3).array()};
        String[] why = {"is 5 bytes", "magic", "negative seq -3", "is 16 bytes"};
        for (int i = 0; i < bad.length; i++) {
            Files.write(f, bad[i]);
            try (JournalCheckpoint c = JournalCheckpoint.open(dir)) {
                assertEquals(JournalCheckpoint.Status.UNREADABLE, c.found().status());
                assertEquals(0, c.found().seq());
                assertTrue(c.found().problem().contains(why[i]), c.found().problem());
                assertEquals(0, seqInFile(), "replaced by a checkpoint of nothing");
            }
            try (JournalCheckpoint c = JournalCheckpoint.open(dir)) {
                assertEquals(JournalCheckpoint.Status.VALID, c.found().status());
                assertNull(c.found().problem());
            }
        }
    }
}
