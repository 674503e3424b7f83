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
 * record it saw), so nothing has to be rolled back. {@link Report#rolledForward()} lists the records applied, whose
 * answers may never have left: the Gy adapter marks their session ids and CC-Request-Numbers as answered, so a
 * retransmission is not charged twice.
 *
 * <p>Cost: one pass over the journal after the snapshot's seq, parsing each line (allocation is fine here), one read
 * per account named there, and a second pass over that tail only when an account lags it. Not on the request path.
 */
public final class JournalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

    private JournalRecovery() {
    }

    /**
     * What recovery did.
     *
     * @param recordsScanned journal records read
     * @param rolledForward  records whose after-state was copied into a lagging account
     * @param created        accounts that existed only in the journal and were created from it
     */
    public record Report(long recordsScanned, List<JournalEntry> rolledForward, int created) {
        public boolean changedAnything() {
            return !rolledForward.isEmpty() || created > 0;
        }

        /** Counts, and the first and last record applied (a start after a kill may apply millions). */
        @Override
        public String toString() {
            return recordsScanned + " records scanned, " + rolledForward.size() + " applied (" + created
                    + " accounts created)" + (rolledForward.isEmpty() ? "" : ", first " + rolledForward.get(0)
                    + ", last " + rolledForward.get(rolledForward.size() - 1));
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

    /** Opens a reading of the journal that starts at or before the first record after the seq asked for. */
    @FunctionalInterface
    public interface Tail {
        Journal.Scanner open() throws IOException;
    }

    /**
     * As {@link #apply(Journal, AccountStore, long, java.util.function.Consumer)}, reading through {@code tail}
     * (records up to {@code afterSeq} in it are skipped): the offline audit reads a stopped engine's journal so.
     */
    public static Report apply(Tail tail, AccountStore accounts, long afterSeq,
                               java.util.function.Consumer<JournalEntry> alsoEach) throws IOException {
        // First pass: the last record of each account. An account lags the journal exactly when its last
        // record's seq is above its lastJournalSeq (or it does not exist), so each account named in the journal
        // is read once, after the pass, instead of once per record.
        Account account = new Account();
        Map<Long, Long> lastSeqByAccount = new HashMap<>();
        long scanned = 0;
        try (Journal.Scanner scanner = tail.open()) {
            while (scanner.hasNext()) {
                JournalEntry e = scanner.next();
                if (e.seq <= afterSeq) {
                    continue;
                }
                scanned++;
                alsoEach.accept(e);
                if (e.hasAfterState()) {
                    lastSeqByAccount.put(e.accountId, e.seq);
                }
            }
        }
        java.util.Set<Long> lagging = new java.util.HashSet<>();
        for (Map.Entry<Long, Long> last : lastSeqByAccount.entrySet()) {
            if (!accounts.read(last.getKey(), account) || last.getValue() > account.lastJournalSeq()) {
                lagging.add(last.getKey());
            }
        }

        // Second pass, only when something lags: every record of a lagging account after its lastJournalSeq is
        // applied in seq order.
        List<JournalEntry> rolledForward = new ArrayList<>();
        int created = 0;
        if (!lagging.isEmpty()) {
            try (Journal.Scanner scanner = tail.open()) {
                while (scanner.hasNext()) {
                    JournalEntry e = scanner.next();
                    if (e.seq <= afterSeq || !e.hasAfterState() || !lagging.contains(e.accountId)) {
                        continue;
                    }
                    if (!accounts.read(e.accountId, account)) {
                        account.clear(e.accountId);
                        e.applyTo(account);
                        accounts.write(account);
                        created++;
                        rolledForward.add(e);
                    } else if (e.seq > account.lastJournalSeq()) {
                        e.applyTo(account);
                        accounts.write(account);
                        rolledForward.add(e);
                    }
                }
            }
        }
        Report report = new Report(scanned, rolledForward, created);
        LOG.info("journal roll-forward after seq {}: {} records scanned, {} applied ({} accounts created)", afterSeq,
                scanned, rolledForward.size(), created);
        return report;
    }
}
