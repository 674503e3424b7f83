package io.gyro.engine.cdr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.gyro.engine.store.Account;
import io.gyro.engine.store.AccountStore;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accounts live in memory: a kill -9 loses them, and a start rebuilds them from the newest account snapshot and the
 * journal after its seq. A snapshot is taken while the charging thread writes (fuzzy), so this plays exactly that: a
 * writer thread charges accounts journal-first (record with the after-state, then the account) and ends a batch every
 * few requests, the snapshot walks the accounts meanwhile from the last batch end's seq, the writer goes on, then the
 * process "dies". The rebuilt accounts must equal the ones the writer left, each of them.
 */
class AccountSnapshotRecoveryTest {
    private static final long T0 = 1_772_359_200_000L;
    private static final int ACCOUNTS = 3_000;
    private static final StoreConfig CONFIG = new StoreConfig(10_000, 100);

    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void aSnapshotTakenWhileTheWriterChargesRollsForwardToExactlyWhatTheWriterLeft() throws Exception {
        Map<Long, Account> expected = new HashMap<>();
        long snapshotSeq;
        long writtenDuringWalk;
        try (Journal journal = Journal.open(dir.resolve(Journal.DIR_NAME), JournalConfig.defaults())) {
            Stores stores = Stores.open(dir, CONFIG);
            AccountStore accounts = stores.accounts();
            Account a = new Account();
            for (long id = 1; id <= ACCOUNTS; id++) {
                a.clear(id).moneyMicros(1_000_000_000L);
                a.addBucket(1, 1_000_000_000L, 0, 0, 0);
                a.lastJournalSeq(journal.append(journal.record().reset(CdrKind.TOP_UP, T0).msisdn(id)
                        .retailMicros(-1_000_000_000L).afterState(a)));
                accounts.create(a);
            }
            journal.endOfBatch();
            AtomicLong applied = new AtomicLong(journal.lastSeq());
            AtomicLong ops = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(17);
                Account w = new Account();
                for (int i = 0; i < 400_000 && !stop.get(); i++) {
                    long id = 1 + random.nextInt(ACCOUNTS);
                    accounts.read(id, w);
                    long units = 1 + random.nextInt(50);
                    w.moneyMicros(w.moneyMicros() - units * 1_000).remainingUnits(0, w.remainingUnits(0) - units);
                    long seq = journal.append(journal.record().reset(CdrKind.EVENT, T0 + i).msisdn(id).units(units)
                            .retailMicros(units * 1_000).afterState(w));
                    w.lastJournalSeq(seq);
                    accounts.write(w);
                    if (i % 16 == 15) {
                        journal.endOfBatch();
                        applied.set(journal.lastSeq());   // as the processor's batch end moves the checkpoint
                    }
                    ops.incrementAndGet();
                }
                journal.endOfBatch();
                applied.set(journal.lastSeq());
            }, "test-charging-writer");
            writer.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (ops.get() < 20_000 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            snapshotSeq = applied.get();
            long opsBefore = ops.get();
            stores.accountSnapshots().takeNow(snapshotSeq);
            writtenDuringWalk = ops.get() - opsBefore;
            Thread.sleep(50);
            stop.set(true);
            writer.join(60_000);
            assertTrue(!writer.isAlive(), "the writer stopped");
            accounts.forEach(x -> expected.put(x.accountId(), new Account().copyFrom(x)));
            assertEquals(ACCOUNTS, expected.size());
            stores.closeAsIfKilled();   // the accounts in memory die with the process
        }
        System.out.printf("account snapshot at seq %d; %d charges landed during the walk%n", snapshotSeq,
                writtenDuringWalk);

        try (Journal journal = Journal.open(dir.resolve(Journal.DIR_NAME), JournalConfig.defaults());
             Stores stores = Stores.open(dir, CONFIG)) {
            assertEquals(snapshotSeq, stores.accountSnapshotSeq());
            assertTrue(journal.lastSeq() > snapshotSeq, "the journal went on after the snapshot");
            JournalRecovery.apply(journal, stores.accounts(), snapshotSeq, e -> { });
            Account back = new Account();
            for (Account want : expected.values()) {
                assertTrue(stores.accounts().read(want.accountId(), back), "account " + want.accountId());
                assertEquals(want.moneyMicros(), back.moneyMicros(), "money of " + want.accountId());
                assertEquals(want.lastJournalSeq(), back.lastJournalSeq(), "seq of " + want.accountId());
                assertEquals(want.remainingUnits(0), back.remainingUnits(0), "units of " + want.accountId());
            }
            assertEquals(ACCOUNTS, stores.accounts().count());
        }
    }

    @Test
    @Timeout(30)
    void aSnapshotIsTakenOnceEnoughRecordsWereAppliedLongBeforeItsInterval() throws Exception {
        AtomicLong applied = new AtomicLong();
        try (Stores stores = Stores.open(dir, CONFIG)) {
            stores.accountSnapshots().everyRecords(1_000);
            stores.accountSnapshots().start(3_600_000L, applied::get, applied::get, () -> false);
            stores.accounts().create(new Account().clear(7).moneyMicros(5_000_000).lastJournalSeq(900));
            applied.set(900);
            Thread.sleep(2_500);   // the check runs every second: 900 records are not enough
            assertEquals(0, stores.accountSnapshots().taken(), "below the count, within the interval: none");
            applied.set(1_200);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (stores.accountSnapshots().taken() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, stores.accountSnapshots().taken());
            assertEquals(1_200, stores.accountSnapshots().newestSeq());
        }
    }

    @Test
    void aCleanCloseSnapshotsAtTheAppliedSeqAndAStartNeedsNoTail() throws Exception {
        try (Stores stores = Stores.open(dir, CONFIG)) {
            stores.accountSnapshots().start(3_600_000L, () -> 42, () -> 42, () -> false);
            Account a = new Account().clear(7).moneyMicros(5_000_000).lastJournalSeq(42);
            stores.accounts().create(a);
        }
        try (Stores stores = Stores.open(dir, CONFIG)) {
            assertEquals(42, stores.accountSnapshotSeq());
            Account back = new Account();
            assertTrue(stores.accounts().read(7, back));
            assertEquals(5_000_000, back.moneyMicros());
        }
    }

    @Test
    void aSnapshotAKillCutShortLeavesNoFileBehindAfterTheNextStart() throws Exception {
        try (Stores stores = Stores.open(dir, CONFIG)) {
            stores.accounts().create(new Account().clear(7).moneyMicros(5_000_000).lastJournalSeq(3));
            stores.accountSnapshots().takeNow(3);
        }
        // what a kill -9 in the middle of a periodic snapshot's walk leaves: its temporary file, as large as a
        // whole snapshot (gigabytes at millions of accounts), named by a seq no later snapshot may reuse
        Path cut = dir.resolve("snapshots").resolve(String.format("accounts-%020d.snap.tmp", 9_000L));
        Files.write(cut, new byte[64 * 1024]);
        try (Stores stores = Stores.open(dir, CONFIG)) {
            assertEquals(3, stores.accountSnapshotSeq());
            assertTrue(stores.accounts().exists(7));
        }
        assertTrue(!Files.exists(cut), "the cut-short snapshot's temporary file is deleted at the next start");
    }

    @Test
    void aDirectoryWhoseOnlySnapshotIsUnreadableRefusesToStartWithNoAccounts() throws Exception {
        try (Stores stores = Stores.open(dir, CONFIG)) {
            stores.accounts().create(new Account().clear(7).moneyMicros(5_000_000));
        }
        Path snap;
        try (var files = Files.list(dir.resolve("snapshots"))) {
            snap = files.filter(f -> f.getFileName().toString().startsWith("accounts-")).findFirst().orElseThrow();
        }
        Files.write(snap, new byte[] {1, 2, 3});
        Exception x = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> Stores.open(dir, CONFIG));
        assertTrue(x.getMessage().contains("no account snapshot could be read"), x.getMessage());
    }
}
