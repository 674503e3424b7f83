package io.gyro.engine.cdr;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.gyro.engine.store.Account;
import io.gyro.engine.store.AccountStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls the accounts forward with the journal: at start, after the accounts were loaded from their newest snapshot
 * ({@code store.AccountSnapshot}), before the processor starts; and by the offline audit the same way. Idempotent:
 * applying it twice changes nothing the second time.
 *
 * <p>Per request the processor (1) computes the new account state, (2) appends the record with the after-state to
 * the journal (the commit point), (3) writes the account with {@code lastJournalSeq = seq} (and the session with its
 * answer), (4) answers. The accounts are in memory and a snapshot is fuzzy: it names a seq up to which every record
 * was applied, and it may hold some accounts in a later state. So every record after that seq whose seq is above
 * its account's own {@code lastJournalSeq} is applied, in seq order, and an account the snapshot lacks is created
 * from its first such record. A snapshot is never ahead of the journal (it waits for the journal to hold the newest
 * record it saw), so nothing has to be rolled back. (That a retransmission of a request whose record is applied here
 * is not charged twice is the session reconciliation's part, from the same journal tail.)
 *
 * <p>Cost: one pass over the journal after the snapshot's seq, parsing each line (allocation is fine here), and one
 * read (from the store's cache, mostly) and write per record applied. Not on the request path.
 */
public final class JournalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

    private JournalRecovery() {
    }

    /**
     * What recovery did.
     *
     * @param recordsScanned      journal records read
     * @param applied             records whose after-state was copied into a lagging account
     * @param created             accounts that existed only in the journal and were created from it
     * @param first               the first record applied, or null
     * @param last                the last record applied, or null
     * @param reservationHolders  accounts an applied after-state left holding reserved money or units (start-up
     *                            recovery compares those with the sessions)
     */
    public record Report(long recordsScanned, long applied, int created, JournalEntry first, JournalEntry last,
                         long[] reservationHolders) {
        public boolean changedAnything() {
            return applied > 0 || created > 0;
        }

        /** Counts, and the first and last record applied (a start after a kill may apply millions). */
        @Override
        public String toString() {
            return recordsScanned + " records scanned, " + applied + " applied (" + created + " accounts created)"
                    + (first == null ? "" : ", first " + first + ", last " + last);
        }
    }

    public static Report apply(Journal journal, AccountStore accounts) throws IOException {
        return apply(journal, accounts, 0, e -> { });
    }

    /**
     * As {@link #apply(Journal, AccountStore)}, over the records after {@code afterSeq} only (the account snapshot's
     * seq: every record up to it is applied to the accounts as loaded), and hands every record read to
     * {@code alsoEach} as well, in seq order, so start-up work that needs the tail too (top-up keys, sessions) rides
     * on this one parse.
     */
    public static Report apply(Journal journal, AccountStore accounts, long afterSeq,
                               java.util.function.Consumer<JournalEntry> alsoEach) throws IOException {
        return apply(() -> journal.scanAfter(afterSeq), accounts, afterSeq, alsoEach);
    }

    /** Opens a reading of the records that starts at or before the first record after the seq asked for. */
    @FunctionalInterface
    public interface Tail {
        EntrySource open() throws IOException;
    }

    /**
     * As {@link #apply(Journal, AccountStore, long, java.util.function.Consumer)}, reading through {@code tail}
     * (records up to {@code afterSeq} in it are skipped): the offline audit reads a stopped engine's journal so.
     */
    public static Report apply(Tail tail, AccountStore accounts, long afterSeq,
                               java.util.function.Consumer<JournalEntry> alsoEach) throws IOException {
        // One pass, in seq order: a record is applied when its account lacks it (the account's lastJournalSeq is
        // below the record's seq, or the account does not exist yet). After-states are whole, so applying them in order
        // leaves each account at its last record's; an account already past a record skips it.
        Account account = new Account();
        Account before = new Account();
        long scanned = 0;
        long applied = 0;
        int created = 0;
        JournalEntry first = null;
        JournalEntry last = null;
        java.util.Set<Long> holders = new java.util.HashSet<>();
        try (EntrySource scanner = tail.open()) {
            while (scanner.hasNext()) {
                JournalEntry e = scanner.next();
                if (e.seq <= afterSeq) {
                    continue;
                }
                scanned++;
                alsoEach.accept(e);
                if (!e.hasAfterState()) {
                    continue;
                }
                boolean exists = accounts.read(e.accountId, account);
                if (exists && e.seq < account.lastJournalSeq()) {
                    continue;
                }
                if (exists && e.seq == account.lastJournalSeq()) {
                    // The account says it has this record. A kill inside its write (an account image outlives the
                    // process) can have stored that seq with only part of the rest: the record is applied again when
                    // the balances differ from its after-state.
                    before.copyFrom(account);
                    e.applyTo(account);
                    if (sameBalances(account, before)) {
                        continue;
                    }
                } else {
                    if (!exists) {
                        account.clear(e.accountId);
                        created++;
                    }
                    e.applyTo(account);
                }
                accounts.write(account);
                applied++;
                if (first == null) {
                    first = e;
                }
                last = e;
                if (holdsReservation(account)) {
                    holders.add(e.accountId);
                } else {
                    holders.remove(e.accountId);
                }
            }
        }
        long[] reservationHolders = holders.stream().mapToLong(Long::longValue).toArray();
        Report report = new Report(scanned, applied, created, first, last, reservationHolders);
        LOG.info("journal roll-forward after seq {}: {} records scanned, {} applied ({} accounts created)", afterSeq,
                scanned, applied, created);
        return report;
    }

    /** Money and buckets (ids, units left, expiry, service, priority, source) equal; reservations not compared. */
    static boolean sameBalances(Account a, Account b) {
        if (a.moneyMicros() != b.moneyMicros() || a.nextBucketId() != b.nextBucketId() || a.bucketCount() != b.bucketCount()) {
            return false;
        }
        for (int i = 0; i < a.bucketCount(); i++) {
            if (a.bucketId(i) != b.bucketId(i) || a.remainingUnits(i) != b.remainingUnits(i) || a.expiryMs(i) != b.expiryMs(i)
                    || a.service(i) != b.service(i) || a.priority(i) != b.priority(i) || a.sourceCode(i) != b.sourceCode(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean holdsReservation(Account a) {
        if (a.reservedMicros() != 0) {
            return true;
        }
        for (int i = 0; i < a.bucketCount(); i++) {
            if (a.reservedUnits(i) != 0) {
                return true;
            }
        }
        return false;
    }
}
