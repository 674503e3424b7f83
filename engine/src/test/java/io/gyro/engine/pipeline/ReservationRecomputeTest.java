package io.gyro.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import io.gyro.engine.store.Account;
import io.gyro.engine.store.Session;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StartupRecovery#recomputeReservations} reads only accounts named by a session or holding a
 * reservation; the result must be what a comparison of every account with the sessions would give.
 */
class ReservationRecomputeTest {
    private static final StoreConfig SMALL = new StoreConfig(10_000, 5_000);

    @TempDir
    Path dir;

    @Test
    void staleReservationsAreReturnedAndSessionHeldOnesRestoredWithoutTouchingCleanAccounts() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            // more earlier writes than the recent-writes ring holds: recovery must not depend on them
            for (long id = 1000; id < 1000 + 9000; id++) {
                stores.accounts().write(new Account().clear(id).moneyMicros(id));
            }
            // given: 1 reserves money and units but no session holds them (kill after the account write,
            // before the session write), 2 is reserved by a session the account write never reached,
            // 3 agrees with its session, 4..500 reserve nothing and have no session
            Account stale = new Account().clear(1).moneyMicros(1_000_000).reservedMicros(400_000);
            stale.putBucket(7, 1, 100, 30, 0, 0, 0);
            stores.accounts().write(stale);
            stores.accounts().write(new Account().clear(2).moneyMicros(1_000_000));
            Account agreeing = new Account().clear(3).moneyMicros(1_000_000).reservedMicros(50_000);
            agreeing.putBucket(9, 1, 100, 20, 0, 0, 0);
            stores.accounts().write(agreeing);
            for (long id = 4; id <= 500; id++) {
                stores.accounts().write(new Account().clear(id).moneyMicros(id));
            }
            stores.sessions().write(session("s2", 2, 250_000, 0, 0));
            stores.sessions().write(session("s3", 3, 50_000, 9, 20));
        }
        // the run was killed: no clean-shutdown marker
        java.nio.file.Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER));
        try (Stores stores = Stores.open(dir, SMALL)) {
            // when
            int fixed = StartupRecovery.recomputeAllReservations(stores);

            // then
            assertEquals(2, fixed);
            Account a = new Account();
            stores.accounts().read(1, a);
            assertEquals(0, a.reservedMicros());
            assertEquals(0, a.reservedUnits(0));
            assertEquals(1_000_000, a.moneyMicros());
            stores.accounts().read(2, a);
            assertEquals(250_000, a.reservedMicros());
            stores.accounts().read(3, a);
            assertEquals(50_000, a.reservedMicros());
            assertEquals(20, a.reservedUnits(0));
            long version3 = a.version();
            stores.accounts().read(100, a);
            assertEquals(0, a.reservedMicros());
            assertEquals(100, a.moneyMicros());
            assertEquals(1, a.version(), "an account with nothing reserved is not rewritten");
            assertEquals(0, StartupRecovery.recomputeAllReservations(stores), "a second run changes nothing");
            stores.accounts().read(3, a);
            assertEquals(version3, a.version());
            assertEquals(0, StartupRecovery.recomputeAllReservations(stores), "the full check agrees");
        }
    }

    @Test
    void theFullCheckFindsAStaleReservationEvenWhenItsAccountWasWrittenLongBeforeTheKill() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            stores.accounts().write(new Account().clear(1).moneyMicros(1_000_000).reservedMicros(400_000));
            for (long id = 1000; id < 1000 + 9000; id++) {
                stores.accounts().write(new Account().clear(id).moneyMicros(id));
            }
            assertEquals(1, StartupRecovery.recomputeAllReservations(stores));
            Account a = new Account();
            stores.accounts().read(1, a);
            assertEquals(0, a.reservedMicros());
        }
    }

    @Test
    void onlyBucketUnitsReservedWithoutASessionAreFoundToo() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            Account unitsOnly = new Account().clear(11).moneyMicros(5);
            unitsOnly.putBucket(1, 1, 100, 0, 0, 0, 0);
            unitsOnly.putBucket(2, 1, 100, 0, 0, 0, 0);
            unitsOnly.putBucket(3, 1, 100, 40, 0, 0, 0);
            stores.accounts().write(unitsOnly);

            assertEquals(1, StartupRecovery.recomputeAllReservations(stores));

            Account a = new Account();
            stores.accounts().read(11, a);
            assertEquals(0, a.reservedUnits(2));
            assertEquals(100, a.remainingUnits(2));
        }
    }

    /**
     * With the accounts in an image, a start after a kill checks the accounts the sessions name and the last written
     * (where a request cut by the kill can have left a reservation no session explains), not every account; after a
     * run in which a request failed half way, every account.
     */
    @Test
    void afterAKillTheImageNamesTheLastWrittenAccountsOrEveryOneAfterAHold() throws Exception {
        Path image = java.nio.file.Files.createDirectories(dir.resolve("shm"));
        Path data = dir.resolve("data");
        io.gyro.engine.wal.WalConfig log = io.gyro.engine.wal.WalConfig.defaults();
        Stores first = Stores.open(data, SMALL, log, image);
        first.recoveryFinished();
        first.accounts().write(new Account().clear(1).moneyMicros(1_000_000).reservedMicros(400_000));
        first.accounts().write(new Account().clear(2).moneyMicros(1_000_000));
        first.sessions().write(session("s2", 2, 250_000, 0, 0));
        first.sessions().endOfBatch();
        first.closeAsIfKilled();

        Stores second = Stores.open(data, SMALL, log, image);
        try {
            assertEquals(java.util.Set.of(1L, 2L), java.util.Arrays.stream(second.accountsHoldingReservationsAtLoad())
                    .boxed().collect(java.util.stream.Collectors.toSet()), "the ring of the last writes");
            assertEquals(2, StartupRecovery.recomputeReservations(second, null));
            Account a = new Account();
            second.accounts().read(1, a);
            assertEquals(0, a.reservedMicros(), "the reservation no session explains is released");
            second.accounts().read(2, a);
            assertEquals(250_000, a.reservedMicros(), "the session's reservation is restored");
            second.recoveryFinished();

            // A stale reservation written long before the kill, in a run where a request failed half way.
            second.accounts().write(new Account().clear(3).moneyMicros(1_000_000).reservedMicros(7));
            second.heldSink().run();
            for (long id = 1000; id < 1000 + 2 * io.gyro.engine.store.Stores.IMAGE_RING_SLOTS; id++) {
                second.accounts().write(new Account().clear(5000 + id % 4000).moneyMicros(id));
            }
        } finally {
            second.closeAsIfKilled();
        }
        Stores third = Stores.open(data, SMALL, log, image);
        try {
            assertEquals(null, third.accountsHoldingReservationsAtLoad(), "after a hold, every account is checked");
            assertEquals(1, StartupRecovery.recomputeReservations(third, null));
            Account a = new Account();
            third.accounts().read(3, a);
            assertEquals(0, a.reservedMicros());
        } finally {
            third.close();
        }
    }

    private static Session session(String id, long accountId, long reservedMicros, long bucketId, long units) {
        Session s = new Session();
        s.id().set(id);
        s.clear().accountId(accountId).msisdn(accountId);
        int slot = s.addSlot(1, 0);
        s.reservedMicros(slot, reservedMicros);
        if (units > 0) {
            s.addBucketUnits(slot, bucketId, units);
        }
        return s;
    }
}
