package io.gyro.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After an unclean stop, {@link Stores#open} recovers with Chronicle only the maps where the dead
 * process held a segment's write or update lock; read locks it left are reset; other maps open as they are.
 */
class StoresLockProbeTest {
    private static final StoreConfig SMALL = new StoreConfig(10_000, 5_000);

    @TempDir
    Path dir;

    @Test
    void uncleanStopWithoutHeldLocksRecoversNoMapAndKeepsData() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            for (long id = 1; id <= 1000; id++) {
                stores.accounts().create(new Account().clear(id).moneyMicros(id * 10));
            }
        }
        Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER));
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertTrue(stores.recovered());
            assertEquals(0, stores.mapsRecovered());
            Account a = new Account();
            for (long id = 1; id <= 1000; id++) {
                assertTrue(stores.accounts().read(id, a));
                assertEquals(id * 10, a.moneyMicros());
            }
        }
    }

    @Test
    void writeLockLeftByAKilledProcessMakesThatMapRecoveredAndUsable() throws Exception {
        killedWhileHolding("write", 1);
    }

    @Test
    void updateLockLeftByAKilledProcessMakesThatMapRecovered() throws Exception {
        killedWhileHolding("update", 1);
    }

    @Test
    void readLockLeftByAKilledProcessIsResetWithoutRecoveringTheMap() throws Exception {
        killedWhileHolding("read", 0);
    }

    @Test
    void accountsSpreadOverTheShardsAndTheRecordedCountIsKept() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL, 4)) {
            for (long id = 1; id <= 1000; id++) {
                stores.accounts().create(new Account().clear(id).moneyMicros(id));
            }
            assertEquals(4, stores.accounts().shards());
            assertEquals(1000, stores.accounts().count());
        }
        int[] perShard = new int[4];
        for (long id = 1; id <= 1000; id++) {
            perShard[AccountStore.shardOf(id, 3)]++;
        }
        for (int i = 0; i < 4; i++) {
            assertTrue(perShard[i] > 200 && perShard[i] < 300, "shard " + i + " holds " + perShard[i] + " of 1000");
        }
        assertFalse(Files.exists(dir.resolve(AccountStore.FILE_NAME)), "accounts live in memory and snapshots");
        // Reopened through the public open (which would pick one shard for this size): the recorded four are used.
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertEquals(4, stores.accounts().shards());
            Account a = new Account();
            for (long id = 1; id <= 1000; id++) {
                assertTrue(stores.accounts().read(id, a));
                assertEquals(id, a.moneyMicros());
            }
            long[] sum = {0};
            stores.accounts().forEach(acc -> sum[0] += acc.moneyMicros());
            assertEquals(1000L * 1001 / 2, sum[0], "forEach visits every shard");
        }
    }

    @Test
    void aBadRecordedShardCountIsAClearErrorAndChangesNothing() throws Exception {
        try (Stores stores = Stores.open(dir, SMALL, 4)) {
            stores.accounts().create(new Account().clear(7).moneyMicros(70));
        }
        Path capacity = dir.resolve(Stores.CAPACITY_FILE);
        String good = Files.readString(capacity);
        for (String bad : new String[] {"3", "32", "0", "four"}) {
            Files.writeString(capacity, good.replace("accountShards=4", "accountShards=" + bad));
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> Stores.open(dir, SMALL), "accountShards=" + bad);
            assertTrue(e.getMessage().contains("accountShards=" + bad), e.getMessage());
            assertTrue(Files.exists(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER)), "a refused open leaves the directory clean");
        }
        Files.writeString(capacity, good);
        try (Stores stores = Stores.open(dir, SMALL)) {
            Account a = new Account();
            assertTrue(stores.accounts().read(7, a), "the refused opens left the account as it was");
            assertEquals(70, a.moneyMicros());
        }
    }

    @Test
    void chroniclesReportOfTheHeldLockIsToldApartFromOtherRepairs() {
        assertTrue(Stores.isHeldLockReport(
                "lock of segment 2048 is not clear: [read locks = 0, update locked = false, write locked = true, waits = 0]"));
        assertFalse(Stores.isHeldLockReport("wrong number of entries counter for segment 7: 3, but should be 2"));
        assertFalse(Stores.isHeldLockReport(null));
    }

    /** The subscriber map (file-backed) left with a segment lock by a killed process; accounts ride along. */
    private void killedWhileHolding(String lockKind, int mapsRecovered) throws Exception {
        try (Stores stores = Stores.open(dir, SMALL)) {
            for (long id = 1; id <= 1000; id++) {
                stores.accounts().create(new Account().clear(id).moneyMicros(id * 10));
                assertEquals(SubscriberStore.Result.OK, stores.subscribers().create(
                        new Subscriber().msisdn(id).imsi(460_990_000_000_000L + id).accountId(id)));
            }
        }
        Files.delete(dir.resolve(Stores.CLEAN_SHUTDOWN_MARKER));
        Process child = startLockHolder(0, lockKind);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = r.readLine();
            } while (line != null && !line.equals("LOCKED"));
            assertEquals("LOCKED", line, "the child never took the lock (see child.err)");
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));

        long t0 = System.nanoTime();
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertTrue(stores.recovered());
            assertEquals(mapsRecovered, stores.mapsRecovered());
            assertEquals(0, stores.corruptionsRepaired(), "the held lock itself is not a corruption of the entries");
            Account a = new Account();
            Subscriber sub = new Subscriber();
            // Every subscriber, segment 0's included, reads at once (a lock left behind would block 60 s).
            for (long id = 1; id <= 1000; id++) {
                assertTrue(stores.subscribers().findByMsisdn(id, sub), "subscriber " + id);
                assertTrue(stores.accounts().read(id, a));
                assertEquals(id * 10, a.moneyMicros());
            }
            stores.subscribers().update(sub.packageId("after"));
        }
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "reopen took too long");
        try (Stores stores = Stores.open(dir, SMALL)) {
            assertEquals(0, stores.mapsRecovered());
            Subscriber sub = new Subscriber();
            assertTrue(stores.subscribers().findByMsisdn(1000, sub));
            assertEquals("after", sub.packageId());
        }
    }

    private Process startLockHolder(int segment, String lockKind) throws Exception {
        List<String> cmd = ChildJvm.command(HeldLockChild.class, dir.toString(), Long.toString(SMALL.maxSubscribers()),
                Integer.toString(segment), lockKind);
        return new ProcessBuilder(cmd).redirectError(dir.resolve("child.err").toFile()).start();
    }
}
