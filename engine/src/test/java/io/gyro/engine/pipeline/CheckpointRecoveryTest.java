package io.gyro.engine.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gyro.engine.cdr.CdrKind;
import io.gyro.engine.cdr.Journal;
import io.gyro.engine.cdr.JournalCheckpoint;
import io.gyro.engine.cdr.JournalConfig;
import io.gyro.engine.cdr.JournalEntry;
import io.gyro.engine.store.Account;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import io.gyro.engine.store.Subscriber;
import io.gyro.engine.wal.CdrExport;
import io.gyro.engine.wal.Wal;
import io.gyro.engine.wal.WalConfig;
import io.gyro.rating.Rater;
import io.gyro.rating.Wallet;
import io.gyro.rating.catalogue.Catalogue;
import io.gyro.rating.catalogue.CatalogueLoadResult;
import io.gyro.rating.catalogue.CatalogueLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Start-up recovery from the journal checkpoint: a kill at each point of a request (before its record, between
 * its record and its account write, before the key of a top-up is kept, after the request but before the batch
 * end, after the batch end), a clean stop, a directory from before checkpoints and an unreadable checkpoint.
 * Each time: only the records after the checkpoint are read (all of them without a usable one), balances are
 * what the journal says, and a retried top-up credits exactly once.
 *
 * <p>A "kill" here: the maps closed without the clean-shutdown marker (the state a kill -9 leaves when no
 * Chronicle segment lock was held; held locks are {@code StoresLockProbeTest}'s subject), the journal, the
 * checkpoint and the top-up keys file left open and never forced, as a dead process leaves them. Real kill -9
 * of a child engine under load: {@code io.gyro.engine.crash.KillNineEngineTest}.
 */
class CheckpointRecoveryTest {
    private static final long MSISDN = 8617000000001L;
    private static final long IMSI = 460990000000001L;
    private static final long OPENING = 100_000_000L;
    private static Catalogue catalogue;

    @TempDir
    Path root;
    private final long nowMs = Instant.parse("2026-01-10T04:00:00Z").toEpochMilli();

    /** Records go through the write-ahead log and its export, as in the engine ({@link CheckpointRecoveryWalTest}). */
    boolean throughWal() {
        return false;
    }

    @BeforeAll
    static void loadCatalogue() {
        Path p = Path.of("").toAbsolutePath();
        while (!p.resolve("config/catalogue.yaml").toFile().exists()) {
            p = p.getParent();
        }
        CatalogueLoadResult loaded = CatalogueLoader.load(p.resolve("config/catalogue.yaml"));
        assertTrue(loaded.ok(), String.valueOf(loaded.problems()));
        catalogue = loaded.catalogue();
    }

    /** One run of the engine's state on the data directory, recovered as {@code Engine.start} does. */
    private final class Run {
        final Path data = root.resolve("data");
        final Stores stores;
        final Journal journal;
        /** Null unless {@link #throughWal()}. */
        final Wal wal;
        final CdrExport export;
        final JournalCheckpoint checkpoint;
        final TopUpKeys keys;
        final StartupRecovery.Result startup;
        final ChargingState state;
        final ChargingProcessor processor;

        Run() throws Exception {
            stores = Stores.open(data, new StoreConfig(1000, 1000));
            journal = Journal.open(data.resolve(Journal.DIR_NAME), JournalConfig.defaults());
            if (throughWal()) {
                // as Engine.start: what the log holds beyond the journal is exported before recovery reads it
                wal = Wal.open(data.resolve(Wal.DIR_NAME), WalConfig.defaults());
                wal.continueAfter(journal.writtenSeq());
                export = new CdrExport(wal, journal);
                export.drain();
            } else {
                wal = null;
                export = null;
            }
            keys = TopUpKeys.open(data);
            // as Engine.start: with the log, the records to roll forward are decoded from it
            startup = StartupRecovery.recover(journal, wal, stores, keys, nowMs, 60_000);
            checkpoint = new JournalCheckpoint(journal.lastSeq());
            // as Engine.start; the periodic snapshot never comes within a test: snapshot() takes one
            stores.accountSnapshots().start(3_600_000L, checkpoint::seq, checkpoint::seq, checkpoint::held);
            Records records = new Records(journal, checkpoint);
            if (wal != null) {
                journal.exportOf(export);
                export.start();
                records = new Records(wal, export, journal, checkpoint);
            }
            state = new ChargingState(stores, records, new Rater(catalogue),
                    new ChargingState.Settings("ocs".getBytes(StandardCharsets.US_ASCII),
                            "realm".getBytes(StandardCharsets.US_ASCII), 60_000), keys);
            processor = new ChargingProcessor(state, nowMs, 16);
        }

        /** The end of a processor batch (here a timer tick's). */
        void batchEnd() {
            RingEvent tick = new RingEvent();
            tick.kind = RingEvent.Kind.TICK;
            tick.timeMs = nowMs;
            processor.onEvent(tick, 0, true);
        }

        Map<String, Object> topUp(String key, long micros) {
            return Admin.topUp(state, MSISDN, micros, key, nowMs);
        }

        long money() {
            Account a = new Account();
            assertTrue(stores.accounts().read(MSISDN, a));
            return a.moneyMicros();
        }

        /** The periodic account snapshot, taken now at the last batch end's seq. */
        long snapshot() throws Exception {
            stores.accountSnapshots().takeNow(checkpoint.seq());
            return checkpoint.seq();
        }

        /** With the log: waits until the JSON journal holds every record (a test that edits its file needs them). */
        void exported() {
            if (export != null) {
                assertTrue(state.records.awaitExport(5_000));
            }
        }

        /** What a kill -9 leaves: nothing closed or forced, no clean-shutdown marker. */
        void kill() throws Exception {
            if (export != null) {
                // the exporter dies where it is: what it had not exported stays in the log only
                export.halt();
            }
            stores.closeAsIfKilled();
        }

        /** A clean stop: the processor ends its last batch, then everything is closed. */
        void close() throws Exception {
            batchEnd();
            if (wal != null) {
                export.close();
                wal.close();
            }
            journal.close();
            keys.close();
            stores.close();
        }
    }

    /** Money by the journal alone: every record's after-state of the account, the last one wins. */
    private static long journalMoney(Journal journal) throws Exception {
        long money = -1;
        try (Journal.Scanner s = journal.scan()) {
            while (s.hasNext()) {
                JournalEntry e = s.next();
                if (e.accountId == MSISDN && e.hasAfterState()) {
                    Account a = new Account().clear(MSISDN);
                    e.applyTo(a);
                    money = a.moneyMicros();
                }
            }
        }
        return money;
    }

    private static long credits(Journal journal, String key) throws Exception {
        long n = 0;
        try (Journal.Scanner s = journal.scan()) {
            while (s.hasNext()) {
                JournalEntry e = s.next();
                if (e.kind == CdrKind.TOP_UP && key.equals(e.idempotencyKey)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** A subscriber with a few top-ups, each batch ended: a journal of some length before the point under test. */
    private Run provisioned() throws Exception {
        Run r = new Run();
        Admin.createSubscriber(r.state, MSISDN, IMSI, "basic", OPENING, true, nowMs);
        r.batchEnd();
        for (int i = 0; i < 20; i++) {
            r.topUp("early-" + i, 1_000_000);
            r.batchEnd();
        }
        r.snapshot();
        return r;
    }

    @Test
    void killAfterTheBatchEndReadsNothingAndARetriedTopUpCreditsOnce() throws Exception {
        Run first = provisioned();
        first.topUp("k1", 5_000_000);
        first.batchEnd();
        long money = first.money();
        long snapshotSeq = first.journal.lastSeq() - 1;
        first.kill();

        Run second = new Run();
        assertNull(second.startup.wholeJournalWhy());
        assertEquals(snapshotSeq, second.startup.readAfterSeq());
        assertEquals(1, second.startup.recordsScanned(), "the top-up after the snapshot only");
        assertEquals(Boolean.TRUE, second.topUp("k1", 5_000_000).get("replayed"));
        assertEquals(Boolean.TRUE, second.topUp("early-0", 1_000_000).get("replayed"), "an old key too");
        assertEquals(money, second.money());
        assertEquals(1, credits(second.journal, "k1"));
        second.close();
    }

    @Test
    void killBetweenARecordAndItsAccountWriteRollsForwardFromTheTailOnly() throws Exception {
        Run first = provisioned();
        long checkpointed = first.journal.lastSeq();
        long before = first.money();
        // a top-up in flight: its record appended, then the kill (no account write, no key kept, no batch end)
        Subscriber sub = Admin.findSubscriber(first.state, MSISDN);
        Wallet w = walletOf(first.state);
        w.moneyMicros += 7_000_000;
        long seq = first.state.records.topUp(sub, 7_000_000, "k2", w, nowMs, "top-up");
        first.kill();

        Run second = new Run();
        assertEquals(checkpointed, second.startup.readAfterSeq());
        assertEquals(throughWal() ? "log" : "journal", second.startup.rolledFrom());
        assertEquals(1, second.startup.recordsScanned(), "only the record after the checkpoint");
        assertEquals(1, second.startup.journalRecovery().applied());
        assertEquals(before + 7_000_000, second.money(), "the journaled credit reached the account");
        assertEquals(journalMoney(second.journal), second.money());
        Map<String, Object> retry = second.topUp("k2", 7_000_000);
        assertEquals(Boolean.TRUE, retry.get("replayed"), "the key was found in the journal's tail");
        assertEquals(seq, retry.get("recordSeq"));
        assertEquals(before + 7_000_000, second.money());
        second.batchEnd();
        second.kill();

        Run third = new Run();
        assertEquals(1, third.startup.recordsScanned(), "no snapshot since the first run's: its record again");
        assertEquals(before + 7_000_000, third.money(), "applied once");
        assertEquals(Boolean.TRUE, third.topUp("k2", 7_000_000).get("replayed"), "kept in the keys file since");
        assertEquals(1, credits(third.journal, "k2"));
        third.close();
    }

    @Test
    void killAfterTheRequestBeforeItsBatchEndChangesNothingTwice() throws Exception {
        Run first = provisioned();
        long checkpointed = first.journal.lastSeq();
        first.topUp("k3", 3_000_000);              // record, account, key: all written
        long money = first.money();
        first.kill();                              // before the batch end: the checkpoint did not move

        Run second = new Run();
        assertEquals(checkpointed, second.startup.readAfterSeq());
        assertEquals(1, second.startup.recordsScanned());
        assertEquals(1, second.startup.journalRecovery().applied(),
                "the account in memory died with the process: its record brings the top-up back");
        assertEquals(money, second.money());
        assertEquals(Boolean.TRUE, second.topUp("k3", 3_000_000).get("replayed"));
        assertEquals(money, second.money());
        second.close();
    }

    @Test
    void aReservationWrittenAfterTheCheckpointWithoutItsSessionIsGivenBack() throws Exception {
        Run first = provisioned();
        // a CCR-I in flight: its reservation written to the account (no record: nothing charged), caught by a
        // snapshot, then the kill before its session write
        Account a = new Account();
        first.stores.accounts().read(MSISDN, a);
        a.reservedMicros(a.reservedMicros() + 2_500_000);
        first.stores.accounts().write(a);
        first.snapshot();
        first.kill();

        Run second = new Run();
        assertEquals(0, second.startup.recordsScanned());
        assertEquals(1, second.startup.accountsReservationsFixed(), "the snapshot held a reservation no session holds");
        Account back = new Account();
        second.stores.accounts().read(MSISDN, back);
        assertEquals(0, back.reservedMicros(), "no session holds it: given back");
        second.close();
    }

    @Test
    void aReservationOnlyAJournaledAfterStateCarriesIsGivenBackToo() throws Exception {
        // The snapshot holds the account without reservations; a record after it carries one (its request reserved
        // for a session that never reached the session log): the roll-forward writes it, and recovery gives it back.
        Run first = provisioned();
        Subscriber sub = Admin.findSubscriber(first.state, MSISDN);
        Wallet w = walletOf(first.state);
        w.reservedMicros += 2_000_000;
        first.state.records.fee(CdrKind.ADJUSTMENT, sub, 0, w, nowMs, "a reservation in an after-state");
        first.kill();

        Run second = new Run();
        assertEquals(1, second.startup.journalRecovery().applied());
        assertEquals(1, second.startup.accountsReservationsFixed(), "the rolled-forward account is compared too");
        Account back = new Account();
        second.stores.accounts().read(MSISDN, back);
        assertEquals(0, back.reservedMicros(), "no session holds it: given back");
        second.close();
    }

    @Test
    void anAccountWrittenAfterTheCheckpointKeepsWhatItsOpenSessionsHoldAndNoMore() throws Exception {
        Run first = provisioned();
        // an open session holding 1.00 of the account, both written before the checkpoint
        io.gyro.engine.store.Session session = new io.gyro.engine.store.Session();
        session.id().set("pgw1;1;checkpoint-test");
        session.msisdn(MSISDN).accountId(MSISDN).expiresAtMs(nowMs + 3_600_000);
        session.reservedMicros(session.addSlot(100, 0), 1_000_000);
        first.stores.sessions().write(session);
        Account a = new Account();
        first.stores.accounts().read(MSISDN, a);
        first.stores.accounts().write(a.reservedMicros(1_000_000));
        first.batchEnd();
        // then a second reservation in flight: account written, its session never
        first.stores.accounts().read(MSISDN, a);
        first.stores.accounts().write(a.reservedMicros(3_500_000));
        first.snapshot();
        first.kill();

        Run second = new Run();
        assertEquals(1, second.startup.accountsReservationsFixed());
        Account back = new Account();
        second.stores.accounts().read(MSISDN, back);
        assertEquals(1_000_000, back.reservedMicros(), "what the open session holds");
        second.close();
    }

    @Test
    void killBeforeTheRecordLeavesNoTraceAndTheRetryCredits() throws Exception {
        Run first = provisioned();
        long money = first.money();
        first.kill();                              // the top-up "k4" had not reached the journal

        Run second = new Run();
        assertEquals(0, second.startup.recordsScanned());
        assertTrue(second.topUp("k4", 4_000_000).get("replayed") == null, "never credited: credited now");
        assertEquals(money + 4_000_000, second.money());
        second.close();
    }

    /** The subscriber's account as a wallet, to build a record's after-state from. */
    private static Wallet walletOf(ChargingState s) {
        Account a = new Account();
        assertTrue(s.stores.accounts().read(MSISDN, a));
        Wallet w = new Wallet();
        ChargingState.toWallet(a, w);
        return w;
    }

    /** Journals a fee on the subscriber's account without writing the account: a request failing half way. */
    private void journalFeeWithoutAccountWrite(ChargingState s, long feeMicros) {
        Subscriber sub = Admin.findSubscriber(s, MSISDN);
        Wallet w = walletOf(s);
        w.moneyMicros -= feeMicros;
        s.records.fee(CdrKind.FEE, sub, feeMicros, w, nowMs, "a fee whose account write failed");
    }

    @Test
    void aCleanStopKeepsTheKeysAndReadsNothing() throws Exception {
        Run first = provisioned();
        first.topUp("k5", 2_000_000);
        first.close();

        Run second = new Run();
        assertEquals(0, second.startup.recordsScanned());
        assertEquals(second.journal.lastSeq(), second.startup.readAfterSeq());
        assertEquals(Boolean.TRUE, second.topUp("k5", 2_000_000).get("replayed"));
        second.close();
    }

    @Test
    void aDirectoryWithoutAnAccountSnapshotRebuildsTheAccountsFromTheWholeJournalOnceThenReadsOnlyItsTail()
            throws Exception {
        Run first = provisioned();
        first.topUp("k6", 6_000_000);
        long money = first.money();
        long last = first.journal.lastSeq();
        first.kill();
        // no account snapshot and no keys file (lost, or a directory from before them)
        deleteAccountSnapshots();
        Files.delete(root.resolve("data").resolve(TopUpKeys.FILE_NAME));

        Run second = new Run();
        assertTrue(second.startup.wholeJournalWhy().contains("no account snapshot"), second.startup.wholeJournalWhy());
        assertEquals(last, second.startup.recordsScanned(), "every record");
        assertEquals(money, second.money());
        assertEquals(Boolean.TRUE, second.topUp("k6", 6_000_000).get("replayed"));
        assertEquals(Boolean.TRUE, second.topUp("early-3", 1_000_000).get("replayed"));
        second.close();

        Run third = new Run();
        assertNull(third.startup.wholeJournalWhy());
        assertEquals(0, third.startup.recordsScanned());
        assertEquals(Boolean.TRUE, third.topUp("early-3", 1_000_000).get("replayed"), "keys kept from the whole read");
        assertEquals(money, third.money());
        third.close();
    }

    private void deleteAccountSnapshots() throws Exception {
        try (java.util.stream.Stream<Path> files = Files.list(root.resolve("data").resolve("snapshots"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("accounts-")).toList()) {
                Files.delete(f);
            }
        }
    }

    @Test
    void aCorruptNewestAccountSnapshotFallsBackToTheOlderOneWithTheLongerTail() throws Exception {
        Run first = provisioned();
        long older = first.checkpoint.seq();
        first.topUp("k7a", 1_000_000);
        first.batchEnd();
        long newer = first.snapshot();
        Subscriber sub = Admin.findSubscriber(first.state, MSISDN);
        Wallet w = walletOf(first.state);
        w.moneyMicros += 8_000_000;
        first.state.records.topUp(sub, 8_000_000, "k7", w, nowMs, "top-up"); // in flight at the kill
        long expected = first.money() + 8_000_000;
        first.kill();
        Path newest = root.resolve("data").resolve("snapshots").resolve(String.format("accounts-%020d.snap", newer));
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(newest, bytes);

        Run second = new Run();
        assertNull(second.startup.wholeJournalWhy());
        assertEquals(older, second.startup.readAfterSeq(), "the older snapshot was loaded");
        assertEquals(2, second.startup.recordsScanned());
        assertEquals(expected, second.money());
        assertEquals(Boolean.TRUE, second.topUp("k7", 8_000_000).get("replayed"));
        second.close();
    }

    @Test
    void anAccountSnapshotPastTheJournalsEndIsNotTrusted() throws Exception {
        Run first = provisioned();
        first.stores.accountSnapshots().takeNow(first.journal.lastSeq() + 5); // as if journal records were lost
        first.kill();

        Run second = new Run();
        assertTrue(second.startup.wholeJournalWhy().contains("past the journal's last record"),
                second.startup.wholeJournalWhy());
        assertEquals(second.journal.lastSeq(), second.startup.recordsScanned());
        second.close();
    }

    @Test
    void aRequestThatFailedHalfWayStaysAfterTheCheckpointAndIsRolledForwardEvenAfterACleanStop() throws Exception {
        Run first = provisioned();
        long before = first.money();
        long held = first.journal.lastSeq();
        journalFeeWithoutAccountWrite(first.state, 1_500_000);
        first.state.records.holdCheckpoint(held);   // what the processor does when a request throws
        first.batchEnd();
        first.batchEnd();                           // later batches end: the checkpoint stays held
        assertEquals(held, first.checkpoint.seq());
        assertEquals(before, first.money(), "the fee's account write never happened");
        first.close();

        Run second = new Run();
        assertEquals(held, second.startup.readAfterSeq());
        assertEquals(1, second.startup.recordsScanned());
        assertEquals(before - 1_500_000, second.money(), "rolled forward after a clean stop");
        assertEquals(journalMoney(second.journal), second.money());
        assertEquals(second.journal.lastSeq(), second.checkpoint.seq(), "and the checkpoint moves on");
        second.close();
    }

    @Test
    void theProcessorHoldsTheCheckpointWhenARequestThrows() throws Exception {
        Run first = provisioned();
        long held = first.journal.lastSeq();
        RingEvent bad = new RingEvent();
        bad.kind = RingEvent.Kind.ADMIN;
        bad.admin = null;                           // a bug in the event: NullPointerException in the processor
        first.processor.onEvent(bad, 0, true);
        first.topUp("k9", 1_000_000);
        first.batchEnd();
        assertEquals(held, first.checkpoint.seq());
        first.close();
    }
    @Test
    void aLostKeysFileMakesTheStartReadTheWholeJournalSoAnEarlyKeyIsKnownAgain() throws Exception {
        Run first = provisioned();
        first.close();
        Files.delete(root.resolve("data").resolve(TopUpKeys.FILE_NAME));
        Run second = new Run();
        assertTrue(second.startup.wholeJournalWhy().contains("top-up keys incomplete"), second.startup.wholeJournalWhy());
        assertEquals(second.journal.lastSeq(), second.startup.recordsScanned());
        assertEquals(Boolean.TRUE, second.topUp("early-0", 1_000_000).get("replayed"), "an early key is known again");
        assertEquals(1, credits(second.journal, "early-0"));
        second.close();
    }

    @Test
    void aHeldRecordIsRolledForwardAlsoWhenTheWholeJournalIsReadForAnotherReason() throws Exception {
        Run first = provisioned();
        long before = first.money();
        long held = first.journal.lastSeq();
        journalFeeWithoutAccountWrite(first.state, 1_500_000);
        first.state.records.holdCheckpoint(held);
        first.close();
        Files.delete(root.resolve("data").resolve(TopUpKeys.FILE_NAME));

        Run second = new Run();
        assertTrue(second.startup.wholeJournalWhy().contains("top-up keys incomplete"), second.startup.wholeJournalWhy());
        assertEquals(before - 1_500_000, second.money(), "rolled forward though the stop was clean");
        assertEquals(journalMoney(second.journal), second.money());
        second.close();
    }

    @Test
    void aRefusedAdminCallThatJournaledNothingHoldsNothingSoTheNextStartIsClean() throws Exception {
        Run first = provisioned();
        AdminTask refused = new AdminTask() {
            @Override
            protected Object run(ChargingState s) {
                throw ApiException.notFound("msisdn=1: no such subscriber");
            }
        };
        RingEvent e = new RingEvent();
        e.kind = RingEvent.Kind.ADMIN;
        e.admin = refused;
        first.processor.onEvent(e, 0, true);
        assertTrue(refused.result.isCompletedExceptionally());
        first.topUp("k11", 1_000_000);
        first.batchEnd();
        assertTrue(!first.checkpoint.held(), "a 404 changed nothing: nothing to hold");
        assertEquals(first.journal.lastSeq(), first.checkpoint.seq());
        first.close();

        Run second = new Run();
        assertTrue(!second.stores.recovered(), "the stop was clean");
        assertEquals(0, second.startup.recordsScanned());
        second.close();
    }

    @Test
    void anAdminTaskThatFailsAfterJournalingHoldsTheCheckpoint() throws Exception {
        Run first = provisioned();
        long held = first.journal.lastSeq();
        AdminTask failing = new AdminTask() {
            @Override
            protected Object run(ChargingState s) {
                journalFeeWithoutAccountWrite(s, 500_000);
                throw new IllegalStateException("account write failed");
            }
        };
        RingEvent e = new RingEvent();
        e.kind = RingEvent.Kind.ADMIN;
        e.admin = failing;
        long before = first.money();
        first.processor.onEvent(e, 0, true);
        assertTrue(failing.result.isCompletedExceptionally());
        assertEquals(before - 500_000, first.money(), "its journaled fee is applied at once");
        first.topUp("k10", 1_000_000);                     // a later write of the same account builds on it
        first.batchEnd();
        assertEquals(held, first.checkpoint.seq(), "held below the failed task's record");
        assertEquals(journalMoney(first.journal), first.money());
        first.close();

        Run second = new Run();
        assertEquals(before - 500_000 + 1_000_000, second.money(), "the fee counted once, the top-up once");
        assertEquals(journalMoney(second.journal), second.money());
        second.close();
    }

    @Test
    void aReservationLeftByARequestThatFailedBeforeAnyRecordIsGivenBackAfterACleanStop() throws Exception {
        Run first = provisioned();
        long held = first.journal.lastSeq();
        // a CCR-I that fails half way: its reservation is on the account (no record: nothing charged), its session
        // write never comes
        AdminTask failing = new AdminTask() {
            @Override
            protected Object run(ChargingState s) {
                Account a = new Account();
                assertTrue(s.stores.accounts().read(MSISDN, a));
                s.stores.accounts().write(a.reservedMicros(a.reservedMicros() + 2_500_000));
                throw new IllegalStateException("session write failed");
            }
        };
        RingEvent e = new RingEvent();
        e.kind = RingEvent.Kind.ADMIN;
        e.admin = failing;
        first.processor.onEvent(e, 0, true);
        assertTrue(failing.result.isCompletedExceptionally());
        assertEquals(held, first.checkpoint.seq(), "held, though the request journaled nothing");
        first.close();                                    // nothing journaled since: the close snapshot is at the end

        Run second = new Run();
        Account back = new Account();
        assertTrue(second.stores.accounts().read(MSISDN, back));
        assertEquals(0, back.reservedMicros(), "no session holds it: given back at the next start");
        assertEquals(1, second.startup.accountsReservationsFixed());
        second.close();
    }

    @Test
    void aRefusedSubscriberWhoseAccountExistsLeavesNoRecord() throws Exception {
        Run first = provisioned();
        long other = MSISDN + 1;
        // an account without its subscriber (left by an earlier failure, or written by hand)
        assertTrue(first.stores.accounts().create(new Account().clear(other).moneyMicros(5_000_000)));
        long last = first.journal.lastSeq();
        ApiException x = assertThrows(ApiException.class,
                () -> Admin.createSubscriber(first.state, other, IMSI + 1, "basic", OPENING, false, nowMs));
        assertTrue(x.getMessage().contains("exists"), x.getMessage());
        assertEquals(last, first.journal.lastSeq(), "nothing journaled");
        first.close();
    }

    @Test
    void aTopUpKeyThatUtf8CannotCarryIsRefused() throws Exception {
        Run first = provisioned();
        long last = first.journal.lastSeq();
        ApiException x = assertThrows(ApiException.class, () -> first.topUp("bad\ud800", 1_000_000));
        assertTrue(x.getMessage().contains("surrogates"), x.getMessage());
        assertThrows(ApiException.class, () -> first.topUp("tab\there", 1_000_000));
        assertEquals(last, first.journal.lastSeq());
        assertNull(first.topUp("ok-\ud83d\ude00", 1_000_000).get("replayed"), "a well-formed pair is accepted");
        first.close();
    }
    @Test
    void aRenewalStoppedBeforeItsSubscriberWriteIsNotChargedTwice() throws Exception {
        Run first = provisioned();
        Subscriber sub = Admin.findSubscriber(first.state, MSISDN);
        sub.nextRenewalMs(nowMs - 1_000);                 // the package period ends: a renewal is due
        first.stores.subscribers().update(sub);
        // what the renewal sweep does, up to its account write; the kill comes before its subscriber write
        int pkg = first.state.packageIndex(sub);
        Account a = new Account();
        assertTrue(first.stores.accounts().read(MSISDN, a));
        Wallet w = new Wallet();
        ChargingState.toWallet(a, w);
        long periodStart = sub.nextRenewalMs();
        io.gyro.rating.RenewalResult renewal = new io.gyro.rating.RenewalResult();
        new io.gyro.rating.Renewal(catalogue).renew(pkg, sub.subscriptionStartMs(), periodStart, 1, -1L, w, renewal);
        assertTrue(renewal.paid && renewal.feeMicros > 0, "the package has a fee the balance pays");
        long seq = first.state.records.renewalFee(sub, renewal.feeMicros, w, nowMs, periodStart, renewal.periodEndMs,
                "recurring fee; allowances renewed");
        ChargingState.fromWallet(w, a);
        a.lastJournalSeq(seq);
        first.stores.accounts().write(a);
        long charged = first.money();
        first.kill();

        Run second = new Run();
        Subscriber after = Admin.findSubscriber(second.state, MSISDN);
        assertEquals(renewal.periodEndMs, after.nextRenewalMs(), "moved to the period the fee paid for");
        assertEquals(periodStart, after.periodStartMs());
        assertEquals(charged, second.money());
        second.batchEnd();                                // a timer tick: the renewal sweep
        assertEquals(charged, second.money(), "the fee is not charged a second time");
        long fees = 0;
        try (Journal.Scanner sc = second.journal.scan()) {
            while (sc.hasNext()) {
                JournalEntry e = sc.next();
                if (e.kind == CdrKind.FEE && e.periodEndMs == renewal.periodEndMs) {
                    fees++;
                }
            }
        }
        assertEquals(1, fees);
        second.close();
    }
}
