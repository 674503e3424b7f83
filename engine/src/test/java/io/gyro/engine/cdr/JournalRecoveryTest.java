package io.gyro.engine.cdr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import io.gyro.engine.store.Account;
import io.gyro.engine.store.AccountStore;
import io.gyro.engine.store.StoreConfig;
import io.gyro.engine.store.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalRecoveryTest {
    private static final long T0 = 1_772_359_200_000L;

    @TempDir
    Path dir;
    Stores stores;
    AccountStore accounts;
    Journal journal;

    @BeforeEach
    void open() throws Exception {
        stores = Stores.open(dir, new StoreConfig(1_000, 100));
        accounts = stores.accounts();
        journal = Journal.open(dir.resolve(Journal.DIR_NAME), JournalConfig.defaults());
    }

    @AfterEach
    void close() throws Exception {
        journal.close();
        stores.close();
    }

    /** The engine's recommended step: charge, journal with the after-state, then write the account. */
    private long chargeJournalFirst(Account a, long micros, boolean writeAccount) {
        a.moneyMicros(a.moneyMicros() - micros);
        if (a.bucketCount() > 0) {
            a.remainingUnits(0, a.remainingUnits(0) - 1);
        }
        long seq = journal.append(journal.record().reset(CdrKind.EVENT, T0).msisdn(a.accountId()).retailMicros(micros)
                .afterState(a));
        a.lastJournalSeq(seq);
        if (writeAccount) {
            accounts.write(a);
        }
        return seq;
    }

    @Test
    void journalFirstKillBeforeTheMapWriteRollsForwardOnceOnly() throws Exception {
        Account a = new Account().clear(42).moneyMicros(10_000_000);
        a.addBucket(1, 100, T0 + 1000, 0, 0);
        accounts.create(a);
        chargeJournalFirst(a, 1_000_000, true);
        long seq = chargeJournalFirst(a, 2_000_000, false);  // killed here: journaled, map not written

        Account inMap = new Account();
        accounts.read(42, inMap);
        assertEquals(9_000_000, inMap.moneyMicros());

        JournalRecovery.Report first = JournalRecovery.apply(journal, accounts);
        assertEquals(1, first.applied());
        assertEquals(seq, first.first().seq);
        Account after = new Account();
        accounts.read(42, after);
        assertEquals(7_000_000, after.moneyMicros());
        assertEquals(98, after.remainingUnits(0));
        assertEquals(seq, after.lastJournalSeq());

        JournalRecovery.Report second = JournalRecovery.apply(journal, accounts);
        assertFalse(second.changedAnything());
        Account again = new Account();
        accounts.read(42, again);
        assertTrue(again.sameStateAs(after), "apply twice = apply once");
    }

    /**
     * A kill inside an account's write (its maps an image that outlives the process) can leave the record's seq stored
     * with the old buckets: the record it names is applied again.
     */
    @Test
    void anAccountWhoseSeqNamesARecordItDoesNotHoldGetsTheRecordAgain() throws Exception {
        Account a = new Account().clear(42).moneyMicros(10_000_000);
        a.addBucket(1, 100, T0 + 1000, 0, 0);
        accounts.create(a);
        long seq = chargeJournalFirst(a, 1_000_000, false);   // the record: 9.00 and 99 units left
        Account torn = new Account();
        accounts.read(42, torn);
        accounts.write(torn.moneyMicros(9_000_000).lastJournalSeq(seq));   // seq and money stored, the bucket not yet

        JournalRecovery.Report r = JournalRecovery.apply(journal, accounts);
        assertEquals(1, r.applied());
        Account after = new Account();
        accounts.read(42, after);
        assertEquals(99, after.remainingUnits(0), "the bucket as the record has it");
        assertEquals(9_000_000, after.moneyMicros());
        assertFalse(JournalRecovery.apply(journal, accounts).changedAnything(), "and then nothing more");
    }

    @Test
    void accountKnownOnlyToTheJournalIsCreatedAndOneNotInItIsLeftAlone() throws Exception {
        Account a = new Account().clear(99).moneyMicros(50_000_000);
        journal.append(journal.record().reset(CdrKind.TOP_UP, T0).msisdn(99).retailMicros(50_000_000)
                .idempotencyKey("provision-99").afterState(a));
        accounts.create(new Account().clear(5).moneyMicros(1).lastJournalSeq(1000));

        JournalRecovery.Report r = JournalRecovery.apply(journal, accounts);
        assertEquals(1, r.created());
        Account untouched = new Account();
        assertTrue(accounts.read(5, untouched));
        assertEquals(1, untouched.moneyMicros(), "an account the journal does not name is left as it is");
        Account back = new Account();
        assertTrue(accounts.read(99, back));
        assertEquals(50_000_000, back.moneyMicros());
        assertEquals(1, back.lastJournalSeq());
        assertFalse(JournalRecovery.apply(journal, accounts).changedAnything());
    }

    @Test
    void manyAccountsInTheJournalOnlyTheLaggingOneRollsForwardWithEveryRecordAfterItsMapWriteInOrder() throws Exception {
        // given: 300 accounts charged and written, then one account charged three times with only the first
        // write reaching the map (records 2 and 3 lag), then 300 more consistent charges
        for (long id = 1; id <= 300; id++) {
            Account a = new Account().clear(id).moneyMicros(1_000_000);
            accounts.create(a);
            chargeJournalFirst(a, 1_000, true);
        }
        Account lagging = new Account().clear(500).moneyMicros(9_000_000);
        accounts.create(lagging);
        chargeJournalFirst(lagging, 1_000_000, true);
        long second = chargeJournalFirst(lagging, 1_000_000, false);
        long third = chargeJournalFirst(lagging, 1_000_000, false);
        for (long id = 1; id <= 300; id++) {
            Account a = new Account();
            accounts.read(id, a);
            chargeJournalFirst(a, 1_000, true);
        }

        // when
        JournalRecovery.Report r = JournalRecovery.apply(journal, accounts);

        // then
        assertEquals(journal.lastSeq(), r.recordsScanned());
        assertEquals(2, r.applied(), "the lagging account's two records, nothing else");
        assertEquals(second, r.first().seq);
        assertEquals(third, r.last().seq);
        Account back = new Account();
        accounts.read(500, back);
        assertEquals(6_000_000, back.moneyMicros());
        assertEquals(third, back.lastJournalSeq());
        accounts.read(150, back);
        assertEquals(998_000, back.moneyMicros());
        assertFalse(JournalRecovery.apply(journal, accounts).changedAnything());
    }

    @Test
    void everyRecordIsHandedToTheStartUpCollectorInOrderWhetherOrNotAnythingLags() throws Exception {
        Account a = new Account().clear(42).moneyMicros(10_000_000);
        accounts.create(a);
        chargeJournalFirst(a, 1, true);
        chargeJournalFirst(a, 1, true);
        chargeJournalFirst(a, 1, false);
        java.util.List<Long> seen = new java.util.ArrayList<>();
        JournalRecovery.apply(journal, accounts, 0, e -> seen.add(e.seq));
        assertEquals(java.util.List.of(1L, 2L, 3L), seen);
    }
}
