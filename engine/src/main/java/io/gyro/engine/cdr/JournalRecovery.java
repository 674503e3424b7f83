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
 * Reconciles the account map with the journal after an unclean stop; run by the lifecycle thread after
 * {@code Stores.open} reported {@code recovered()} and {@link Journal#open} cut any torn line, before the
 * processor starts. Idempotent: applying it twice changes nothing the second time.
 *
 * <h2>The order we recommend: journal first</h2>
 * Per request the processor should (1) compute the new account state, (2) {@link Journal#append} the
 * record with the after-state, (3) write the account with {@code lastJournalSeq = seq} (and the session
 * with its answer), (4) answer. The journal record is the commit point, the maps are a cache of it, and
 * a kill anywhere is repaired by rolling forward, which needs nothing but the record:
 * <ul>
 *   <li>killed before (2) finished: no record (a torn line is cut), no map change, no answer: the
 *       network retries and nothing was charged;</li>
 *   <li>killed between (2) and (3): the record exists, the account lags ({@code lastJournalSeq < seq});
 *       recovery copies the record's after-state into the account. The answer never left, so the
 *       retransmitted request must be recognised: {@link Report#rolledForward()} lists the records'
 *       session ids and CC-Request-Numbers for the Gy adapter to mark as answered.</li>
 * </ul>
 *
 * <h2>Maps first also recovers</h2>
 * If the processor writes the account ({@code lastJournalSeq = seq}, taken as {@code journal.lastSeq()+1})
 * before appending, a kill in between leaves an account that claims a seq the journal never got. Its
 * change was never answered, so recovery rolls it <em>back</em> to the after-state of that account's
 * last journal record (or reports it as {@link Report#unresolved()} when the account has none, e.g. it
 * was created without a record). That needs the accounts written last as well as the journal, and a session
 * written in the same step would still hold an answer that was never sent; hence journal first.
 *
 * <p>Cost: a read of the few thousand accounts written last ({@code AccountStore.writtenLast}), not a
 * pass over every account; one pass over the journal after the checkpoint ({@link JournalCheckpoint}: every
 * record before it is applied, so only the tail can lag; the whole journal without one), parsing each line
 * (allocation is fine here), and one read per account named there; a second pass over that tail only when
 * an account lags it. Recovery is not on the request path.
 */
public final class JournalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

    private JournalRecovery() {
    }

    /**
     * What recovery did.
     *
     * @param recordsScanned journal records read
     * @param rolledForward  records whose after-state was copied into a lagging account (journal-first kill)
     * @param rolledBack     accounts put back to their last journaled state (maps-first kill)
     * @param created        accounts that existed only in the journal and were created from it
     * @param unresolved     accounts ahead of the journal with no record to roll back to (left unchanged)
     */
    public record Report(long recordsScanned, List<JournalEntry> rolledForward, int rolledBack, int created,
                         List<Long> unresolved) {
        public boolean changedAnything() {
            return !rolledForward.isEmpty() || rolledBack > 0 || created > 0;
        }
    }

    public static Report apply(Journal journal, AccountStore accounts) throws IOException {
        return apply(journal, accounts, e -> { });
    }

    /**
     * As {@link #apply(Journal, AccountStore)}, and hands every record read to {@code alsoEach} as well, in
     * seq order, so start-up work that needs the whole journal too (top-up keys, session tail) rides on this
     * one parse instead of a second one.
     */
    public static Report apply(Journal journal, AccountStore accounts, java.util.function.Consumer<JournalEntry> alsoEach)
            throws IOException {
        return apply(journal, accounts, 0, alsoEach);
    }

    /**
     * As {@link #apply(Journal, AccountStore, java.util.function.Consumer)}, over the records after
     * {@code afterSeq} only: the journal checkpoint ({@link JournalCheckpoint}), up to which every record is
     * known applied to the accounts. Only an account that is ahead of the journal and has no record in that
     * tail makes it read the rest of the journal (for that account's last record).
     */
    public static Report apply(Journal journal, AccountStore accounts, long afterSeq,
                               java.util.function.Consumer<JournalEntry> alsoEach) throws IOException {
        return apply(journal, accounts, afterSeq, -1, alsoEach);
    }

    /**
     * As {@link #apply(Journal, AccountStore, long, java.util.function.Consumer)}; the accounts checked for being
     * ahead of the journal are those of the writes from number {@code accountWritesAtCheckpoint} on
     * ({@link AccountStore#writtenSince}; the checkpoint's count, or -1 for the last few thousand written).
     */
    public static Report apply(Journal journal, AccountStore accounts, long afterSeq, long accountWritesAtCheckpoint,
                               java.util.function.Consumer<JournalEntry> alsoEach) throws IOException {
        long journalLastSeq = journal.lastSeq();
        Map<Long, JournalEntry> aheadOfJournal = new HashMap<>();
        // An account can be ahead of the journal only if it was written and the kill came before its record
        // was appended (maps-first order), so it is among the last accounts written: those are the only ones
        // checked, not every account (see AccountStore.writtenLast).
        Account account = new Account();
        for (long id : accounts.writtenSince(accountWritesAtCheckpoint)) {
            if (accounts.read(id, account) && account.lastJournalSeq() > journalLastSeq) {
                aheadOfJournal.put(id, null);
            }
        }

        // First pass: the last record of each account. An account lags the journal exactly when its last
        // record's seq is above its lastJournalSeq (or it does not exist), so each account named in the journal
        // is read once, after the pass, instead of once per record (each read of a cold page of a 10-million
        // account map can cost a disk read in a fresh process).
        Map<Long, Long> lastSeqByAccount = new HashMap<>();
        long scanned = 0;
        try (Journal.Scanner scanner = journal.scanAfter(afterSeq)) {
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
                if (aheadOfJournal.containsKey(e.accountId)) {
                    aheadOfJournal.put(e.accountId, e);
                    continue;
                }
                lastSeqByAccount.put(e.accountId, e.seq);
            }
        }
        java.util.Set<Long> lagging = new java.util.HashSet<>();
        for (Map.Entry<Long, Long> last : lastSeqByAccount.entrySet()) {
            if (!accounts.read(last.getKey(), account) || last.getValue() > account.lastJournalSeq()) {
                lagging.add(last.getKey());
            }
        }

        // Second pass, only when something lags (a kill between a record and its account write): every record
        // of a lagging account after its lastJournalSeq is applied in seq order, as a single pass over all
        // accounts would have done.
        List<JournalEntry> rolledForward = new ArrayList<>();
        int created = 0;
        if (!lagging.isEmpty()) {
            try (Journal.Scanner scanner = journal.scanAfter(afterSeq)) {
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

        if (afterSeq > 0 && aheadOfJournal.containsValue(null)) {
            // An account ahead of the journal with no record after the checkpoint: its last record is before it.
            java.util.Set<Long> withoutRecord = new java.util.HashSet<>();
            aheadOfJournal.forEach((id, last) -> {
                if (last == null) {
                    withoutRecord.add(id);
                }
            });
            try (Journal.Scanner scanner = journal.scan()) {
                while (scanner.hasNext()) {
                    JournalEntry e = scanner.next();
                    if (e.seq > afterSeq) {
                        break;
                    }
                    if (e.hasAfterState() && withoutRecord.contains(e.accountId)) {
                        aheadOfJournal.put(e.accountId, e);
                    }
                }
            }
        }
        int rolledBack = 0;
        List<Long> unresolved = new ArrayList<>();
        for (Map.Entry<Long, JournalEntry> c : aheadOfJournal.entrySet()) {
            JournalEntry last = c.getValue();
            if (last == null || !accounts.read(c.getKey(), account)) {
                unresolved.add(c.getKey());
                LOG.error("account {} claims journal seq {} but the journal ends at {} and holds no record of it: "
                        + "left unchanged, needs an operator", c.getKey(), account.lastJournalSeq(), journalLastSeq);
                continue;
            }
            LOG.warn("account {} was written for seq {} that never reached the journal (ends at {}): rolled back "
                    + "to record {}", c.getKey(), account.lastJournalSeq(), journalLastSeq, last.seq);
            last.applyTo(account);
            accounts.write(account);
            rolledBack++;
        }
        Report report = new Report(scanned, rolledForward, rolledBack, created, unresolved);
        LOG.info("journal recovery: {} records scanned, {} rolled forward ({} accounts created), {} rolled back, "
                + "{} unresolved", scanned, rolledForward.size(), created, rolledBack, unresolved.size());
        return report;
    }
}
