package io.gyro.engine.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IMSI index repair after an unclean stop runs only when the stopped run wrote the index (a create or
 * an IMSI change), which {@value Stores#IMSI_DIRTY_FILE} records; a kill of an engine that only charged
 * skips it. The kill is simulated by the files it leaves: no clean-shutdown marker, the flag as it was.
 */
class ImsiIndexDirtyFlagTest {
    private static final StoreConfig SMALL = new StoreConfig(1_000, 100);

    @TempDir
    Path dir;

    private void createOne(Stores stores, long msisdn) {
        Subscriber s = new Subscriber().msisdn(msisdn).imsi(460990000000000L + msisdn % 1_000_000)
                .accountId(msisdn).packageId("basic");
        assertEquals(SubscriberStore.Result.OK, stores.subscribers().create(s));
    }

    @Test
    void theFlagIsMadeBeforeTheFirstIndexWriteAndRemovedAtACleanClose() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertFalse(Files.exists(dir.resolve(Stores.IMSI_DIRTY_FILE)));
            createOne(stores, 8617000000001L);
            assertTrue(Files.exists(dir.resolve(Stores.IMSI_DIRTY_FILE)));
        }
        assertFalse(Files.exists(dir.resolve(Stores.IMSI_DIRTY_FILE)));
    }

    @Test
    void uncleanStopAfterIndexWritesRepairsTheIndex() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            createOne(stores, 8617000000001L);
        }
        Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER));
        Files.write(dir.resolve(Stores.IMSI_DIRTY_FILE), new byte[0]);
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertTrue(stores.recovered());
            assertTrue(stores.imsiIndexChecked());
            assertFalse(Files.exists(dir.resolve(Stores.IMSI_DIRTY_FILE)), "repaired: clean again");
            assertTrue(stores.subscribers().findByImsi(460990000000001L, new Subscriber()));
        }
    }

    @Test
    void uncleanStopWithoutIndexWritesSkipsTheRepair() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            createOne(stores, 8617000000001L);
        }
        Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER));
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertTrue(stores.recovered());
            assertFalse(stores.imsiIndexChecked());
            assertTrue(stores.subscribers().findByImsi(460990000000001L, new Subscriber()));
        }
    }

    @Test
    void aDirectoryFromBeforeTheFlagIsAlwaysRepaired() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            createOne(stores, 8617000000001L);
        }
        Files.delete(dir.resolve(Stores.CAPACITY_FILE));
        Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER));
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertTrue(stores.imsiIndexChecked());
        }
    }
}
