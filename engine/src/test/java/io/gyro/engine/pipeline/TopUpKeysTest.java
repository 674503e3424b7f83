package io.gyro.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopUpKeysTest {
    @TempDir
    Path dir;

    @Test
    void aRememberedKeyIsFoundAfterAReopenWithoutAClose() throws Exception {
        TopUpKeys keys = TopUpKeys.open(dir);
        assertFalse(keys.complete(), "a new file: the keys of an older directory are in its journal only");
        keys.remember(8617000000001L, "order-1", 10_000_000, 7);
        keys.remember(8617000000001L, "订单-2", 20_000_000, 9);
        keys.remember(8617000000002L, "order-1", 30_000_000, 11);
        // killed: no close
        TopUpKeys again = TopUpKeys.open(dir);
        assertTrue(again.complete());
        assertEquals(new TopUpKeys.TopUp(8617000000001L, 10_000_000, 7), again.find(8617000000001L, "order-1"));
        assertEquals(new TopUpKeys.TopUp(8617000000001L, 20_000_000, 9), again.find(8617000000001L, "订单-2"));
        assertEquals(30_000_000, again.find(8617000000002L, "order-1").amountMicros());
        assertNull(again.find(8617000000002L, "order-2"));
        again.close();
        keys.close();
    }

    @Test
    void rememberingAKnownKeyAgainAppendsNothing() throws Exception {
        try (TopUpKeys keys = TopUpKeys.open(dir)) {
            keys.remember(8617000000001L, "k", 1, 3);
            long size = Files.size(dir.resolve(TopUpKeys.FILE_NAME));
            keys.remember(8617000000001L, "k", 1, 3);
            assertEquals(size, Files.size(dir.resolve(TopUpKeys.FILE_NAME)));
        }
    }

    @Test
    void anIncompleteLastEntryIsCutAndTheFileStaysComplete() throws Exception {
        try (TopUpKeys keys = TopUpKeys.open(dir)) {
            keys.remember(8617000000001L, "a", 1_000_000, 1);
            keys.remember(8617000000001L, "b", 2_000_000, 2);
        }
        Path f = dir.resolve(TopUpKeys.FILE_NAME);
        long good = Files.size(f);
        byte[] all = Files.readAllBytes(f);
        // an append of a third entry interrupted by a kill: its first 20 bytes only
        Files.write(f, java.util.Arrays.copyOfRange(all, 0, 20), StandardOpenOption.APPEND);
        try (TopUpKeys keys = TopUpKeys.open(dir)) {
            assertTrue(keys.complete(), "a torn append is the record after the checkpoint, not lost");
            assertNotNull(keys.find(8617000000001L, "b"));
            assertEquals(good, Files.size(f), "cut back to the last whole entry");
            keys.remember(8617000000001L, "c", 3_000_000, 3);
        }
        try (TopUpKeys keys = TopUpKeys.open(dir)) {
            assertEquals(3, keys.size());
            assertEquals(3, keys.find(8617000000001L, "c").seq());
        }
    }

    @Test
    void aDamagedEntryMakesTheKeysIncompleteSoTheJournalIsReadWhole() throws Exception {
        try (TopUpKeys keys = TopUpKeys.open(dir)) {
            keys.remember(8617000000001L, "a", 1_000_000, 1);
            keys.remember(8617000000001L, "b", 2_000_000, 2);
            keys.remember(8617000000001L, "c", 3_000_000, 3);
        }
        Path f = dir.resolve(TopUpKeys.FILE_NAME);
        byte[] all = Files.readAllBytes(f);
        all[33 + 14] ^= 0x40; // inside the second entry's MSISDN
        Files.write(f, all);
        try (TopUpKeys keys = TopUpKeys.open(dir)) {
            assertFalse(keys.complete());
            assertTrue(keys.incompleteReason().contains("damaged"), keys.incompleteReason());
            assertNotNull(keys.find(8617000000001L, "a"), "entries before the damage are kept");
            assertNull(keys.find(8617000000001L, "c"), "the rest must come from the journal");
        }
    }

    @Test
    void theNewestKeysAreRetainedAndABigFileIsRewrittenWithThemAtOpen() throws Exception {
        int total = 2 * TopUpKeys.RETAINED + 10;
        try (TopUpKeys keys = TopUpKeys.open(dir)) {
            for (int i = 1; i <= total; i++) {
                keys.remember(8617000000001L, "k" + i, 1_000_000, i);
            }
            assertEquals(TopUpKeys.RETAINED, keys.size());
            assertNull(keys.find(8617000000001L, "k" + (total - TopUpKeys.RETAINED)), "older than the retention");
            assertNotNull(keys.find(8617000000001L, "k" + (total - TopUpKeys.RETAINED + 1)));
        }
        long before = Files.size(dir.resolve(TopUpKeys.FILE_NAME));
        try (TopUpKeys keys = TopUpKeys.open(dir)) {
            assertTrue(keys.complete());
            assertEquals(TopUpKeys.RETAINED, keys.size());
            assertNotNull(keys.find(8617000000001L, "k" + total));
            assertNull(keys.find(8617000000001L, "k" + (total - TopUpKeys.RETAINED)));
            assertTrue(Files.size(dir.resolve(TopUpKeys.FILE_NAME)) < before * 6 / 10, "rewritten with the newest keys");
            keys.remember(8617000000001L, "after", 5, total + 1);
        }
        try (TopUpKeys keys = TopUpKeys.open(dir)) {
            assertNotNull(keys.find(8617000000001L, "after"), "appends go on after the rewrite");
            assertNotNull(keys.find(8617000000001L, "k" + total));
        }
    }
}
