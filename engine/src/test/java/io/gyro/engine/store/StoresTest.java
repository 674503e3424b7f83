package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {
    private static final StoreConfig SMALL = new StoreConfig(10_000, 5_000);

    @TempDir
    Path dir;

    @Test
    void freshDirectoryOpensWithoutRecoveryAndCleanCloseWritesMarker() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertFalse(stores.recovered());
            assertFalse(Files.exists(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER)));
            assertEquals(0, stores.accounts().count());
        }
        assertTrue(Files.exists(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER)));
    }

    @Test
    void reopenAfterCleanCloseKeepsEverything() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            Account a = new Account().clear(8617000000001L).moneyMicros(50_000_000L);
            a.addBucket(1, 1_000_000_000L, 1_800_000_000_000L, 10, 3);
            assertTrue(stores.accounts().create(a));
            Subscriber s = new Subscriber().msisdn(8617000000001L).imsi(460990000000001L)
                    .accountId(8617000000001L).packageId("basic-30");
            assertEquals(SubscriberStore.Result.OK, stores.subscribers().create(s));
            Session session = new Session();
            session.id().set("pgw1;1;2;3");
            session.msisdn(8617000000001L).expiresAtMs(99);
            stores.sessions().write(session);
        }
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertFalse(stores.recovered());
            Account a = new Account();
            assertTrue(stores.accounts().read(8617000000001L, a));
            assertEquals(50_000_000L, a.moneyMicros());
            assertEquals(1, a.bucketCount());
            assertEquals(1_000_000_000L, a.remainingUnits(0));
            assertEquals(1, a.version());
            Subscriber s = new Subscriber();
            assertTrue(stores.subscribers().findByImsi(460990000000001L, s));
            assertTrue(s.packageIdEquals("basic-30"));
            Session session = new Session();
            assertTrue(stores.sessions().read("pgw1;1;2;3", session));
            assertEquals(99, session.expiresAtMs());
        }
    }

    @Test
    void missingMarkerMeansRecoveryAndDataSurvives() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            stores.accounts().create(new Account().clear(7).moneyMicros(123));
        }
        Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER));
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertTrue(stores.recovered());
            Account a = new Account();
            assertTrue(stores.accounts().read(7, a));
            assertEquals(123, a.moneyMicros());
        }
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertFalse(stores.recovered());
        }
    }

    @Test
    void aStartThatFailsAfterAnUncleanStopLeavesTheDirectoryUnclean() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            stores.accounts().create(new Account().clear(7).moneyMicros(123));
        }
        Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER));
        Stores failed = Stores.open(dir, SMALL);
        assertTrue(failed.recovered());
        failed.closeAfterFailedStart();   // e.g. the Diameter port was taken before the journal was re-applied
        assertFalse(Files.exists(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER)), "no clean marker");
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertTrue(stores.recovered(), "the next start recovers again");
        }
        // after a clean stop, a failed start may leave the directory clean
        Stores clean = Stores.open(dir, SMALL);
        assertFalse(clean.recovered());
        clean.closeAfterFailedStart();
        assertTrue(Files.exists(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER)));
    }

    @Test
    void secondOpenWhileTheDirectoryIsInUseIsRefusedAndTouchesNothing() throws Exception {
        try (Stores first = Stores.open(dir, SMALL)) {
            Subscriber s = new Subscriber().msisdn(8617000000002L).imsi(460990000000002L).accountId(1).packageId("p");
            first.subscribers().create(s);
            assertThrows(IllegalStateException.class, () -> Stores.open(dir, SMALL));
            Subscriber back = new Subscriber();
            assertTrue(first.subscribers().findByImsi(460990000000002L, back));
        }
        try (Stores again = Stores.open(dir, SMALL)) {
            assertFalse(again.recovered());
            assertEquals(1, again.subscribers().count());
        }
    }
}
