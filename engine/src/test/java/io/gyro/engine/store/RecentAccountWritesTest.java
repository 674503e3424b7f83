package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ring of the last account writes, and the count that tells which came after a checkpoint. */
class RecentAccountWritesTest {
    @TempDir
    Path dir;

    @Test
    void theWritesSinceACountAreFoundAfterAKillWithTheSlotAtTheCountIncluded() throws Exception {
        RecentAccountWrites ring = RecentAccountWrites.open(dir);
        for (long id = 1; id <= 100; id++) {
            ring.add(id);
        }
        long checkpoint = ring.count();
        assertEquals(100, checkpoint);
        ring.add(500);
        ring.add(7);
        ring.add(500);
        // killed: nothing closed
        RecentAccountWrites after = RecentAccountWrites.open(dir);
        assertEquals(103, after.count(), "the count outlives the process");
        assertArrayEquals(new long[] {7, 500}, after.distinctIdsSince(checkpoint));
        assertArrayEquals(new long[] {}, after.distinctIdsSince(103), "the slot at the count was never written");
        assertEquals(101, after.distinctIds().length, "the whole ring: 1..100 and 500");
        after.add(9);    // recovery's own writes count too
        assertArrayEquals(new long[] {7, 9, 500}, after.distinctIdsSince(checkpoint));
        after.close();
        ring.close();
    }

    @Test
    void aKillBetweenTheSlotAndTheCountLeavesTheSlotAtTheCountToBeRead() throws Exception {
        RecentAccountWrites ring = RecentAccountWrites.open(dir);
        ring.add(11);
        // the next write's slot stored, its count not yet (what a kill between the two leaves)
        java.nio.MappedByteBuffer raw = java.nio.channels.FileChannel.open(dir.resolve(RecentAccountWrites.FILE_NAME),
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)
                .map(java.nio.channels.FileChannel.MapMode.READ_WRITE, 0, 16);
        raw.order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(8, 42);
        RecentAccountWrites after = RecentAccountWrites.open(dir);
        assertEquals(1, after.count());
        assertArrayEquals(new long[] {11, 42}, after.distinctIdsSince(0));
        assertArrayEquals(new long[] {42}, after.distinctIdsSince(1));
        after.close();
        ring.close();
    }

    @Test
    void tooFarBackOrAFileWithoutACountMeansEverySlot() throws Exception {
        RecentAccountWrites ring = RecentAccountWrites.open(dir);
        for (long id = 1; id <= RecentAccountWrites.SLOTS + 10; id++) {
            ring.add(id);
        }
        assertEquals(RecentAccountWrites.SLOTS, ring.distinctIdsSince(5).length, "wrapped: the whole ring");
        assertFalse(ring.covers(5), "and it says it does not name every write since");
        assertEquals(RecentAccountWrites.SLOTS, ring.distinctIdsSince(-1).length);
        assertFalse(ring.covers(-1));
        assertTrue(ring.covers(ring.count() - 3));
        assertEquals(4, ring.distinctIdsSince(ring.count() - 3).length,
                "the last 3, and the slot at the count (an id from a lap ago: a harmless extra check)");
        ring.close();

        // a file from before the count: 64 KiB of slots only
        Path old = dir.resolve("old");
        Files.createDirectories(old);
        java.nio.ByteBuffer slots = java.nio.ByteBuffer.allocate(RecentAccountWrites.SLOTS * 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        slots.putLong(0, 77).putLong(8, 78);
        Files.write(old.resolve(RecentAccountWrites.FILE_NAME), slots.array());
        RecentAccountWrites legacy = RecentAccountWrites.open(old);
        assertArrayEquals(new long[] {77, 78}, legacy.distinctIdsSince(0), "no count: every slot is suspect");
        assertFalse(legacy.covers(0));
        legacy.close();
    }
}
